"""Jobs shared between runners through the store, on SQLite and on PostgreSQL alike: taking the oldest, leases,
fences, the queue and the counts."""

from __future__ import annotations

from dataclasses import replace

from bot.store import Answer, Stage
from tests.store_backends import RUN, OpenStore, request

LEASE = 30.0


async def test_a_job_is_born_taken_and_goes_back_to_waiting_when_released(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    assert job.fence == 1
    assert await store.take_next("run-2", LEASE) is None  # held under a live lease
    assert await store.job_counts() == {"waiting": 0, "running": 1, "awaiting_consent": 0}
    assert await store.release(job.id, fence=2) is False  # not the fence it was taken with
    assert await store.release(job.id, fence=1) is True
    assert await store.job_counts() == {"waiting": 1, "running": 0, "awaiting_consent": 0}
    assert await store.renew(job.id, 1, LEASE) is False  # released: the runner must not go on
    taken = await store.take_next("run-2", LEASE)
    assert taken == replace(job, fence=2) and taken.taken_over is False  # handed back, not taken over
    assert await store.take_next("run-3", LEASE) is None


async def test_the_oldest_waiting_job_is_taken_first_and_a_try_again_queues_at_the_back(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    ids = []
    for n in range(3):
        job = (await store.admit(request(f"F{n}"), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
        await store.release(job.id, job.fence)
        ids.append(job.id)
        now[0] += 1
    first = await store.take_next("run-2", LEASE)
    await store.update_job(replace(first, stage=Stage.FAILED), fence=first.fence)
    assert (await store.reopen_job(first.id, per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    await store.release(first.id, first.fence + 1)
    assert [(await store.take_next("run-2", LEASE)).id for _ in range(3)] == [ids[1], ids[2], ids[0]]


async def test_a_lease_that_runs_out_hands_the_job_over_with_its_stage_and_a_new_fence(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    uploading = replace(job, stage=Stage.UPLOADING)
    assert await store.update_job(uploading, fence=1) is True
    now[0] += LEASE - 1
    assert await store.renew(job.id, 1, LEASE) is True  # renewed in time: still its own
    now[0] += LEASE - 1
    assert await store.take_next("run-2", LEASE) is None
    assert await store.job_counts() == {"waiting": 0, "running": 1, "awaiting_consent": 0}
    now[0] += 2
    assert await store.job_counts() == {"waiting": 1, "running": 0, "awaiting_consent": 0}
    taken = await store.take_next("run-2", LEASE)
    assert taken.stage is Stage.UPLOADING and taken.fence == 2  # "cut off during the upload"
    assert taken.taken_over is True  # its holder stopped renewing
    # The runner that lost it can write nothing over the new owner's.
    assert await store.renew(job.id, 1, LEASE) is False
    assert await store.update_job(replace(uploading, stage=Stage.DONE, voice_id="v-old"), fence=1) is False
    assert await store.release(job.id, 1) is False
    answer = Answer("maybe", [], ok=False)
    assert await store.update_job(replace(taken, stage=Stage.INTERRUPTED, answer=answer), fence=2) is True
    current = await store.get_job(job.id)
    assert current.stage is Stage.INTERRUPTED and current.voice_id is None and current.answer == answer


async def test_an_answer_not_yet_shown_is_taken_over_once_its_lease_runs_out(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    done = replace(job, stage=Stage.DONE, voice_id="v1", answer=Answer("ready", [{"type": "section"}], ok=True))
    await store.update_job(done, fence=1)
    now[0] += LEASE + 1
    taken = await store.take_next("run-2", LEASE)
    assert taken.answer == done.answer and taken.stage is Stage.DONE
    await store.update_job(replace(taken, answer=None), fence=taken.fence)  # shown
    await store.release(taken.id, taken.fence)
    assert await store.take_next("run-3", LEASE) is None  # nothing left to do
    assert await store.job_counts() == {"waiting": 0, "running": 0, "awaiting_consent": 0}


async def test_the_queued_message_is_recorded_as_the_job_is_handed_back_and_kept_by_later_writes(open_store: OpenStore):
    store = await open_store([1000.0])
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    assert await store.release(job.id, 2, ("C1", "1.2")) is False  # not its fence: nothing is written
    assert (await store.get_job(job.id)).reply_ts is None
    assert await store.release(job.id, 1, ("C1", "1700000000.000100")) is True
    taken = await store.take_next("run-2", LEASE)
    assert (taken.reply_channel, taken.reply_ts) == ("C1", "1700000000.000100")
    await store.update_job(replace(job, stage=Stage.DOWNLOADING), fence=2)  # a copy from before the reply
    current = await store.get_job(job.id)
    assert (current.stage, current.reply_channel, current.reply_ts) == (Stage.DOWNLOADING, "C1", "1700000000.000100")


async def test_the_queue_position_counts_unfinished_jobs_that_queued_earlier_on_any_runner(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    jobs = []
    for n in range(4):
        jobs.append((await store.admit(request(f"F{n}"), per_user_per_hour=10, runner=f"run-{n % 2}")).job)
        now[0] += 1
    await store.release(jobs[2].id, 1)  # waiting, not running: still ahead
    await store.update_job(replace(jobs[0], stage=Stage.DONE))  # finished: no longer ahead
    assert [await store.queue_position(job.id) for job in jobs] == [0, 0, 1, 2]
    assert await store.queue_position("no-such-job") == 0


async def test_a_restart_on_one_database_ends_the_leases_of_earlier_runs_at_once(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    earlier = (await store.admit(request("F1"), per_user_per_hour=10, runner="run-0", lease_seconds=LEASE)).job
    mine = (await store.admit(request("F2"), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    finished = (await store.admit(request("F3"), per_user_per_hour=10, runner="run-0", lease_seconds=LEASE)).job
    await store.update_job(replace(finished, stage=Stage.DONE))
    assert await store.expire_leases_of_others(RUN) == 1
    taken = await store.take_next(RUN, LEASE)
    assert taken.id == earlier.id and taken.fence == 2
    assert await store.take_next(RUN, LEASE) is None  # its own job and the finished one stay as they are
    assert (await store.get_job(mine.id)).fence == 1


async def test_ping_answers_while_the_database_is_there(open_store: OpenStore):
    store = await open_store()
    await store.ping()


async def test_how_long_until_another_runners_lease_ends(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    assert await store.seconds_until_a_lease_ends("run-2") is None  # nothing held
    job = (await store.admit(request("F1"), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    other = (await store.admit(request("F2"), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    now[0] += 10
    assert await store.renew(other.id, other.fence, LEASE)
    assert await store.seconds_until_a_lease_ends("run-2") == LEASE - 10  # the first to end
    assert await store.seconds_until_a_lease_ends(RUN) is None  # its own leases are not waited for
    now[0] += LEASE
    assert await store.seconds_until_a_lease_ends("run-2") == 0.0  # ended already: look now
    await store.update_job(replace(job, stage=Stage.DONE, voice_id="v1"), fence=job.fence)
    await store.release(other.id, other.fence)
    assert await store.seconds_until_a_lease_ends("run-2") is None  # finished, or handed back: nothing to wait for


async def test_one_waiting_job_is_taken_by_id_only_while_it_has_not_started_and_nobody_holds_it(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
    assert await store.take_waiting(job.id, runner="deadline", lease_seconds=LEASE) is None  # held under a live lease
    await store.release(job.id, job.fence)
    taken = await store.take_waiting(job.id, runner="deadline", lease_seconds=LEASE)
    assert taken == replace(job, fence=2)
    assert await store.take_next("run-2", LEASE) is None  # it is the deadline's now
    assert await store.take_waiting(job.id, runner="other", lease_seconds=LEASE) is None
    now[0] += LEASE + 1  # the deadline's holder died: a job that has not started may be taken again
    assert (await store.take_waiting(job.id, runner="other", lease_seconds=LEASE)).fence == 3
    assert await store.update_job(replace(job, stage=Stage.DOWNLOADING), fence=3) is True
    now[0] += LEASE + 1
    assert await store.take_waiting(job.id, runner="deadline", lease_seconds=LEASE) is None  # it has started
    assert await store.take_waiting("no-such-job", runner="deadline", lease_seconds=LEASE) is None
