"""The store's own promises: expiry, one taker, dedupe, the hourly limit, reopening once."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from bot.store import Admission, Answer, CloneRequest, PendingCommand, SharedFile, SQLiteStore, Stage

RUN = "run-1"  # the runner (one start of the bot) that admits jobs in these tests


def request(file_id: str = "F1", user: str = "U1") -> CloneRequest:
    return CloneRequest("T1", "C1", user, SharedFile(file_id, "a.wav"), "1.1", "1.1", "Rachel", "en")


async def open_store(tmp_path: Path, now: list[float]) -> SQLiteStore:
    return await SQLiteStore.open(str(tmp_path / "db.sqlite3"), ttl_seconds=600, clock=lambda: now[0])


async def test_a_waiting_command_expires_and_is_taken_once(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    await store.save_pending(PendingCommand("T", "C", "U", "Rachel", "en"))
    now[0] += 601
    assert await store.take_pending("T", "C", "U") is None
    await store.save_pending(PendingCommand("T", "C", "U", "Rachel", "en"))
    now[0] += 400
    assert (await store.take_pending("T", "C", "U")).name == "Rachel"
    assert await store.take_pending("T", "C", "U") is None
    await store.close()


async def test_waiting_commands_and_jobs_survive_reopening(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    await store.save_pending(PendingCommand("T", "C", "U", "Rachel", "en"))
    admitted = await store.admit(request(), per_user_per_hour=10, runner=RUN)
    await store.close()
    store = await open_store(tmp_path, now)
    assert (await store.take_pending("T", "C", "U")).name == "Rachel"
    [job] = await store.take_abandoned("run-2")
    assert job == replace(admitted.job, fence=2) and job.stage is Stage.RECEIVED
    assert await store.take_abandoned("run-2") == []  # taken once
    await store.close()


async def test_a_restart_takes_over_only_what_an_earlier_run_left(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    running = (await store.admit(request("F1"), per_user_per_hour=10, runner="run-0")).job
    done = (await store.admit(request("F2"), per_user_per_hour=10, runner="run-0")).job
    await store.update_job(replace(done, stage=Stage.DONE))
    unshown = (await store.admit(request("F3"), per_user_per_hour=10, runner="run-0")).job
    await store.update_job(replace(unshown, stage=Stage.FAILED, answer=Answer("failed", [], ok=False)))
    admitted_since = (await store.admit(request("F4"), per_user_per_hour=10, runner=RUN)).job

    taken = await store.take_abandoned(RUN)
    assert [job.id for job in taken] == [running.id, unshown.id]  # not the finished job, not this run's own
    assert admitted_since.id not in [job.id for job in taken]
    assert await store.take_abandoned(RUN) == []  # taken once, even if asked again
    assert len(await store.take_abandoned("run-2")) == 3  # the next start takes over all that is left
    await store.close()


async def test_a_file_from_before_jobs_had_an_owner_is_upgraded(tmp_path: Path):
    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as old:
        old.execute("CREATE TABLE jobs (id TEXT PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, "
                    "file_id TEXT NOT NULL, stage TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL, "
                    "data TEXT NOT NULL)")
    now = [1000.0]
    store = await open_store(tmp_path, now)
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN)).job
    assert [taken.id for taken in await store.take_abandoned("run-2")] == [job.id]
    await store.close()


async def test_the_same_file_is_admitted_once_until_it_fails(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    first = await store.admit(request(), per_user_per_hour=10, runner=RUN)
    assert first.outcome is Admission.ACCEPTED
    assert (await store.admit(request(), per_user_per_hour=10, runner=RUN)).outcome is Admission.DUPLICATE
    await store.update_job(first.job.__class__(**{**first.job.__dict__, "stage": Stage.FAILED}))
    assert (await store.admit(request(), per_user_per_hour=10, runner=RUN)).outcome is Admission.ACCEPTED
    await store.close()


async def test_the_hourly_limit_counts_the_last_hour(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    for n in range(3):
        assert (await store.admit(request(f"F{n}"), per_user_per_hour=3, runner=RUN)).outcome is Admission.ACCEPTED
        now[0] += 60
    limited = await store.admit(request("F9"), per_user_per_hour=3, runner=RUN)
    assert limited.outcome is Admission.RATE_LIMITED
    assert limited.retry_after_seconds == 3600 - 180
    assert (await store.admit(request("F8", user="U2"), per_user_per_hour=3, runner=RUN)).outcome is Admission.ACCEPTED
    now[0] += 3600
    assert (await store.admit(request("F9"), per_user_per_hour=3, runner=RUN)).outcome is Admission.ACCEPTED
    await store.close()


async def reopen(store: SQLiteStore, job_id: str, limit: int = 10):
    return await store.reopen_job(job_id, per_user_per_hour=limit, runner=RUN)


async def test_a_failed_job_reopens_once(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN)).job
    still_running = await reopen(store, job.id)
    assert still_running.outcome is Admission.DUPLICATE and still_running.existing.id == job.id
    await store.update_job(replace(job, stage=Stage.FAILED))
    reopened = await reopen(store, job.id)
    assert reopened.outcome is Admission.ACCEPTED and reopened.job.stage is Stage.RECEIVED
    assert reopened.job.retries == 1 and reopened.job.retried_at == (1000.0,)
    assert (await reopen(store, job.id)).existing.id == job.id  # the second click
    assert await reopen(store, "no-such-job") is None
    await store.close()


async def test_try_again_counts_toward_the_hourly_limit_and_new_clones_count_it(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    job = (await store.admit(request("F1"), per_user_per_hour=2, runner=RUN)).job
    await store.update_job(replace(job, stage=Stage.FAILED))
    now[0] += 60
    assert (await reopen(store, job.id, limit=2)).outcome is Admission.ACCEPTED  # the second clone this hour
    limited = await store.admit(request("F2"), per_user_per_hour=2, runner=RUN)
    assert limited.outcome is Admission.RATE_LIMITED and limited.retry_after_seconds == 3600 - 60
    await store.update_job(replace(job, stage=Stage.FAILED, retries=1, retried_at=(1060.0,)))
    assert (await reopen(store, job.id, limit=2)).outcome is Admission.RATE_LIMITED
    now[0] += 3600  # the first start is over an hour old; the retry is not
    assert (await reopen(store, job.id, limit=2)).outcome is Admission.ACCEPTED
    assert (await store.admit(request("F2"), per_user_per_hour=2, runner=RUN)).outcome is Admission.RATE_LIMITED
    await store.close()


async def test_try_again_answers_with_a_voice_the_same_file_made_since(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    failed = (await store.admit(request(), per_user_per_hour=10, runner=RUN)).job
    await store.update_job(replace(failed, stage=Stage.FAILED))
    now[0] += 60
    again = (await store.admit(request(), per_user_per_hour=10, runner=RUN)).job  # shared again
    busy = await reopen(store, failed.id)
    assert busy.outcome is Admission.DUPLICATE and busy.existing.id == again.id  # still running
    await store.update_job(replace(again, stage=Stage.DONE, voice_id="voice-1"))
    now[0] += 86400  # long after the ten minutes in which sharing it again counts as a duplicate
    made = await reopen(store, failed.id)
    assert made.outcome is Admission.DUPLICATE and made.existing.voice_id == "voice-1"
    assert (await store.get_job(failed.id)).stage is Stage.FAILED
    await store.close()


async def test_old_finished_jobs_are_forgotten_but_unfinished_ones_kept(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    done = (await store.admit(request("F1"), per_user_per_hour=10, runner=RUN)).job
    await store.update_job(done.__class__(**{**done.__dict__, "stage": Stage.DONE}))
    running = (await store.admit(request("F2"), per_user_per_hour=10, runner=RUN)).job
    now[0] += 100
    fresh = (await store.admit(request("F3"), per_user_per_hour=10, runner=RUN)).job
    await store.update_job(fresh.__class__(**{**fresh.__dict__, "stage": Stage.FAILED}))
    assert await store.prune(1050.0) == 1
    assert await store.get_job(done.id) is None
    assert await store.get_job(running.id) is not None and await store.get_job(fresh.id) is not None
    await store.close()
