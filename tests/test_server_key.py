"""The server's RevRing key in distribution mode: anyone may install the app through the public install page, so
`REVRING_API_KEY` serves no workspace unless `REVRING_API_KEY_WORKSPACES` lists its team or enterprise id, or is
`*`; the Home tab says what serves each workspace, and `python -m bot check` says which it serves."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.check.command import run_checks
from bot.config import ConfigError, Settings
from bot.messages import revring_connection as connection_text
from tests import slack_payloads
from tests.conftest import SIGNING_SECRET, Answer, BotClient, start_bot
from tests.distribution import (
    GLOBEX_KEY,
    REVRING_KEYS,
    Person,
    distribution_env,
    home_text,
    install,
    org_wide_workspace,
    two_workspaces,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, Workspace
from tests.helpers import hosted

SERVER_KEY = "rr_server_own_key_4444dddd"
ORG_TEAM = "T0SALES"  # a workspace of the Enterprise Grid org E0ACME, which installs the app org-wide


@dataclass
class Public:
    slack: FakeSlack
    revring: FakeRevRing
    acme: Workspace
    globex: Workspace
    org: Workspace
    bot: BotClient

    async def design(self, team: str, *, org_wide: bool = False) -> Answer:
        command = slack_payloads.slash_command(
            "design a warm voice", response_url=self.bot.response_url, user="U0BOB", channel="C0" + team[2:], team=team
        )
        form = slack_payloads.org_wide(command) if org_wide else command
        return await self.bot.post(urlencode(form), "application/x-www-form-urlencoded")


@pytest.fixture
async def public(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Public]:
    slack = FakeSlack("xoxb-no-single-workspace-token")
    revring = FakeRevRing({**REVRING_KEYS, SERVER_KEY: "Server"})
    await slack.start()
    await revring.start()
    acme, globex = two_workspaces(slack)
    org = org_wide_workspace(slack)
    env = distribution_env(
        slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3", REVRING_API_KEY=SERVER_KEY, **request.param
    )
    runner, url = await start_bot(Settings.from_env(env))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        for workspace in (acme, globex, org):
            status, page = await install(session, url, workspace)
            assert status == 200, page
        yield Public(
            slack, revring, acme, globex, org, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
        )
    await runner.cleanup()
    await revring.stop()
    await slack.stop()
    slack.assert_only_known_methods_called()


@pytest.mark.parametrize("public", [{}], indirect=True)
async def test_unlisted_the_servers_key_serves_no_workspace_that_installs_through_the_public_page(public: Public):
    file = hosted(public.slack, "F0ACME", token=public.acme.bot_token)
    answer, _ts = await public.bot.share_file(file, text="<@UBOT> Rachel", channel="C0ACME", team="T0ACME")
    assert answer.status == 200
    await public.slack.wait_until(lambda: any("admin needs to connect" in text for text in public.slack.thread_texts()))
    assert (await public.design("T0GLOBEX")).text == connection_text.revring_not_connected()
    assert (await public.design(ORG_TEAM, org_wide=True)).text == connection_text.revring_not_connected()
    home = home_text(await Person(public.slack, public.bot, public.acme, "U0BOB").open_home())
    assert connection_text.revring_status_not_connected() in home
    assert connection_text.revring_connected_server() not in home
    assert public.revring.attempts == 0 and public.revring.designs == []
    assert public.slack.download_auth == []


@pytest.mark.parametrize("public", [{"REVRING_API_KEY_WORKSPACES": "T0ACME, E0ACME"}], indirect=True)
async def test_listed_workspaces_and_orgs_are_served_by_it_and_no_other(public: Public):
    assert "Designing 3 voices" in (await public.design("T0ACME")).text
    assert "Designing 3 voices" in (await public.design(ORG_TEAM, org_wide=True)).text  # its org is listed
    assert (await public.design("T0GLOBEX")).text == connection_text.revring_not_connected()
    await public.slack.wait_until(lambda: len(public.revring.designs) == 2)
    assert {design.key for design in public.revring.designs} == {SERVER_KEY}
    acme_home = home_text(await Person(public.slack, public.bot, public.acme, "U0BOB").open_home())
    globex_home = home_text(await Person(public.slack, public.bot, public.globex, "U0BOB").open_home())
    assert connection_text.revring_connected_server() in acme_home
    assert connection_text.revring_status_not_connected() in globex_home


@pytest.mark.parametrize("public", [{"REVRING_API_KEY_WORKSPACES": "*"}], indirect=True)
async def test_a_star_lends_it_to_every_workspace_without_a_key_of_its_own(public: Public):
    await Person(public.slack, public.bot, public.globex, public.globex.installer).connect(GLOBEX_KEY)
    for team in ("T0ACME", "T0GLOBEX"):
        assert "Designing 3 voices" in (await public.design(team)).text
    await public.slack.wait_until(lambda: len(public.revring.designs) == 2)
    assert sorted(design.key for design in public.revring.designs) == sorted([SERVER_KEY, GLOBEX_KEY])


# --- the settings, and check ---------------------------------------------------------------------------


def test_the_list_needs_the_key_and_takes_only_team_and_enterprise_ids_or_a_star(tmp_path: Path):
    base = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_CLIENT_ID": "1234567890.9876543210",
        "SLACK_CLIENT_SECRET": "0123456789abcdef0123456789abcdef",
        "ENCRYPTION_KEY": "q4yK9xv1cR3s8m0bN2d5Fh7jL6pT0wZe1aS3dG5hJ7k=",
    }
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({**base, "REVRING_API_KEY_WORKSPACES": "T0ACME"})
    assert raised.value.problems == [
        "REVRING_API_KEY_WORKSPACES lists the workspaces REVRING_API_KEY serves, but "
        "REVRING_API_KEY is not set: set it, or remove REVRING_API_KEY_WORKSPACES."
    ]
    for wrong in ("C0ACME", "T0ACME,*", "everyone"):
        with pytest.raises(ConfigError) as raised:
            Settings.from_env({**base, "REVRING_API_KEY": SERVER_KEY, "REVRING_API_KEY_WORKSPACES": wrong})
        [line] = raised.value.problems
        assert line.startswith("REVRING_API_KEY_WORKSPACES must be * (every workspace) or list team and enterprise")
    unlisted = Settings.from_env({**base, "REVRING_API_KEY": SERVER_KEY})
    assert unlisted.server_key_workspaces == frozenset()
    assert any(w.startswith("REVRING_API_KEY is set but serves no workspace") for w in unlisted.warnings)
    listed = Settings.from_env({**base, "REVRING_API_KEY": SERVER_KEY, "REVRING_API_KEY_WORKSPACES": "T0A E0B"})
    assert listed.server_key_workspaces == {"T0A", "E0B"} and listed.warnings == []


@pytest.mark.parametrize(
    ("listed", "line"),
    [
        ("", "– Workspaces the server's RevRing key serves: none: REVRING_API_KEY_WORKSPACES is not set"),
        ("T0ACME,E0ACME", "✓ Workspaces the server's RevRing key serves: E0ACME, T0ACME, when they connect no key"),
        ("*", "✓ Workspaces the server's RevRing key serves: every workspace that installs the app"),
    ],
)
async def test_check_says_which_workspaces_the_servers_key_serves(tmp_path: Path, listed: str, line: str):
    slack, revring = FakeSlack("xoxb-unused"), FakeRevRing({SERVER_KEY: "Server"})
    await slack.start()
    await revring.start()
    try:
        env = distribution_env(
            slack,
            revring,
            DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3",
            REVRING_API_KEY=SERVER_KEY,
            REVRING_API_KEY_WORKSPACES=listed,
        )
        out = io.StringIO()
        assert await run_checks(Settings.from_env(env), out)
        assert "✓ Fallback RevRing API key: accepted by RevRing" in out.getvalue()
        assert line in out.getvalue(), out.getvalue()
        assert SERVER_KEY not in out.getvalue()
    finally:
        await revring.stop()
        await slack.stop()
