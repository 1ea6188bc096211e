"""Attacks across installations, over HTTP, in distribution mode: Acme and Globex installed as workspaces, and the
Enterprise Grid org "Acme Org" (E0ACME) installed org-wide, each with its own RevRing key. An admin of Globex sends
Acme's ids; an admin of one workspace of the org goes for a sibling's voice or the org's key; a Slack Connect partner
from another organisation clicks in the org (whose interaction payloads say `"team": null`, leaving only the
person's own `user.team_id`); a reinstall. Each asserts the refusal and that nothing changed at RevRing or in the
store. (One workspace's buttons: tests/test_attacks.py.)"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import SERVICES
from bot.config import Settings
from bot.listeners.services import Services
from bot.messages import access as access_text
from bot.messages import agents as agents_text
from bot.messages import ids
from bot.messages import revring_connection as connection_text
from tests import slack_payloads
from tests.bot_log import bot_log
from tests.conftest import SIGNING_SECRET, BotClient, start_bot
from tests.distribution import (
    ACME_KEY,
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
from tests.doubles.fake_slack import FakeSlack, HostedFile, Workspace
from tests.helpers import WAV

ORG_KEY = "rr_acmeorg_live_key_4444dddd"
SERVER_KEY = "rr_server_live_key_5555eeee"
GONE = "no longer in the voice library"
PARTNER, PARTNER_BOSS, PARTNER_TEAM = "U0PAT", "U0PATBOSS", "T0PARTNER"  # of "Other Org", in a channel shared


@dataclass
class Voice:
    name: str
    voice_id: str
    channel: str
    ts: str
    buttons: dict[str, dict[str, Any]]


@dataclass
class World:
    slack: FakeSlack
    revring: FakeRevRing
    acme: Workspace
    globex: Workspace
    org: Workspace
    bot: BotClient
    services: Services

    def writes(self) -> tuple[Any, ...]:
        """What an attack could change at RevRing: voices, agents, and every call that writes."""
        agents = {a.id: a.voice_id for o in self.revring.organisations.values() for a in o.agents.values()}
        return (
            sorted(self.revring.voices),
            agents,
            self.revring.attempts,
            len(self.revring.calls("DELETE")),
            len(self.revring.calls("PATCH")),
        )

    def payload(self, workspace: Workspace, body: dict[str, Any], team: str) -> dict[str, Any]:
        """`body` as Slack sends it to `workspace`'s installation from `team` (org-wide: `"team": null`)."""
        body = slack_payloads.in_workspace(body, team)
        return slack_payloads.org_wide(body) if workspace.org_wide else body

    async def share(self, workspace: Workspace, name: str, *, user: str, team: str, channel: str) -> None:
        """`user` shares a clip in `channel` mentioning the bot with `name`."""
        file = self.slack.host_file(
            HostedFile(f"F0{name.upper()}", f"{name}.wav", "audio/wav", WAV, token=workspace.bot_token)
        )
        ts = f"1700000600.{len(self.slack.calls):06d}"
        event = slack_payloads.file_share_event([file], text=f"<@UBOT> {name}", user=user, channel=channel, ts=ts)
        envelope = slack_payloads.event_callback(event, event_id=f"Ev0{name}", event_time=int(time.time()))
        assert (
            await self.bot.post(json.dumps(self.payload(workspace, envelope, team)), "application/json")
        ).status == 200

    async def clone(self, workspace: Workspace, name: str, *, user: str, team: str, channel: str) -> Voice:
        """`share`, and the answer with its buttons."""
        await self.share(workspace, name, user=user, team=team, channel=channel)

        def answered() -> Any:
            return next(
                (
                    c
                    for c in self.slack.calls_to("chat.update")
                    if c.args.get("channel") == channel and ids.DELETE_VOICE_ACTION in json.dumps(c.args.get("blocks"))
                ),
                None,
            )

        await self.slack.wait_until(lambda: answered() is not None)
        call = answered()
        found = {e["action_id"]: e for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]}
        voice_id = next(v.id for v in self.revring.voices.values() if v.display_name == name)
        return Voice(name, voice_id, channel, call.args["ts"], found)

    async def click(self, workspace: Workspace, button: dict[str, Any], voice: Voice, *, user: str, team: str) -> str:
        """`user` (whose own team is `team`) clicks `button` on `voice`'s message; what they are told."""
        body = self.bot.click_payload(button, voice.channel, message_ts=voice.ts, user=user)
        before = len(self.slack.responses)
        assert (await self.bot.interaction(self.payload(workspace, body, team))).status == 200
        await self.slack.wait_until(lambda: len(self.slack.responses) > before)
        return str(self.slack.responses[-1]["text"])


@pytest.fixture
async def world(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[World]:
    slack = FakeSlack("xoxb-no-single-workspace-token")
    revring = FakeRevRing({**REVRING_KEYS, ORG_KEY: "AcmeOrg", SERVER_KEY: "Server"})
    await slack.start()
    await revring.start()
    acme, globex = two_workspaces(slack)
    org = org_wide_workspace(slack)
    overrides = getattr(request, "param", {}) or {}
    env = distribution_env(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", **overrides)
    runner, url = await start_bot(Settings.from_env(env))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        bot = BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
        for workspace, key, team in ((acme, ACME_KEY, None), (globex, GLOBEX_KEY, None), (org, ORG_KEY, "T0SALES")):
            status, page = await install(session, url, workspace)
            assert status == 200, page
            await Person(slack, bot, workspace, workspace.installer, team=team).connect(key)
        # The partner's people: their own team and org, and no is_stranger flag (Slack sets none for people in a
        # channel shared with the app's org); the boss is an admin of their own workspace.
        for person in (PARTNER, PARTNER_BOSS):
            slack.user_teams[person] = PARTNER_TEAM
            slack.user_enterprises[person] = {"id": "E0OTHER", "name": "Other Org"}
        slack.workspace_admins.add(PARTNER_BOSS)
        yield World(slack, revring, acme, globex, org, bot, runner.app[SERVICES])
    await runner.cleanup()
    await revring.stop()
    await slack.stop()


# --- two workspaces -----------------------------------------------------------------------------------------


async def test_globexs_owner_sending_acmes_ids_from_globex_reaches_nothing_of_acmes(world: World):
    voice = await world.clone(world.acme, "Rachel", user="U0ACMEOWNER", team="T0ACME", channel="C0ACME")
    world.revring.add_agent("Acme line", "revring-adam", key=ACME_KEY)
    world.slack.owners.add("U0GLOBEXOWNER")  # the owner (and installer) of Globex
    before = world.writes()
    job_id = voice.buttons[ids.DELETE_VOICE_ACTION]["value"]
    for action in (ids.DELETE_VOICE_ACTION, ids.USE_IN_AGENT_ACTION):
        told = await world.click(world.globex, voice.buttons[action], voice, user="U0GLOBEXOWNER", team="T0GLOBEX")
        assert GONE in told
    retry = {
        "action_id": ids.RETRY_ACTION,
        "type": "button",
        "value": job_id,
        "text": {"type": "plain_text", "text": "Try again"},
    }
    assert "I no longer have that request" in await world.click(
        world.globex, retry, voice, user="U0ACMEOWNER", team="T0GLOBEX"
    )  # even Acme's own, from Globex
    # The agent dialog, its private_metadata naming Acme's voice, submitted from Globex.
    dialog = {"id": "V0FORGED", **agents_text.agent_dialog("Rachel", job_id, [("agent-0001", "Acme line")])}
    world.slack.views["V0FORGED"] = dialog
    chosen = {"text": {"type": "plain_text", "text": "Acme line"}, "value": "agent-0001"}
    values = {ids.AGENT_BLOCK: {ids.FIELD_ACTION: {"type": "static_select", "selected_option": chosen}}}
    submitted = slack_payloads.view_submission(values, view=dialog, user="U0GLOBEXOWNER", team="T0GLOBEX")
    await world.bot.interaction(submitted)
    [ended] = await world.slack.wait_for("views.update")
    assert GONE in json.dumps(ended.args["view"])
    # The key: Globex's owner submits the key dialog with private_metadata naming Acme, then removes a key, from
    # Globex: both are Globex's key (whose key it is comes from the installation, never from the dialog).
    globex_owner = Person(world.slack, world.bot, world.globex, "U0GLOBEXOWNER")
    for named in ("T0ACME", json.dumps({"owner": "T0ACME", "team_id": "T0ACME", "enterprise_id": "E0ACME"})):
        published = len(globex_owner.calls("views.publish"))
        assert (
            await globex_owner.submit_key(ACME_KEY, view={**connection_text.key_dialog(), "private_metadata": named})
            is None
        )
        assert "••••aaaa" in home_text(await globex_owner.home_after(published))  # Globex's, now
    remove = buttons(await globex_owner.open_home())[ids.REVRING_REMOVE_ACTION]
    published = len(globex_owner.calls("views.publish"))
    await globex_owner.click(remove)
    assert connection_text.revring_status_not_connected() in home_text(await globex_owner.home_after(published))
    acme_home = home_text(await Person(world.slack, world.bot, world.acme, "U0BOB").open_home())
    assert "••••aaaa" in acme_home and "connected by <@U0ACMEOWNER>" in acme_home
    assert await world.services.store.revring_key("T0GLOBEX") is None  # removed: it was Globex's own the dialog set
    assert world.writes() == before and voice.voice_id in world.revring.voices


async def test_the_library_and_the_list_never_show_another_workspaces_voices(world: World):
    await world.clone(world.acme, "Rachel", user="U0ACMEOWNER", team="T0ACME", channel="C0ACME")
    globex_owner = Person(world.slack, world.bot, world.globex, "U0GLOBEXOWNER")
    home = await globex_owner.open_home()
    for state in ("everyone:0", "mine:0", "everyone:1", "everyone:99999", "everyone:-1", "T0ACME:0"):
        shown = {
            "action_id": ids.HOME_SHOW_ACTIONS[1],
            "type": "button",
            "value": state,
            "text": {"type": "plain_text", "text": "x"},
        }
        published = len(globex_owner.calls("views.publish"))
        await globex_owner.click(shown)
        home = await globex_owner.home_after(published)
        assert "Rachel" not in home_text(home) and "••••aaaa" not in home_text(home)
    listed = await world.bot.command("list", team="T0GLOBEX", channel="C0GLOBEX", user="U0GLOBEXOWNER")
    assert "Rachel" not in json.dumps(listed.body)
    assert "Rachel" in json.dumps(
        (await world.bot.command("list", team="T0ACME", channel="C0ACME", user="U0ACMEOWNER")).body
    )  # it is there, for Acme


async def test_a_click_naming_a_team_and_org_no_installation_has_reaches_nothing(world: World):
    voice = await world.clone(world.acme, "Rachel", user="U0ACMEOWNER", team="T0ACME", channel="C0ACME")
    world.slack.owners.add("U0ACMEOWNER")
    before, responses = world.writes(), len(world.slack.responses)
    delete = world.bot.click_payload(
        voice.buttons[ids.DELETE_VOICE_ACTION], voice.channel, message_ts=voice.ts, user="U0ACMEOWNER"
    )
    acme_in_other_org = slack_payloads.in_enterprise_grid(slack_payloads.in_workspace(delete, "T0ACME"))
    acme_in_other_org["enterprise"] = {"id": "E0OTHER", "name": "Other Org"}
    nowhere = slack_payloads.in_workspace(delete, "T0NOWHERE")
    for forged in (acme_in_other_org, nowhere):
        await world.bot.interaction(forged)
    # Bolt found no installation: its own notice, and nothing of ours ran.
    await world.slack.wait_until(lambda: len(world.slack.responses) == responses + 2)
    assert all(
        "installation with this app is no longer available" in r["text"] for r in world.slack.responses[responses:]
    )
    assert world.writes() == before
    assert voice.voice_id in world.revring.voices


async def test_no_key_is_ever_shown_posted_or_logged_whoever_tries(world: World):
    with bot_log() as log:
        world.slack.owners.add("U0CAROL")
        carol, bob = (Person(world.slack, world.bot, world.acme, user) for user in ("U0CAROL", "U0BOB"))
        assert "••••bbbb" in home_text(await carol.connect(GLOBEX_KEY))  # replaces the installer's Acme key
        refused = await bob.submit_key(ACME_KEY, view=connection_text.key_dialog())  # Bob may not: not echoed
        assert ACME_KEY not in json.dumps(refused)
        [told] = [c for c in world.slack.calls_to("chat.postMessage") if c.args.get("channel") == "U0ACMEOWNER"]
        assert told.args["text"] == connection_text.key_replaced_notice("U0CAROL")
    sent = json.dumps([call.args for call in world.slack.calls])
    logged = json.dumps([{**vars(r), "msg": r.getMessage()} for r in log.records], default=str)
    for key in (ACME_KEY, GLOBEX_KEY, ORG_KEY):
        assert key not in logged and key[:-4] not in sent  # only ever the last four characters, in the Home tab
    assert log.lines("RevRing key replaced") and not log.lines("RevRing key connected")


# --- an org-wide install ------------------------------------------------------------------------------------


async def test_in_the_org_a_sibling_workspaces_admin_reaches_neither_a_voice_nor_the_orgs_key(world: World):
    voice = await world.clone(world.org, "Rachel", user="U0BOB", team="T0SALES", channel="C0SALES")
    world.slack.workspace_admins.add("U0SUPPORTADMIN")
    world.slack.user_teams["U0SUPPORTADMIN"] = "T0SUPPORT"
    before = world.writes()
    delete = voice.buttons[ids.DELETE_VOICE_ACTION]
    assert GONE in await world.click(world.org, delete, voice, user="U0SUPPORTADMIN", team="T0SUPPORT")
    # The same admin named in the payload as one of Sales (users.info says Support): not Sales' admin.
    told = await world.click(world.org, delete, voice, user="U0SUPPORTADMIN", team="T0SALES")
    assert told == "Only <@U0BOB>, who cloned this voice, or a workspace admin can delete it."
    admin = Person(world.slack, world.bot, world.org, "U0SUPPORTADMIN", team="T0SUPPORT")
    assert buttons(await admin.open_home()) == {}
    for action in (ids.REVRING_CONNECT_ACTION, ids.REVRING_REMOVE_ACTION):
        await admin.click(
            {"action_id": action, "type": "button", "value": "E0ACME", "text": {"type": "plain_text", "text": "x"}}
        )
    answer = await admin.submit_key(GLOBEX_KEY, view=connection_text.key_dialog())
    assert answer["errors"] == {ids.REVRING_KEY_BLOCK: connection_text.revring_key_not_admin(org_wide=True)}
    assert world.writes() == before and "••••dddd" in home_text(await admin.open_home())
    # An admin of Sales itself may: the test can tell a refusal from a deletion.
    world.slack.workspace_admins.add("U0SALESADMIN")
    world.slack.user_teams["U0SALESADMIN"] = "T0SALES"
    edits = len(world.slack.calls_to("chat.update"))
    await world.bot.interaction(
        world.payload(
            world.org,
            world.bot.click_payload(delete, voice.channel, message_ts=voice.ts, user="U0SALESADMIN"),
            "T0SALES",
        )
    )
    await world.slack.wait_for("chat.update", edits + 1)
    assert voice.voice_id not in world.revring.voices


async def test_in_the_org_a_slack_connect_partner_is_a_guest(world: World):
    """The org's interaction payloads say `"team": null`; the partner's own `user.team_id` must not make them one
    of the org's people (ALLOW_EXTERNAL_USERS is off)."""
    before = world.writes()
    dialog_button = {
        "action_id": ids.OPEN_DIALOG_ACTION,
        "type": "button",
        "value": "{}",
        "text": {"type": "plain_text", "text": "Upload in a dialog instead"},
    }
    shared = Voice("-", "-", "C0SHARED", "1700000700.000001", {})
    assert await world.click(world.org, dialog_button, shared, user=PARTNER, team=PARTNER_TEAM) == (
        access_text.external_user_refused()
    )
    home = await Person(world.slack, world.bot, world.org, PARTNER, team=PARTNER_TEAM).open_home()
    assert access_text.external_user_refused() in home_text(home)
    assert await world.services.store.recent_jobs(PARTNER_TEAM, limit=10) == []
    assert world.writes() == before


@pytest.mark.parametrize("world", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_in_the_org_a_partners_own_admin_is_nobodys_admin_even_with_allow_external_users(world: World):
    voice = await world.clone(world.org, "Paula", user=PARTNER, team=PARTNER_TEAM, channel="C0SHARED")
    before = world.writes()
    for action, verb in ((ids.DELETE_VOICE_ACTION, "delete"), (ids.USE_IN_AGENT_ACTION, "use")):
        told = await world.click(world.org, voice.buttons[action], voice, user=PARTNER_BOSS, team=PARTNER_TEAM)
        assert told == f"Only <@{PARTNER}>, who cloned this voice, or a workspace admin can {verb} it."
    assert world.writes() == before and voice.voice_id in world.revring.voices


async def test_reinstalling_the_org_wide_app_grants_nothing(world: World):
    world.slack.workspace_admins.add("U0SALESADMIN")
    world.slack.user_teams["U0SALESADMIN"] = "T0SALES"
    world.org.installer, world.org.code = "U0SALESADMIN", "code-org-again"
    status, page = await install(world.bot.session, world.bot.url, world.org)
    assert status == 200, page
    assert await world.services.store.first_installer("E0ACME") == "U0ORGADMIN"
    again = Person(world.slack, world.bot, world.org, "U0SALESADMIN", team="T0SALES")
    assert buttons(await again.open_home()) == {}
    answer = await again.submit_key(GLOBEX_KEY, view=connection_text.key_dialog())
    assert answer["errors"] == {ids.REVRING_KEY_BLOCK: connection_text.revring_key_not_admin(org_wide=True)}
    assert "••••dddd" in home_text(await again.open_home())
    assert [c for c in world.slack.calls_to("chat.postMessage") if c.args.get("channel") == "U0ORGADMIN"] == []


@pytest.mark.parametrize("world", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_in_the_org_a_globex_partners_clone_is_made_with_the_orgs_key_never_globexs(world: World):
    """Someone of Globex (which installed the app on its own, with its own key) clones in a channel Globex shares
    with the org. The request came through the org's installation (its token fetches the file): the org's key makes
    the voice, as the org's Home tab says, not Globex's because the payload names Globex as the person's team."""
    world.slack.user_teams["U0GLOBEXDAN"] = "T0GLOBEX"
    world.slack.user_enterprises["U0GLOBEXDAN"] = {"id": "E0OTHER", "name": "Other Org"}
    voice = await world.clone(world.org, "Dana", user="U0GLOBEXDAN", team="T0GLOBEX", channel="C0SHARED")
    assert world.revring.voices[voice.voice_id].key == ORG_KEY
    assert [key for key in world.revring.keys_seen] == [ORG_KEY]
    home = await Person(world.slack, world.bot, world.org, "U0GLOBEXDAN", team="T0GLOBEX").open_home()
    assert "••••dddd" in home_text(home) and "••••bbbb" not in home_text(home)


@pytest.mark.parametrize(
    "world",
    [{"ALLOW_EXTERNAL_USERS": "true", "REVRING_API_KEY": SERVER_KEY, "REVRING_API_KEY_WORKSPACES": "T0GLOBEX"}],
    indirect=True,
)
async def test_in_the_org_the_server_key_listed_for_globex_does_not_serve_a_globex_partner(world: World):
    """The operator lends the server's key to Globex only. The org has no key of its own: a Globex person cloning
    through the org's installation is the org's request, which the server's key does not serve."""
    await world.services.store.delete_revring_key("E0ACME")
    world.slack.user_teams["U0GLOBEXDAN"] = "T0GLOBEX"
    world.slack.user_enterprises["U0GLOBEXDAN"] = {"id": "E0OTHER", "name": "Other Org"}
    await world.share(world.org, "Dana", user="U0GLOBEXDAN", team="T0GLOBEX", channel="C0SHARED")
    await world.slack.wait_until(
        lambda: any(
            "an admin needs to connect RevRing" in c.args.get("text", "")
            for c in world.slack.calls_to("chat.postMessage")
        )
    )
    assert SERVER_KEY not in world.revring.keys_seen and world.revring.voices.keys() == set()
