"""What Slack said about a person or a channel is remembered per installation, never across them (issue 20 §2):
with two workspaces installed, a Slack Connect person judged one of Acme's own is still a guest in Globex, and the
bot being in a shared channel for Acme says nothing of Globex's bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.messages import access as access_text
from bot.messages import clone as clone_text
from tests.conftest import SIGNING_SECRET, BotClient, start_bot
from tests.distribution import REVRING_KEYS, distribution_env, install, two_workspaces
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, Workspace

SHARED = "C0SHARED"  # a Slack Connect channel between Acme and Globex: the same id in both


@dataclass
class Two:
    slack: FakeSlack
    acme: Workspace
    globex: Workspace
    bot: BotClient


@pytest.fixture
async def two(tmp_path: Path) -> AsyncIterator[Two]:
    slack, revring = FakeSlack("xoxb-no-single-workspace-token"), FakeRevRing(REVRING_KEYS)
    await slack.start()
    await revring.start()
    acme, globex = two_workspaces(slack)
    settings = Settings.from_env(distribution_env(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/bot.db"))
    runner, url = await start_bot(settings)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        for workspace in (acme, globex):
            status, page = await install(session, url, workspace)
            assert status == 200, page
        yield Two(slack, acme, globex, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"))
    await runner.cleanup()
    await revring.stop()
    await slack.stop()


async def test_a_person_judged_one_of_acmes_own_is_still_a_guest_in_globex(two: Two):
    two.slack.user_teams["U0DANA"] = "T0ACME"  # Acme's, in the channel Acme shares with Globex
    in_acme = await two.bot.command("help", team="T0ACME", channel=SHARED, user="U0DANA")
    assert "/clone-voice" in in_acme.text  # the usage: she is one of Acme's own
    in_globex = await two.bot.command("help", team="T0GLOBEX", channel=SHARED, user="U0DANA")
    assert in_globex.text == access_text.external_user_refused()
    # Each answer came from its own workspace's users.info, not from what the other was told.
    assert [c.token for c in two.slack.calls_to("users.info")] == [two.acme.bot_token, two.globex.bot_token]


async def test_the_bot_being_in_a_shared_channel_for_acme_says_nothing_of_globexs_bot(two: Two):
    two.slack.not_member_in.add((two.globex.bot_token, SHARED))
    in_acme = await two.bot.command("Rachel", team="T0ACME", channel=SHARED, user="U0ACMEOWNER")
    assert in_acme.text == clone_text.waiting_for_file("Rachel", "en", 10)
    in_globex = await two.bot.command("Rachel", team="T0GLOBEX", channel=SHARED, user="U0GLOBEXOWNER")
    assert in_globex.text == clone_text.not_a_member("Rachel")
