"""The store's own promises, on SQLite and on PostgreSQL alike: expiry, one taker, dedupe, the hourly limit,
reopening once, and restarts."""

from __future__ import annotations

from dataclasses import replace

from bot.store import Admission, Answer, PendingCommand, RecentAudio, SharedFile, Stage
from bot.store.sql import SQLStore
from bot.store.sql.base import SQLAggregate
from tests.store_backends import RUN, OpenStore, request


async def test_a_waiting_command_expires_and_is_taken_once(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    await store.save_pending(PendingCommand("T", "C", "U", "Rachel", "en"))
    now[0] += 601
    assert await store.take_pending("T", "C", "U") is None
    await store.save_pending(PendingCommand("T", "C", "U", "Rachel", "en"))
    now[0] += 400
    assert (await store.take_pending("T", "C", "U")).name == "Rachel"
    assert await store.take_pending("T", "C", "U") is None


async def test_recent_audio_is_kept_whole_replaced_by_newer_and_taken_once(open_store: OpenStore):
    store = await open_store([1000.0])
    file = SharedFile(
        "F1", "a.m4a", "A clip", "audio/mp4", "m4a", 1234, "https://files.slack.com/x", "slack_audio", 12000
    )
    await store.save_recent_audio(RecentAudio("T", "C", "U", replace(file, id="F0"), "1.1", "1.1"))
    await store.save_recent_audio(RecentAudio("T", "C", "U", file, "1.2", "1.0"))
    assert await store.take_recent_audio("T", "C", "U") == RecentAudio("T", "C", "U", file, "1.2", "1.0")
    assert await store.take_recent_audio("T", "C", "U") is None


async def test_a_command_takes_the_audio_shared_before_it_or_else_waits_for_the_next(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    file = SharedFile("F1", "a.wav", "A take", "audio/wav", "wav", 1234, "https://files.slack.com/x", None, None)
    waiting = PendingCommand("T", "C", "U", "Rachel", "en")
    await store.save_recent_audio(RecentAudio("T", "C", "U", file, "1.2", "1.2"))
    # The audio is there: taken, and the command does not wait.
    assert (await store.take_recent_audio_or_wait("T", "C", "U", waiting)).file == file
    assert await store.take_pending("T", "C", "U") is None
    # No audio (or only an expired one): the command waits, unless there is nothing to wait with.
    assert await store.take_recent_audio_or_wait("T", "C", "U", None) is None
    assert await store.take_pending("T", "C", "U") is None
    await store.save_recent_audio(RecentAudio("T", "C", "U", file, "1.3", "1.3"))
    now[0] += 601
    assert await store.take_recent_audio_or_wait("T", "C", "U", waiting) is None
    assert await store.take_pending("T", "C", "U") == waiting
    assert await store.take_recent_audio("T", "C", "U") is None  # the expired one went too


async def test_a_claim_holds_for_an_hour(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    assert await store.claim("event:Ev1") is True
    assert await store.claim("event:Ev1") is False
    assert await store.claim("event:Ev2") is True
    now[0] += 3601
    assert await store.claim("event:Ev1") is True
    assert await store.claim("event:Ev1") is False


async def test_waiting_commands_and_jobs_survive_reopening(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    await store.save_pending(PendingCommand("T", "C", "U", "Rachel", "en"))
    admitted = await store.admit(request(), per_user_per_hour=10, runner=RUN)
    await store.close()
    store = await open_store(now)
    assert (await store.take_pending("T", "C", "U")).name == "Rachel"
    assert await store.expire_leases_of_others("run-2") == 1
    job = await store.take_next("run-2", 30.0)
    assert job == replace(admitted.job, fence=2, taken_over=True) and job.stage is Stage.RECEIVED
    assert await store.take_next("run-2", 30.0) is None  # taken once


async def test_the_same_file_is_admitted_once_until_it_fails(open_store: OpenStore):
    store = await open_store([1000.0])
    first = await store.admit(request(), per_user_per_hour=10, runner=RUN)
    assert first.outcome is Admission.ACCEPTED
    duplicate = await store.admit(request(), per_user_per_hour=10, runner=RUN)
    assert duplicate.outcome is Admission.DUPLICATE and duplicate.existing == first.job
    await store.update_job(replace(first.job, stage=Stage.FAILED))
    assert (await store.admit(request(), per_user_per_hour=10, runner=RUN)).outcome is Admission.ACCEPTED


async def test_a_voice_made_from_the_same_file_counts_for_ten_minutes(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    first = (await store.admit(request(), per_user_per_hour=10, runner=RUN)).job
    await store.update_job(replace(first, stage=Stage.DONE, voice_id="voice-1"))
    now[0] += 599
    assert (await store.admit(request(), per_user_per_hour=10, runner=RUN)).existing.voice_id == "voice-1"
    now[0] += 2
    assert (await store.admit(request(), per_user_per_hour=10, runner=RUN)).outcome is Admission.ACCEPTED


async def test_the_hourly_limit_counts_the_last_hour(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    for n in range(3):
        assert (await store.admit(request(f"F{n}"), per_user_per_hour=3, runner=RUN)).outcome is Admission.ACCEPTED
        now[0] += 60
    limited = await store.admit(request("F9"), per_user_per_hour=3, runner=RUN)
    assert limited.outcome is Admission.RATE_LIMITED
    assert limited.retry_after_seconds == 3600 - 180
    assert (await store.admit(request("F8", user="U2"), per_user_per_hour=3, runner=RUN)).outcome is Admission.ACCEPTED
    now[0] += 3600
    assert (await store.admit(request("F9"), per_user_per_hour=3, runner=RUN)).outcome is Admission.ACCEPTED


async def reopen(store, job_id: str, limit: int = 10):
    return await store.reopen_job(job_id, per_user_per_hour=limit, runner=RUN)


async def test_a_failed_job_reopens_once(open_store: OpenStore):
    store = await open_store([1000.0])
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN)).job
    still_running = await reopen(store, job.id)
    assert still_running.outcome is Admission.DUPLICATE and still_running.existing.id == job.id
    await store.update_job(replace(job, stage=Stage.FAILED, answer=Answer("failed", [], ok=False)))
    reopened = await reopen(store, job.id)
    assert reopened.outcome is Admission.ACCEPTED and reopened.job.stage is Stage.RECEIVED
    assert reopened.job.retries == 1 and reopened.job.retried_at == (1000.0,) and reopened.job.answer is None
    assert reopened.job.fence == 2  # taken again
    assert (await reopen(store, job.id)).existing.id == job.id  # the second click
    assert await reopen(store, "no-such-job") is None


async def test_try_again_counts_toward_the_hourly_limit_and_new_clones_count_it(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    job = (await store.admit(request("F1"), per_user_per_hour=2, runner=RUN)).job
    await store.update_job(replace(job, stage=Stage.FAILED))
    now[0] += 60
    assert (await reopen(store, job.id, limit=2)).outcome is Admission.ACCEPTED  # the second clone this hour
    limited = await store.admit(request("F2"), per_user_per_hour=2, runner=RUN)
    assert limited.outcome is Admission.RATE_LIMITED and limited.retry_after_seconds == 3600 - 60
    await store.update_job(replace(job, stage=Stage.FAILED))
    assert (await reopen(store, job.id, limit=2)).outcome is Admission.RATE_LIMITED
    now[0] += 3600  # the first start is over an hour old; the retry is not
    assert (await reopen(store, job.id, limit=2)).outcome is Admission.ACCEPTED
    assert (await store.admit(request("F2"), per_user_per_hour=2, runner=RUN)).outcome is Admission.RATE_LIMITED


async def test_try_again_answers_with_a_voice_the_same_file_made_since(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
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


async def test_the_list_shows_a_team_s_newest_jobs_first(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    for n in range(3):
        await store.admit(request(f"F{n}"), per_user_per_hour=10, runner=RUN)
        now[0] += 1
    assert [job.request.file.id for job in await store.recent_jobs("T1", limit=2)] == ["F2", "F1"]
    assert await store.recent_jobs("T2", limit=2) == []


async def test_old_finished_jobs_are_forgotten_but_unfinished_ones_kept(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    done = (await store.admit(request("F1"), per_user_per_hour=10, runner=RUN)).job
    await store.update_job(replace(done, stage=Stage.DONE))
    running = (await store.admit(request("F2"), per_user_per_hour=10, runner=RUN)).job
    now[0] += 100
    fresh = (await store.admit(request("F3"), per_user_per_hour=10, runner=RUN)).job
    await store.update_job(replace(fresh, stage=Stage.FAILED))
    assert await store.prune(1050.0) == 1
    assert await store.get_job(done.id) is None
    assert await store.get_job(running.id) is not None and await store.get_job(fresh.id) is not None


async def test_a_design_candidate_is_kept_for_its_hour_in_its_workspace_then_forgotten(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    kept = await store.add_candidate(
        team_id="T", user_id="U", file_id="F0UP0001", index=2, channel_id="C", thread_ts="1.1", keep_seconds=3600
    )
    assert (kept.created_at, kept.expires_at) == (1000.0, 4600.0)
    found = await store.get_candidate("T", kept.id)
    assert found == kept and not found.expired
    assert await store.get_candidate("T-other", kept.id) is None  # another workspace's candidate is not there
    now[0] = 4600.0
    assert (await store.get_candidate("T", kept.id)).expired
    await store.prune(0)
    assert (await store.get_candidate("T", kept.id)).expired  # kept a day longer, to say "expired"
    now[0] += 86401
    await store.prune(0)
    assert await store.get_candidate("T", kept.id) is None


def test_the_aggregates_in_one_store_share_no_name():
    """SQLStore is every aggregate's class at once: a helper of one must not hide another's of the same name."""
    aggregates = [cls for cls in SQLStore.__mro__[1:] if issubclass(cls, SQLAggregate) and cls is not SQLAggregate]
    assert len(aggregates) == 7  # the job queue's reads are a class of their own (sql/job_rows.py)
    names = [name for cls in aggregates for name in vars(cls) if not name.startswith("__")]
    assert sorted(name for name in set(names) if names.count(name) > 1) == []
