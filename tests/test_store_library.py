"""The voice library in the store, on SQLite and PostgreSQL: what it lists, a deletion claimed once, agent changes
and their Undo claimed once, and nothing of another workspace within reach."""

from __future__ import annotations

from dataclasses import replace

from bot.store import AgentChange, SQLStore, Stage
from tests.store_backends import RUN, OpenStore, request


async def _voice(store: SQLStore, file_id: str, user: str = "U1", voice_id: str | None = None, team: str = "T1") -> str:
    admitted = await store.admit(replace(request(file_id, user), team_id=team), per_user_per_hour=100, runner=RUN)
    job = admitted.job
    if voice_id is not None:
        await store.update_job(replace(job, stage=Stage.DONE, voice_id=voice_id, voice_status="ready"))
    return job.id


async def test_the_library_lists_a_workspaces_voices_newest_first_in_pages(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    ids = []
    for n in range(5):
        now[0] += 1
        ids.append(await _voice(store, f"F{n}", user="U1" if n % 2 == 0 else "U2", voice_id=f"voice-{n}"))
    await _voice(store, "F9")  # still cloning: not a voice yet
    await _voice(store, "F8", voice_id="voice-other", team="T2")  # another workspace
    page, total = await store.voice_library("T1", user_id=None, offset=0, limit=2)
    assert total == 5 and [job.voice_id for job in page] == ["voice-4", "voice-3"]
    page, _ = await store.voice_library("T1", user_id=None, offset=4, limit=2)
    assert [job.voice_id for job in page] == ["voice-0"]
    mine, total = await store.voice_library("T1", user_id="U2", offset=0, limit=10)
    assert total == 2 and [job.voice_id for job in mine] == ["voice-3", "voice-1"]
    assert await store.voice_names("T1", ["voice-1", "voice-other", "revring-rachel"]) == {"voice-1": "Rachel"}
    assert await store.voice_of("T2", ids[0]) is None and (await store.voice_of("T1", ids[0])).voice_id == "voice-0"


async def test_a_deletion_is_claimed_once_recorded_and_can_be_released(open_store: OpenStore):
    now = [1000.0]
    store = await open_store(now)
    job_id = await _voice(store, "F1", voice_id="voice-1")
    assert await store.claim_deletion("T2", job_id, "U9") is False  # another workspace cannot touch it
    assert await store.claim_deletion("T1", job_id, "U1") is True
    assert await store.claim_deletion("T1", job_id, "U2") is False  # the double click
    job = await store.voice_of("T1", job_id)
    assert (job.deleted_by, job.deleted_at) == ("U1", 1000.0)
    assert await store.voice_library("T1", user_id=None, offset=0, limit=10) == ([], 0)
    assert await store.voice_names("T1", ["voice-1"]) == {}
    await store.release_deletion("T1", job_id)
    assert (await store.voice_library("T1", user_id=None, offset=0, limit=10))[1] == 1
    assert await store.claim_deletion("T1", job_id, "U2") is True


async def test_an_agent_change_is_kept_and_undone_once(open_store: OpenStore):
    store = await open_store([2000.0])
    job_id = await _voice(store, "F1", voice_id="voice-1")
    change = AgentChange("chg1", "T1", job_id, "agent-1", "Support line", "voice-1", "old-id", "U1", 1999.0)
    await store.record_agent_change(change)
    assert await store.agent_change("T1", "chg1") == change
    assert await store.agent_change("T2", "chg1") is None
    assert await store.claim_undo("T2", "chg1", "U9") is False
    assert await store.claim_undo("T1", "chg1", "U1") is True
    assert await store.claim_undo("T1", "chg1", "U1") is False
    assert (await store.agent_change("T1", "chg1")).undone_by == "U1"
    await store.release_undo("T1", "chg1")
    assert await store.claim_undo("T1", "chg1", "U2") is True


async def test_a_permalink_is_kept_with_its_job(open_store: OpenStore):
    store = await open_store()
    job_id = await _voice(store, "F1", voice_id="voice-1")
    await store.set_permalink(job_id, "https://acme.slack.com/archives/C1/p1")
    assert (await store.voice_of("T1", job_id)).permalink == "https://acme.slack.com/archives/C1/p1"
