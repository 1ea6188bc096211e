"""Distribution mode on PostgreSQL with two real instances (`python -m bot` processes) sharing one database: an
install started on one finishes on the other, a key connected through one serves jobs run by the other, and each
job uses its own workspace's token and key."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from tests import slack_payloads
from tests.bot_process import BotProcess
from tests.conftest import SIGNING_SECRET, BotClient
from tests.distribution import (
    ACME_KEY,
    GLOBEX_KEY,
    REVRING_KEYS,
    Person,
    distribution_env,
    finish_install,
    start_install,
    two_workspaces,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV, eventually


@pytest.fixture
async def two_instances(
    postgres_url: str, tmp_path: Path, unused_tcp_port_factory: Callable[[], int]
) -> AsyncIterator[tuple[FakeSlack, FakeRevRing, list[BotProcess]]]:
    slack, revring = FakeSlack("xoxb-unused"), FakeRevRing(REVRING_KEYS)
    await slack.start()
    await revring.start()
    bots = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        env = distribution_env(
            slack, revring, DATABASE_URL=postgres_url, PORT=str(unused_tcp_port_factory()), REVRING_TIMEOUT="30"
        )
        bots.append(BotProcess(env, tmp_path / name))
    try:
        await asyncio.gather(*(bot.start() for bot in bots))
        yield slack, revring, bots
    finally:
        for bot in bots:
            if bot.process is not None and bot.returncode is None:
                await bot.stop()
        await revring.stop()
        await slack.stop()
    slack.assert_only_known_methods_called()


async def _rows(url: str, query: str) -> list[tuple]:
    db = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await db.fetch(query)]
    finally:
        await db.close()


async def test_two_instances_share_installs_keys_and_jobs(two_instances, postgres_url: str):
    slack, revring, (a, b) = two_instances
    acme, globex = two_workspaces(slack)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        # Each install starts on one instance and comes back from Slack to the other.
        for workspace, start, finish in ((acme, a, b), (globex, b, a)):
            started = await start_install(session, start.url)
            status, page = await finish_install(
                session, finish.url, code=workspace.code, state=started.state, cookie=started.cookie
            )
            assert status == 200 and f"installed in {workspace.team_name}" in page
            # The state is gone for both instances.
            status, _page = await finish_install(
                session, start.url, code=workspace.code, state=started.state, cookie=started.cookie
            )
            assert status == 401
        assert sorted(await _rows(postgres_url, "SELECT team_id FROM slack_bots")) == [("T0ACME",), ("T0GLOBEX",)]

        bot_a = BotClient(a.url, session, SIGNING_SECRET, f"{slack.url}/response")
        bot_b = BotClient(b.url, session, SIGNING_SECRET, f"{slack.url}/response")
        await Person(slack, bot_a, acme, acme.installer).connect(ACME_KEY)
        await Person(slack, bot_b, globex, globex.installer).connect(GLOBEX_KEY)

        async def share(bot: BotClient, workspace, file_id: str, channel: str) -> None:
            file = slack.host_file(HostedFile(file_id, "rachel.wav", "audio/wav", WAV, token=workspace.bot_token))
            answer, _ts = await bot.share_file(
                file, text="<@UBOT> Rachel", channel=channel, team=str(workspace.team_id)
            )
            assert answer.status == 200

        # Each instance receives the other workspace's request.
        await asyncio.gather(share(bot_b, acme, "F0ACME", "C0ACME"), share(bot_a, globex, "F0GLOBEX", "C0GLOBEX"))
        await slack.wait_until(lambda: len(slack.calls_to("chat.update")) >= 2, timeout=30)
        assert {voice.organisation: voice.key for voice in revring.voices.values()} == {
            "Acme": ACME_KEY,
            "Globex": GLOBEX_KEY,
        }
        for workspace, channel in ((acme, "C0ACME"), (globex, "C0GLOBEX")):
            tokens = {
                c.token
                for c in slack.calls
                if c.method in ("chat.postMessage", "chat.update") and c.args.get("channel") == channel
            }
            assert tokens == {workspace.bot_token}

        # Removed through one instance: gone for both.
        slack.revoke(globex)
        envelope = slack_payloads.app_uninstalled(event_id="Ev0GONE", event_time=int(time.time()), team="T0GLOBEX")
        assert (await bot_b.post(json.dumps(envelope), "application/json")).status == 200

        async def forgotten() -> bool:  # a row the other process deletes: nothing announces it
            return await _rows(postgres_url, "SELECT team_id FROM slack_bots") == [("T0ACME",)]

        await eventually(forgotten)
        assert await _rows(postgres_url, "SELECT owner FROM revring_keys") == [("T0ACME",)]
        assert await _rows(postgres_url, "SELECT team_id FROM jobs") == [("T0ACME",)]
        stored = str(await _rows(postgres_url, "SELECT * FROM revring_keys"))
        assert ACME_KEY not in stored and ACME_KEY[-8:] not in stored
