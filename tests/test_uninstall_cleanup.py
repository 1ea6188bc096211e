"""Removing the app forgets everything of that installation, on SQLite and PostgreSQL alike: its jobs with their
agent changes, its design candidates and the count of its designs, beside its key and waiting state. An org-wide
uninstall forgets the org's workspaces, but not a workspace of the org that installed the app on its own."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import text

from bot.app import SERVICES
from bot.config import Settings
from bot.messages import ids
from tests import slack_payloads
from tests.conftest import SIGNING_SECRET, USER, BotClient, start_bot
from tests.distribution import (
    ACME_KEY,
    GLOBEX_KEY,
    REVRING_KEYS,
    Person,
    distribution_env,
    install,
    org_wide_workspace,
    two_workspaces,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, Workspace
from tests.helpers import eventually, hosted

SERVER_KEY = "rr_server_own_key_5555eeee"  # lent to T0SOLO only (REVRING_API_KEY_WORKSPACES), so that it has one
ORG_TEAM = "T0SALES"  # a workspace of the org E0ACME, served by the org-wide install


@dataclass
class Apps:
    slack: FakeSlack
    revring: FakeRevRing
    bot: BotClient
    runner: web.AppRunner

    async def rows(self, query: str) -> list[tuple[Any, ...]]:
        async with self.runner.app[SERVICES].store.engine.connect() as conn:
            return [tuple(row) for row in (await conn.execute(text(query))).all()]

    async def count(self, table: str, team: str) -> int:
        [(count,)] = await self.rows(f"SELECT COUNT(*) FROM {table} WHERE team_id = '{team}'")  # noqa: S608
        return int(count)

    async def post(self, payload: dict[str, Any], *, grid: bool, org_wide: bool) -> None:
        if org_wide:
            payload = slack_payloads.org_wide(payload)
        elif grid:
            payload = slack_payloads.in_enterprise_grid(payload)
        if "command" in payload:
            answer = await self.bot.post(urlencode(payload), "application/x-www-form-urlencoded")
        elif payload.get("type") == "event_callback":
            answer = await self.bot.post(json.dumps(payload), "application/json")
        else:
            answer = await self.bot.interaction(payload)
        assert answer.status == 200

    async def clone(self, token: str, team: str, *, grid: bool = False, org_wide: bool = False) -> dict[str, Any]:
        """Share a clip in the team's channel mentioning the bot; the answer with the voice, once it is there."""
        channel, file_id = f"C0{team[2:]}", f"F0{team[2:]}"
        file = hosted(self.slack, file_id, token=token)
        event = slack_payloads.file_share_event(
            [file], text="<@UBOT> Rachel", channel=channel, ts=f"1700000500.{len(self.slack.calls):06d}"
        )
        await self.post(
            slack_payloads.event_callback(event, event_id=f"Ev0{file_id}", event_time=int(time.time()), team=team),
            grid=grid,
            org_wide=org_wide,
        )

        def answered() -> list[dict[str, Any]]:
            return [
                call.args
                for call in self.slack.calls_to("chat.update")
                if call.args.get("channel") == channel
                and ids.USE_IN_AGENT_ACTION in json.dumps(call.args.get("blocks"))
            ]

        await self.slack.wait_until(lambda: bool(answered()))
        return answered()[0]

    async def design(self, team: str, *, grid: bool = False, org_wide: bool = False) -> None:
        """`/clone-voice design` in the team's channel; back once its candidates are kept."""
        shown = len([c for c in self.slack.calls_to("chat.update") if "Save as a voice…" in c.args["text"]])
        command = slack_payloads.slash_command(
            "design a warm voice", response_url=self.bot.response_url, channel=f"C0{team[2:]}", team=team
        )
        await self.post(command, grid=grid, org_wide=org_wide)
        await self.slack.wait_until(
            lambda: len([c for c in self.slack.calls_to("chat.update") if "Save as a voice…" in c.args["text"]]) > shown
        )

    async def use_in_agent(self, answer: dict[str, Any], team: str, agent_id: str) -> None:
        """The voice's maker puts it on an agent from its answer's *Use in an agent* button."""
        [button] = [
            element
            for block in answer["blocks"]
            if block["type"] == "actions"
            for element in block["elements"]
            if element["action_id"] == ids.USE_IN_AGENT_ACTION
        ]
        updated = len(self.slack.calls_to("views.update"))
        click = self.bot.click_payload(button, answer["channel"], message_ts=answer["ts"], user=USER)
        await self.post(slack_payloads.in_workspace(click, team), grid=False, org_wide=False)
        calls = await self.slack.wait_for("views.update", updated + 1)
        dialog = self.slack.views[calls[updated].args["view_id"]]
        element = next(b for b in dialog["blocks"] if b.get("block_id") == ids.AGENT_BLOCK)["element"]
        option = next(o for o in element["options"] if o["value"] == agent_id)
        values = {ids.AGENT_BLOCK: {element["action_id"]: {"type": element["type"], "selected_option": option}}}
        await self.post(slack_payloads.view_submission(values, view=dialog, team=team), grid=False, org_wide=False)
        await self.slack.wait_until(lambda: any("now speaks with" in t for t in self.slack.thread_texts()))

    async def uninstalled(self, team: str, *, org_wide: bool = False) -> None:
        envelope = slack_payloads.app_uninstalled(event_id=f"Ev0GONE{team}", event_time=int(time.time()), team=team)
        await self.post(envelope, grid=org_wide, org_wide=org_wide)


@pytest.fixture
async def apps(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Apps]:
    overrides = getattr(request, "param", {}) or {}
    slack, revring = FakeSlack("xoxb-no-single-workspace-token"), FakeRevRing({**REVRING_KEYS, SERVER_KEY: "Solo"})
    await slack.start()
    await revring.start()
    env = distribution_env(
        slack,
        revring,
        DATABASE_URL=database_url,
        REVRING_API_KEY=SERVER_KEY,
        REVRING_API_KEY_WORKSPACES="T0SOLO",
        **overrides,
    )
    runner, url = await start_bot(Settings.from_env(env))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield Apps(slack, revring, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"), runner)
    await runner.cleanup()
    await revring.stop()
    await slack.stop()
    slack.assert_only_known_methods_called()


async def _installed(apps: Apps, *workspaces: Workspace) -> None:
    for workspace in workspaces:
        status, page = await install(apps.bot.session, apps.bot.url, workspace)
        assert status == 200, page


async def test_a_workspace_uninstall_takes_its_agent_changes_design_candidates_and_design_counts(apps: Apps):
    acme, globex = two_workspaces(apps.slack)
    await _installed(apps, acme, globex)
    for workspace, key in ((acme, ACME_KEY), (globex, GLOBEX_KEY)):
        await Person(apps.slack, apps.bot, workspace, workspace.installer).connect(key)
        await apps.design(str(workspace.team_id))
    agent = apps.revring.add_agent("Support line", "revring-adam", key=GLOBEX_KEY)
    await apps.use_in_agent(await apps.clone(globex.bot_token, "T0GLOBEX"), "T0GLOBEX", agent.id)
    await apps.clone(acme.bot_token, "T0ACME")
    tables = ("jobs", "agent_changes", "design_candidates")
    assert [await apps.count(table, "T0GLOBEX") for table in tables] == [1, 1, 3]

    apps.slack.revoke(globex)
    await apps.uninstalled("T0GLOBEX")
    await _forgotten(apps, "SELECT COUNT(*) FROM slack_bots WHERE team_id = 'T0GLOBEX'")
    assert [await apps.count(table, "T0GLOBEX") for table in tables] == [0, 0, 0]
    assert [await apps.count(table, "T0ACME") for table in tables] == [1, 0, 3]
    # DESIGNS_PER_HOUR's count of the workspace's designs goes too.
    assert [await apps.count("design_starts", team) for team in ("T0GLOBEX", "T0ACME")] == [0, 1]


@pytest.mark.parametrize("apps", [{"CONSENT": "speaker"}], indirect=True)
async def test_a_workspace_uninstall_takes_its_consent_records(apps: Apps):
    acme, globex = two_workspaces(apps.slack)
    await _installed(apps, acme, globex)
    for workspace, key in ((acme, ACME_KEY), (globex, GLOBEX_KEY)):
        await Person(apps.slack, apps.bot, workspace, workspace.installer).connect(key)
        team = str(workspace.team_id)
        file = hosted(apps.slack, f"F0{team[2:]}", token=workspace.bot_token)
        event = slack_payloads.file_share_event(
            [file], text="<@UBOT> Rachel", channel=f"C0{team[2:]}", ts="1700000600.1"
        )
        await apps.post(
            slack_payloads.event_callback(event, event_id=f"Ev0C{team}", event_time=int(time.time()), team=team),
            grid=False,
            org_wide=False,
        )
    # Each request waits for its speaker (the person asking: one click in the thread), its consent recorded.
    await apps.slack.wait_until(lambda: len([t for t in apps.slack.thread_texts() if "consent" in t]) >= 2)
    assert [await apps.count("consents", team) for team in ("T0GLOBEX", "T0ACME")] == [1, 1]

    apps.slack.revoke(globex)
    await apps.uninstalled("T0GLOBEX")
    await _forgotten(apps, "SELECT COUNT(*) FROM slack_bots WHERE team_id = 'T0GLOBEX'")
    assert [await apps.count("consents", team) for team in ("T0GLOBEX", "T0ACME")] == [0, 1]
    assert [await apps.count("jobs", team) for team in ("T0GLOBEX", "T0ACME")] == [0, 1]


async def test_an_org_wide_uninstall_leaves_a_workspace_of_the_org_that_installed_on_its_own(apps: Apps):
    org = org_wide_workspace(apps.slack)
    solo = apps.slack.add_workspace(
        Workspace(
            "T0SOLO",
            "Solo",
            "xoxb-solo-bot-token-555",
            "code-solo",
            "U0SOLOOWNER",
            enterprise=dict(slack_payloads.ENTERPRISE),
        )
    )
    await _installed(apps, org, solo)
    await Person(apps.slack, apps.bot, org, "U0ORGADMIN", team=ORG_TEAM).connect(ACME_KEY)
    await apps.clone(org.bot_token, ORG_TEAM, org_wide=True)
    await apps.design(ORG_TEAM, org_wide=True)
    await apps.clone(solo.bot_token, "T0SOLO", grid=True)  # answered through its own installation
    await apps.design("T0SOLO", grid=True)
    assert len(apps.revring.voices) == 2
    tables = ("jobs", "design_candidates")
    assert [await apps.count(table, ORG_TEAM) for table in tables] == [1, 3]

    apps.slack.revoke(org)
    await apps.uninstalled(ORG_TEAM, org_wide=True)
    await _forgotten(apps, "SELECT COUNT(*) FROM slack_bots WHERE team_id IS NULL")
    assert [await apps.count(table, "T0SOLO") for table in tables] == [1, 3]
    assert [await apps.count(table, ORG_TEAM) for table in tables] == [0, 0]
    assert [await apps.count("design_starts", team) for team in (ORG_TEAM, "T0SOLO")] == [0, 1]
    assert await apps.rows("SELECT team_id, enterprise_id FROM slack_bots") == [("T0SOLO", "E0ACME")]
    assert await apps.rows("SELECT owner FROM revring_keys") == []


async def _forgotten(apps: Apps, installations: str) -> None:
    """Wait until the installation is gone: the bot forgets the rest first, in one transaction."""

    async def gone() -> bool:
        return await apps.rows(installations) == [(0,)]

    await eventually(gone)
