"""The store's own promises: expiry, one taker, dedupe, the hourly limit, reopening once."""

from __future__ import annotations

from pathlib import Path

from bot.store import Admission, CloneRequest, PendingCommand, SharedFile, SQLiteStore, Stage


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
    admitted = await store.admit(request(), per_user_per_hour=10)
    await store.close()
    store = await open_store(tmp_path, now)
    assert (await store.take_pending("T", "C", "U")).name == "Rachel"
    [job] = await store.unfinished_jobs()
    assert job == admitted.job and job.stage is Stage.RECEIVED
    await store.close()


async def test_the_same_file_is_admitted_once_until_it_fails(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    first = await store.admit(request(), per_user_per_hour=10)
    assert first.outcome is Admission.ACCEPTED
    assert (await store.admit(request(), per_user_per_hour=10)).outcome is Admission.DUPLICATE
    await store.update_job(first.job.__class__(**{**first.job.__dict__, "stage": Stage.FAILED}))
    assert (await store.admit(request(), per_user_per_hour=10)).outcome is Admission.ACCEPTED
    await store.close()


async def test_the_hourly_limit_counts_the_last_hour(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    for n in range(3):
        assert (await store.admit(request(f"F{n}"), per_user_per_hour=3)).outcome is Admission.ACCEPTED
        now[0] += 60
    limited = await store.admit(request("F9"), per_user_per_hour=3)
    assert limited.outcome is Admission.RATE_LIMITED
    assert limited.retry_after_seconds == 3600 - 180
    assert (await store.admit(request("F8", user="U2"), per_user_per_hour=3)).outcome is Admission.ACCEPTED
    now[0] += 3600
    assert (await store.admit(request("F9"), per_user_per_hour=3)).outcome is Admission.ACCEPTED
    await store.close()


async def test_a_failed_job_reopens_once(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    job = (await store.admit(request(), per_user_per_hour=10)).job
    assert await store.reopen_job(job.id) is None  # still running
    await store.update_job(job.__class__(**{**job.__dict__, "stage": Stage.FAILED}))
    assert (await store.reopen_job(job.id)).stage is Stage.RECEIVED
    assert await store.reopen_job(job.id) is None  # the second click
    await store.close()


async def test_old_finished_jobs_are_forgotten_but_unfinished_ones_kept(tmp_path: Path):
    now = [1000.0]
    store = await open_store(tmp_path, now)
    done = (await store.admit(request("F1"), per_user_per_hour=10)).job
    await store.update_job(done.__class__(**{**done.__dict__, "stage": Stage.DONE}))
    running = (await store.admit(request("F2"), per_user_per_hour=10)).job
    now[0] += 100
    fresh = (await store.admit(request("F3"), per_user_per_hour=10)).job
    await store.update_job(fresh.__class__(**{**fresh.__dict__, "stage": Stage.FAILED}))
    assert await store.prune(1050.0) == 1
    assert await store.get_job(done.id) is None
    assert await store.get_job(running.id) is not None and await store.get_job(fresh.id) is not None
    await store.close()
