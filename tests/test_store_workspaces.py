"""The store's workspace data, on SQLite and on PostgreSQL alike: RevRing keys (only ever as given, encrypted by the
caller), and forgetting a workspace or a whole org when it removes the app, without touching anyone else's."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime

from bot.store import PendingCommand, RecentAudio, SharedFile
from bot.store.slack_oauth import OAuthStateStore
from tests.store_backends import RUN, OpenStore, request


async def test_keys_are_kept_replaced_and_removed_per_owner(open_store: OpenStore):
    store = await open_store()
    await store.save_revring_key("T1", "cipher-1", "U1")
    await store.save_revring_key("E1", "cipher-org", "U9")
    await store.save_revring_key("T1", "cipher-2", "U2")
    assert (await store.revring_key("T1")).ciphertext == "cipher-2"
    assert await store.revring_key("T2") is None
    assert await store.delete_revring_key("T1") == "U2"  # who had connected the key removed
    assert await store.delete_revring_key("T1") is None
    assert (await store.revring_key("E1")).ciphertext == "cipher-org"


async def test_forgetting_a_workspace_takes_its_key_waiting_state_and_jobs_and_nothing_else(open_store: OpenStore):
    store = await open_store()
    file = SharedFile("F9", "a.wav")
    for team in ("T1", "T2"):
        await store.save_revring_key(team, f"cipher-{team}", "U1")
        await store.save_pending(PendingCommand(team, "C1", "U1", "Rachel", "en"))
        await store.save_recent_audio(RecentAudio(team, "C1", "U1", file, "1.1", "1.1"))
        await store.admit(replace(request("F1"), team_id=team), per_user_per_hour=10, runner=RUN)
    assert await store.forget_workspace("T1", None) == 1
    assert await store.revring_key("T1") is None and await store.take_pending("T1", "C1", "U1") is None
    assert await store.take_recent_audio("T1", "C1", "U1") is None and await store.recent_jobs("T1", 10) == []
    assert (await store.revring_key("T2")).ciphertext == "cipher-T2"
    assert await store.take_pending("T2", "C1", "U1") is not None
    assert len(await store.recent_jobs("T2", 10)) == 1


async def test_forgetting_an_org_takes_every_workspace_of_the_org(open_store: OpenStore):
    store = await open_store()
    await store.save_revring_key("E1", "cipher-org", "U1")
    for team, org in (("T1", "E1"), ("T2", "E1"), ("T3", None)):
        await store.save_pending(PendingCommand(team, "C1", "U1", "Rachel", "en", enterprise_id=org))
        await store.admit(replace(request("F1"), team_id=team, enterprise_id=org), per_user_per_hour=10, runner=RUN)
    assert await store.forget_workspace(None, "E1") == 2
    assert await store.revring_key("E1") is None
    assert [await store.take_pending(team, "C1", "U1") is not None for team in ("T1", "T2", "T3")] == [
        False,
        False,
        True,
    ]
    assert (await store.recent_jobs("T3", 10))[0].request.enterprise_id is None


async def test_an_oauth_state_is_consumed_once_and_not_after_it_expires(open_store: OpenStore):
    store = await open_store()
    states = OAuthStateStore(store)
    state = await states.async_issue()
    assert await states.async_consume(state) is True
    assert await states.async_consume(state) is False
    expired = await states.async_issue()
    async with store.engine.begin() as conn:
        await conn.execute(states.oauth_states.update().values(expire_at=datetime(2000, 1, 1)))
    assert await states.async_consume(expired) is False
    assert await states.async_consume("never-issued") is False


async def test_of_two_instances_consuming_one_state_at_once_exactly_one_gets_it(open_store: OpenStore):
    first, second = OAuthStateStore(await open_store()), OAuthStateStore(await open_store())
    for _ in range(5):
        state = await first.async_issue()
        assert sorted(await asyncio.gather(first.async_consume(state), second.async_consume(state))) == [False, True]
