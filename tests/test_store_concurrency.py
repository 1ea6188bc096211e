"""Several instances on one database at the same moment: every "one of" the bot promises still holds.

Two stores on one database are two instances (each its own pool of connections); on PostgreSQL their transactions
really run side by side. The same tests run on SQLite, where they prove the file is never corrupted or double-used
when two connections meet there (one process per file is the rule, but `check` or a second start may open it).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace

from sqlalchemy import text

from bot.store import Admission, PendingCommand, RecentAudio, SharedFile, SQLStore, Stage
from tests.store_backends import OpenStore, request

LEASE = 30.0


async def test_the_same_file_is_admitted_once_however_many_instances_ask_at_once(open_store: OpenStore):
    stores = [await open_store(), await open_store()]
    results = await asyncio.gather(
        *(
            stores[n % 2].admit(request("F1", user=f"U{n}"), per_user_per_hour=10, runner=f"run-{n % 2}")
            for n in range(20)
        )
    )
    assert Counter(result.outcome for result in results) == {Admission.ACCEPTED: 1, Admission.DUPLICATE: 19}
    [accepted] = [result.job for result in results if result.job]
    assert {result.existing.id for result in results if result.existing} == {accepted.id}


async def test_the_hourly_limit_is_never_exceeded_by_requests_arriving_together(open_store: OpenStore):
    stores = [await open_store(), await open_store()]
    results = await asyncio.gather(
        *(stores[n % 2].admit(request(f"F{n}"), per_user_per_hour=3, runner=f"run-{n % 2}") for n in range(20))
    )
    assert Counter(result.outcome for result in results) == {Admission.ACCEPTED: 3, Admission.RATE_LIMITED: 17}


async def test_a_double_clicked_try_again_on_two_instances_reopens_once(open_store: OpenStore):
    stores = [await open_store(), await open_store()]
    job = (await stores[0].admit(request(), per_user_per_hour=10, runner="run-0")).job
    await stores[0].update_job(replace(job, stage=Stage.FAILED), fence=job.fence)
    results = await asyncio.gather(
        *(stores[n % 2].reopen_job(job.id, per_user_per_hour=10, runner=f"run-{n % 2}") for n in range(6))
    )
    assert Counter(result.outcome for result in results) == {Admission.ACCEPTED: 1, Admission.DUPLICATE: 5}
    assert (await stores[1].get_job(job.id)).retries == 1


async def test_two_instances_taking_jobs_at_once_never_get_the_same_one(open_store: OpenStore):
    stores = [await open_store(), await open_store()]
    admitted = []
    for n in range(24):
        job = (await stores[0].admit(request(f"F{n}", user=f"U{n}"), per_user_per_hour=10, runner="run-0")).job
        await stores[0].release(job.id, job.fence)
        admitted.append(job.id)
    taken = await asyncio.gather(*(stores[n % 2].take_next(f"run-{n % 2}", LEASE) for n in range(30)))
    ids = [job.id for job in taken if job is not None]
    assert sorted(ids) == sorted(admitted)  # each job exactly once, by one runner or the other
    assert all(job.fence == 2 for job in taken if job is not None)


async def test_a_waiting_command_and_a_claim_have_one_taker_across_instances(open_store: OpenStore):
    stores = [await open_store(), await open_store()]
    await stores[0].save_pending(PendingCommand("T", "C", "U", "Rachel", "en"))
    taken = await asyncio.gather(*(stores[n % 2].take_pending("T", "C", "U") for n in range(10)))
    assert sum(command is not None for command in taken) == 1
    claimed = await asyncio.gather(*(stores[n % 2].claim("event:Ev1") for n in range(10)))
    assert claimed.count(True) == 1


async def test_a_runner_whose_job_was_taken_over_cannot_write_even_concurrently(open_store: OpenStore):
    now = [1000.0]
    stores = [await open_store(now), await open_store(now)]
    job = (await stores[0].admit(request(), per_user_per_hour=10, runner="run-0", lease_seconds=LEASE)).job
    now[0] += LEASE + 1
    taken = await stores[1].take_next("run-1", LEASE)
    old, new = await asyncio.gather(
        stores[0].update_job(replace(job, stage=Stage.DONE, voice_id="from-the-old-owner"), fence=job.fence),
        stores[1].update_job(replace(taken, stage=Stage.DOWNLOADING), fence=taken.fence),
    )
    assert (old, new) == (False, True)
    current = await stores[0].get_job(job.id)
    assert current.stage is Stage.DOWNLOADING and current.voice_id is None


async def test_plain_driver_calls_and_sqlalchemy_transactions_at_once_never_interleave(open_store: OpenStore):
    """The busy path's plain driver calls (admissions, claims) and SQLAlchemy's own transactions (design candidates,
    keys, several statements each) on one store at the same moment: each is whole, none fails, nothing is lost."""
    store = await open_store()
    results = await asyncio.gather(
        *(
            call
            for n in range(30)
            for call in (
                store.admit(request(f"F{n}", user=f"U{n}"), per_user_per_hour=10, runner="run-0"),
                store.add_candidate(
                    team_id="T1",
                    user_id=f"U{n}",
                    file_id=f"D{n}",
                    index=n,
                    channel_id="C1",
                    thread_ts="1.1",
                    keep_seconds=3600,
                ),
                store.claim(f"event:{n}"),
                store.save_revring_key(f"T{n}", f"cipher-{n}", f"U{n}"),
            )
        )
    )
    admitted, candidates, claimed = results[0::4], results[1::4], results[2::4]
    assert all(result.outcome is Admission.ACCEPTED for result in admitted)
    assert all(await asyncio.gather(*(store.get_candidate("T1", c.id) for c in candidates)))
    assert all(claimed) and not any(await asyncio.gather(*(store.claim(f"event:{n}") for n in range(30))))
    keys = [await store.revring_key(f"T{n}") for n in range(30)]
    assert [key.ciphertext if key else None for key in keys] == [f"cipher-{n}" for n in range(30)]


async def test_a_plain_call_waits_while_sqlalchemy_holds_the_sqlite_connection(tmp_path):
    """SQLAlchemy's transaction is several calls on the one connection: a plain call never runs between them."""
    store = await SQLStore.open(f"sqlite:///{tmp_path}/db.sqlite3", 600)
    try:
        async with store.engine.begin() as conn:
            await conn.execute(text("INSERT INTO claims (key, claimed_at) VALUES ('held', 1)"))
            claiming = asyncio.create_task(store.claim("event:1"))
            for _ in range(5):  # turns of the loop and of the connection's thread in which it could have run
                await conn.execute(text("SELECT COUNT(*) FROM claims"))
            assert not claiming.done()
            await conn.rollback()
        assert await claiming is True  # then on its own, not inside the transaction rolled back
        assert await store.claim("event:1") is False
        assert await store.claim("held") is True  # the rolled-back row never existed
    finally:
        await store.close()


async def test_a_command_and_a_file_arriving_together_always_meet(open_store: OpenStore):
    """`/clone-voice NAME` and the person's file, at the same moment on two instances: the command takes the file or
    the file takes the command, never neither (both left waiting for the other)."""
    stores = [await open_store(), await open_store()]
    file = SharedFile("F1", "a.wav", "A take", "audio/wav", "wav", 1234, "https://files.slack.com/x", None, None)
    met = []
    for n in range(40):
        channel = f"C{n}"
        took_audio, took_command = await asyncio.gather(
            stores[0].take_recent_audio_or_wait("T", channel, "U", PendingCommand("T", channel, "U", "Rachel", "en")),
            stores[1].take_pending_or_keep_audio("T", channel, "U", RecentAudio("T", channel, "U", file, "1.1", "1.1")),
        )
        met.append((took_audio is not None) + (took_command is not None))
    assert met == [1] * 40
