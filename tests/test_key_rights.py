"""Who may set, replace or remove a RevRing key (issue 20 §1), over HTTP, on SQLite and on PostgreSQL: an org-wide
install's key is the organisation's admins' (and its first installer's), not a workspace admin's; reinstalling
grants nothing; and every change is told (the Home tab, a DM to whoever had connected the key before, the log)."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bot.app import SERVICES
from bot.config import Settings
from bot.listeners.services import Services
from bot.messages import revring_connection as connection_text
from tests import slack_payloads
from tests.bot_log import BotLog, bot_log
from tests.conftest import SIGNING_SECRET, BotClient, start_bot
from tests.distribution import (
    ACME_KEY,
    CONNECTION_ACTIONS,
    GLOBEX_KEY,
    REVRING_KEYS,
    Person,
    buttons,
    distribution_env,
    home_text,
    install,
    org_wide_workspace,
    two_workspaces,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import ApiCall, FakeSlack, Workspace

FORGED = [
    {"action_id": action, "type": "button", "value": "x", "text": {"type": "plain_text", "text": "x"}}
    for action in CONNECTION_ACTIONS
]  # the buttons an admin sees, sent by someone who was not shown them


@dataclass
class App:
    slack: FakeSlack
    revring: FakeRevRing
    acme: Workspace
    url: str
    session: aiohttp.ClientSession
    bot: BotClient
    log: BotLog
    web_app: web.Application

    def person(self, workspace: Workspace, user: str | None = None, team: str | None = None) -> Person:
        return Person(self.slack, self.bot, workspace, user or workspace.installer, team=team)

    async def installed(self, workspace: Workspace) -> None:
        status, page = await install(self.session, self.url, workspace)
        assert status == 200 and f"installed in {workspace.team_name}" in page, page

    def dms_to(self, user: str) -> list[ApiCall]:
        return [call for call in self.slack.calls_to("chat.postMessage") if call.args.get("channel") == user]


@pytest.fixture
async def app(database_url: str) -> AsyncIterator[App]:
    slack, revring = FakeSlack("xoxb-no-single-workspace-token"), FakeRevRing(REVRING_KEYS)
    await slack.start()
    await revring.start()
    acme, _globex = two_workspaces(slack)
    settings = Settings.from_env(distribution_env(slack, revring, DATABASE_URL=database_url))
    with bot_log() as log:
        runner, url = await start_bot(settings)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            yield App(
                slack,
                revring,
                acme,
                url,
                session,
                BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"),
                log,
                runner.app,
            )
        await runner.cleanup()
    await revring.stop()
    await slack.stop()


async def assert_may_not_change_the_key(app: App, person: Person, *, org_wide: bool = False) -> None:
    """`person` sees the status without buttons, and their forged clicks and key dialog change nothing."""
    home = await person.open_home()
    assert buttons(home) == {}
    assert connection_text.revring_who_may_change(org_wide=org_wide) in home_text(home)
    published, opened = len(person.calls("views.publish")), len(app.slack.calls_to("views.open"))
    for button in FORGED:
        assert await person.click(button) == 200
    answer = await person.submit_key(GLOBEX_KEY, view=connection_text.key_dialog())
    assert answer == {
        "response_action": "errors",
        "errors": {"revring_key": connection_text.revring_key_not_admin(org_wide=org_wide)},
    }
    # Each refused click shows them their Home again: both answered, and nothing was opened.
    await app.slack.wait_until(lambda: len(person.calls("views.publish")) >= published + 2)
    assert len(app.slack.calls_to("views.open")) == opened


# --- an org-wide install --------------------------------------------------------------------------------------


async def test_an_org_wide_key_is_changed_by_the_orgs_admins_and_first_installer_not_a_workspace_admin(app: App):
    org = org_wide_workspace(app.slack)
    await app.installed(org)
    # The installer connects the org's key from one workspace of the org.
    home = await app.person(org, team="T0SALES").connect(ACME_KEY)
    assert "••••aaaa" in home_text(home)

    # An admin of the Sales workspace (users.info: user.is_admin, not enterprise_user.is_admin) is no org admin.
    app.slack.workspace_admins.add("U0SALESADMIN")
    app.slack.user_teams["U0SALESADMIN"] = "T0SALES"
    sales_admin = app.person(org, "U0SALESADMIN", team="T0SALES")
    await assert_may_not_change_the_key(app, sales_admin, org_wide=True)
    assert "••••aaaa" in home_text(await sales_admin.open_home())
    assert app.revring.agent_reads == 1  # only the installer's key was ever checked

    # An admin of the organisation may, from any workspace of it.
    app.slack.admins.add("U0ORGBOSS")
    app.slack.user_teams["U0ORGBOSS"] = "T0SUPPORT"
    assert "••••bbbb" in home_text(await app.person(org, "U0ORGBOSS", team="T0SUPPORT").connect(GLOBEX_KEY))


# --- reinstalling -------------------------------------------------------------------------------------------


async def test_a_reinstall_by_someone_else_grants_nothing_and_the_first_installer_keeps_the_right(app: App):
    acme = app.acme
    await app.installed(acme)  # by U0ACMEOWNER
    acme.installer, acme.code = "U0BOB", "code-acme-again"  # Bob, no admin, opens the public install page
    await app.installed(acme)
    await assert_may_not_change_the_key(app, app.person(acme, "U0BOB"))

    assert "••••aaaa" in home_text(await app.person(acme, "U0ACMEOWNER").connect(ACME_KEY))  # the first still may
    app.slack.owners.add("U0CAROL")
    assert "••••bbbb" in home_text(await app.person(acme, "U0CAROL").connect(GLOBEX_KEY))  # an owner always may

    # The app removed from the workspace: who installed it first is forgotten with the rest.
    uninstalled = slack_payloads.app_uninstalled(event_id="Ev0GONE", event_time=int(time.time()), team="T0ACME")
    assert (await app.bot.post(json.dumps(uninstalled), "application/json")).status == 200
    await app.log.wait_for("workspace forgotten: the app was removed")
    services: Services = app.web_app[SERVICES]
    assert await services.store.first_installer("T0ACME") is None
    acme.code = "code-acme-third"  # Bob installs it afresh: now he is the first installer
    await app.installed(acme)
    assert "••••aaaa" in home_text(await app.person(acme, "U0BOB").connect(ACME_KEY))


# --- every change is told -----------------------------------------------------------------------------------


def _key_lines(log: BotLog) -> list[tuple[str, Any, Any]]:
    return [
        (r.getMessage(), getattr(r, "user", None), getattr(r, "previous", None))
        for r in log.records
        if r.getMessage().startswith("RevRing key")
    ]


async def test_each_key_change_names_who_and_when_and_tells_whoever_had_connected_the_key_before(app: App):
    acme = app.acme
    await app.installed(acme)
    owner, carol = app.person(acme), app.person(acme, "U0CAROL")
    app.slack.admins.add("U0CAROL")

    before = int(time.time())
    shown = home_text(await owner.connect(ACME_KEY))
    assert "connected by <@U0ACMEOWNER> on <!date^" in shown
    epoch = int(shown.split("<!date^", 1)[1].split("^", 1)[0])
    assert before <= epoch <= time.time()
    assert app.dms_to("U0ACMEOWNER") == []  # a first key replaces nobody's

    # Carol replaces it: the Home tab names her, and the owner is told who, never the key.
    assert "connected by <@U0CAROL>" in home_text(await carol.connect(GLOBEX_KEY))
    [told] = app.dms_to("U0ACMEOWNER")
    assert told.token == acme.bot_token
    assert told.args["text"] == connection_text.key_replaced_notice("U0CAROL")
    assert "<@U0CAROL> replaced the RevRing API key you had connected" in told.args["text"]

    # Replacing one's own key tells nobody; the owner removing Carol's tells Carol.
    await carol.connect(ACME_KEY)
    assert app.dms_to("U0CAROL") == []
    published = len(owner.calls("views.publish"))
    assert await owner.click(buttons(await owner.open_home())[CONNECTION_ACTIONS[1]]) == 200
    home = await owner.home_after(published + 1)
    assert connection_text.revring_status_not_connected() in home_text(home)
    [removed] = app.dms_to("U0CAROL")
    assert removed.args["text"] == connection_text.key_removed_notice("U0ACMEOWNER")

    # The log names who did it and whose key it replaced; no key, not even its last characters, anywhere.
    assert _key_lines(app.log) == [
        ("RevRing key connected", "U0ACMEOWNER", None),
        ("RevRing key replaced", "U0CAROL", "U0ACMEOWNER"),
        ("RevRing key replaced", "U0CAROL", "U0CAROL"),
        ("RevRing key removed", "U0ACMEOWNER", "U0CAROL"),
    ]
    told_everything = json.dumps([c.args for c in app.slack.calls_to("chat.postMessage")])
    logged = json.dumps([{**vars(r), "msg": r.getMessage()} for r in app.log.records], default=str)
    for key in (ACME_KEY, GLOBEX_KEY):
        assert key not in logged and key[-4:] not in told_everything
