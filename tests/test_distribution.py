"""Distribution mode end to end, over HTTP, on SQLite (one instance): workspaces install the app through OAuth,
connect their own RevRing key in the Home tab, and clone with their own token and key, never another's."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp import web
from cryptography.fernet import Fernet

from bot.check.command import run_checks
from bot.config import Settings
from bot.messages import ids
from bot.messages import revring_connection as connection_text
from bot.scopes import BOT_SCOPES
from tests import slack_payloads
from tests.conftest import SIGNING_SECRET, BotClient, start_bot
from tests.distribution import (
    ACME_KEY,
    ENCRYPTION_KEY,
    GLOBEX_KEY,
    OLD_ENCRYPTION_KEY,
    REVRING_KEYS,
    Person,
    buttons,
    distribution_env,
    finish_install,
    home_text,
    install,
    org_wide_workspace,
    start_install,
    two_workspaces,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile, Workspace
from tests.helpers import WAV, eventually

SERVER_KEY = "rr_server_fallback_key_3333cccc"


@dataclass
class Dist:
    slack: FakeSlack
    revring: FakeRevRing
    acme: Workspace
    globex: Workspace
    url: str
    session: aiohttp.ClientSession
    bot: BotClient
    database: Path
    settings: Settings
    runners: list[web.AppRunner]

    async def restart(self) -> None:
        """Stop this instance (SHUTDOWN_GRACE_SECONDS as set) and start a new one on the same database."""
        await self.runners[-1].cleanup()
        runner, self.url = await start_bot(self.settings)
        self.runners.append(runner)
        self.bot = BotClient(self.url, self.session, SIGNING_SECRET, f"{self.slack.url}/response")

    def person(self, workspace: Workspace, user: str | None = None) -> Person:
        return Person(self.slack, self.bot, workspace, user or workspace.installer)

    def rows(self, query: str) -> list[tuple]:
        with sqlite3.connect(self.database) as db:
            return db.execute(query).fetchall()

    async def share(self, workspace: Workspace, file_id: str, channel: str, text: str = "<@UBOT> Rachel") -> str:
        file = self.slack.host_file(HostedFile(file_id, "rachel.wav", "audio/wav", WAV, token=workspace.bot_token))
        answer, ts = await self.bot.share_file(file, text=text, channel=channel, team=str(workspace.team_id))
        assert answer.status == 200
        return ts

    def answers_in(self, channel: str) -> list[tuple[str | None, str]]:
        """(token, text) of every message posted or edited in `channel`."""
        return [
            (c.token, c.args.get("text", ""))
            for c in self.slack.calls
            if c.method in ("chat.postMessage", "chat.update") and c.args.get("channel") == channel
        ]


@pytest.fixture
async def dist(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Dist]:
    slack = FakeSlack("xoxb-no-single-workspace-token")
    revring = FakeRevRing({**REVRING_KEYS, SERVER_KEY: "Server"})
    await slack.start()
    await revring.start()
    acme, globex = two_workspaces(slack)
    database = tmp_path / "bot.sqlite3"
    overrides = getattr(request, "param", {}) or {}
    settings = Settings.from_env(distribution_env(slack, revring, DATABASE_URL=f"sqlite:///{database}", **overrides))
    runner, url = await start_bot(settings)
    runners = [runner]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield Dist(
            slack,
            revring,
            acme,
            globex,
            url,
            session,
            BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"),
            database,
            settings,
            runners,
        )
    if slack.stall_downloads is not None:
        slack.stall_downloads.set()
    await runners[-1].cleanup()
    revring.release_slow.set()
    await revring.stop()
    await slack.stop()
    slack.assert_only_known_methods_called()


async def installed(dist: Dist, *workspaces: Workspace) -> None:
    for workspace in workspaces:
        status, page = await install(dist.session, dist.url, workspace)
        assert status == 200, page
        assert f"installed in {workspace.team_name}" in page


# --- installing ---------------------------------------------------------------------------------------


async def test_install_redirects_to_slack_with_the_manifest_scopes_and_a_state_cookie(dist: Dist):
    started = await start_install(dist.session, dist.url)
    assert started.status == 302
    assert started.location.startswith("https://slack.com/oauth/v2/authorize?")
    assert f"client_id={dist.slack.client_id}" in started.location
    query = parse_qs(urlsplit(started.location).query)
    assert query["scope"] == [",".join(BOT_SCOPES)]  # bot/scopes.py, equal to manifest.yml's
    assert started.state and started.cookie == started.state
    status, page = await finish_install(
        dist.session, dist.url, code=dist.acme.code, state=started.state, cookie=started.cookie
    )
    assert status == 200 and "Voice Cloner is now installed in Acme" in page
    assert "https://slack.com/app_redirect?app=A0APP&amp;team=T0ACME" in page
    [access] = dist.slack.calls_to("oauth.v2.access")  # through SLACK_API_URL, like every Web API call
    assert access.args["code"] == "code-acme"
    assert dist.rows("SELECT team_id, bot_token, user_id FROM slack_installations") == [
        ("T0ACME", "xoxb-acme-bot-token-111", "U0ACMEOWNER")
    ]


async def test_a_missing_reused_or_expired_state_installs_nothing(dist: Dist):
    # No state at all, and a state without the cookie of the browser that started the install.
    status, page = await finish_install(dist.session, dist.url, code=dist.acme.code, state=None, cookie=None)
    assert status == 400 and "was not installed" in page
    started = await start_install(dist.session, dist.url)
    status, page = await finish_install(dist.session, dist.url, code=dist.acme.code, state=started.state, cookie=None)
    assert status == 400 and "not opened in the browser that started" in page
    # Used once: the second time is refused.
    status, _page = await finish_install(
        dist.session, dist.url, code=dist.acme.code, state=started.state, cookie=started.cookie
    )
    assert status == 200
    status, page = await finish_install(
        dist.session, dist.url, code=dist.globex.code, state=started.state, cookie=started.cookie
    )
    assert status == 401 and "expired (after 10 minutes) or was already used" in page
    # Older than 10 minutes.
    late = await start_install(dist.session, dist.url)
    with sqlite3.connect(dist.database) as db:
        db.execute("UPDATE slack_oauth_states SET expire_at = datetime('now', '-1 second')")
    status, page = await finish_install(
        dist.session, dist.url, code=dist.globex.code, state=late.state, cookie=late.cookie
    )
    assert status == 401 and "expired" in page
    assert dist.rows("SELECT team_id FROM slack_bots") == [("T0ACME",)]
    assert [c.args["code"] for c in dist.slack.calls_to("oauth.v2.access")] == ["code-acme"]


async def test_a_request_from_a_workspace_that_never_installed_is_refused(dist: Dist):
    await installed(dist, dist.acme)
    await dist.share(dist.globex, "F0GLOBEX", "C0GLOBEX")  # Bolt finds no installation for T0GLOBEX
    assert await dist.person(dist.acme).open_home()  # the bot is answering
    assert not [c for c in dist.slack.calls if c.token == dist.globex.bot_token]
    assert dist.revring.attempts == 0


# --- connecting RevRing -------------------------------------------------------------------------------


async def test_two_workspaces_connect_their_own_keys_and_clone_at_once_each_with_its_own(dist: Dist):
    await installed(dist, dist.acme, dist.globex)
    acme_home = await dist.person(dist.acme).connect(ACME_KEY)
    globex_home = await dist.person(dist.globex).connect(GLOBEX_KEY)
    assert "••••aaaa" in home_text(acme_home) and ACME_KEY not in home_text(acme_home)
    assert "••••bbbb" in home_text(globex_home) and GLOBEX_KEY not in home_text(globex_home)
    assert set(buttons(acme_home)) == {ids.REVRING_CONNECT_ACTION, ids.REVRING_REMOVE_ACTION}

    await asyncio.gather(dist.share(dist.acme, "F0ACME", "C0ACME"), dist.share(dist.globex, "F0GLOBEX", "C0GLOBEX"))
    await dist.slack.wait_until(lambda: len(dist.slack.calls_to("chat.update")) >= 2)

    made = {voice.organisation: voice.key for voice in dist.revring.voices.values()}
    assert made == {"Acme": ACME_KEY, "Globex": GLOBEX_KEY}
    for workspace, channel in ((dist.acme, "C0ACME"), (dist.globex, "C0GLOBEX")):
        answers = dist.answers_in(channel)
        assert answers and {token for token, _text in answers} == {workspace.bot_token}
        assert "Rachel" in answers[-1][1] and "ready" in answers[-1][1].lower()
    assert sorted(dist.slack.download_auth) == ["Bearer xoxb-acme-bot-token-111", "Bearer xoxb-globex-bot-token-222"]
    # Each workspace's list shows its own voice only.
    jobs = dist.rows("SELECT team_id, COUNT(*) FROM jobs GROUP BY team_id ORDER BY team_id")
    assert jobs == [("T0ACME", 1), ("T0GLOBEX", 1)]


async def test_a_wrong_key_is_an_error_in_the_dialog_and_nothing_is_saved(dist: Dist):
    await installed(dist, dist.acme)
    owner = dist.person(dist.acme)
    await owner.click(buttons(await owner.open_home())[ids.REVRING_CONNECT_ACTION])
    await dist.slack.wait_for("views.open")
    answer = await owner.submit_key("rr_not_a_real_key_0000")
    assert answer == {
        "response_action": "errors",
        "errors": {ids.REVRING_KEY_BLOCK: connection_text.revring_key_rejected()},
    }
    assert dist.rows("SELECT COUNT(*) FROM revring_keys") == [(0,)]
    dist.revring.billing_inactive = True
    answer = await owner.submit_key(ACME_KEY)
    assert answer["errors"] == {ids.REVRING_KEY_BLOCK: connection_text.revring_key_billing_inactive()}
    assert dist.rows("SELECT COUNT(*) FROM revring_keys") == [(0,)]


async def test_keys_are_encrypted_at_rest_and_shown_only_masked(dist: Dist):
    await installed(dist, dist.acme, dist.globex)
    await dist.person(dist.acme).connect(ACME_KEY)
    await dist.person(dist.globex).connect(GLOBEX_KEY)
    with sqlite3.connect(dist.database) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        everything = json.dumps([db.execute(f"SELECT * FROM {table}").fetchall() for table in tables])  # noqa: S608
        stored = dict(db.execute("SELECT owner, ciphertext FROM revring_keys").fetchall())
    assert ACME_KEY not in everything and GLOBEX_KEY not in everything
    assert ACME_KEY[-8:] not in everything  # not even a fragment kept for display
    assert Fernet(ENCRYPTION_KEY.encode()).decrypt(stored["T0ACME"].encode()).decode() == ACME_KEY
    published = json.dumps([c.args for c in dist.slack.calls_to("views.publish")])
    assert ACME_KEY not in published and GLOBEX_KEY not in published


async def test_an_admin_replaces_and_removes_the_key(dist: Dist):
    await installed(dist, dist.acme)
    await dist.person(dist.acme).connect(ACME_KEY)
    dist.slack.admins.add("U0CAROL")
    carol = dist.person(dist.acme, "U0CAROL")
    assert "••••bbbb" in home_text(await carol.connect(GLOBEX_KEY))
    assert "••••bbbb" in home_text(await dist.person(dist.acme).open_home())
    before = len(carol.calls("views.publish"))
    assert await carol.click(buttons(await carol.open_home())[ids.REVRING_REMOVE_ACTION]) == 200
    home = await carol.home_after(before + 1)
    assert connection_text.revring_status_not_connected() in home_text(home)
    assert dist.rows("SELECT COUNT(*) FROM revring_keys") == [(0,)]


async def test_someone_who_is_not_an_admin_sees_the_status_only_and_cannot_forge_the_dialog(dist: Dist):
    await installed(dist, dist.acme)
    await dist.person(dist.acme).connect(ACME_KEY)
    bob = dist.person(dist.acme, "U0BOB")
    home = await bob.open_home()
    assert buttons(home) == {} and "••••aaaa" in home_text(home)
    assert connection_text.revring_who_may_change() in home_text(home)
    opened = len(dist.slack.calls_to("views.open"))
    # The buttons an admin sees, clicked anyway by someone who may not.
    for action in (ids.REVRING_CONNECT_ACTION, ids.REVRING_REMOVE_ACTION):
        assert (
            await bob.click(
                {"action_id": action, "type": "button", "value": "x", "text": {"type": "plain_text", "text": "x"}}
            )
            == 200
        )
    dialog = dist.slack.calls_to("views.open")[-1].args["view"]
    answer = await bob.submit_key(GLOBEX_KEY, view=dialog)
    assert answer == {
        "response_action": "errors",
        "errors": {ids.REVRING_KEY_BLOCK: connection_text.revring_key_not_admin()},
    }
    await dist.slack.wait_until(lambda: len(bob.calls("views.publish")) >= 3)
    assert len(dist.slack.calls_to("views.open")) == opened
    stored = dist.rows("SELECT ciphertext FROM revring_keys")
    assert [Fernet(ENCRYPTION_KEY.encode()).decrypt(c.encode()).decode() for (c,) in stored] == [ACME_KEY]
    assert dist.revring.agent_reads == 1  # only the installer's key was ever checked


async def test_a_clone_without_a_key_asks_for_an_admin_and_downloads_nothing(dist: Dist):
    await installed(dist, dist.acme)
    await dist.share(dist.acme, "F0ACME", "C0ACME")
    await dist.slack.wait_until(lambda: any("admin needs to connect" in t for _k, t in dist.answers_in("C0ACME")))
    [(token, text)] = [answer for answer in dist.answers_in("C0ACME")]
    assert token == dist.acme.bot_token and "in the app's Home tab" in text
    [post] = dist.slack.calls_to("chat.postMessage")
    assert post.args["thread_ts"]  # in the file's thread
    assert dist.slack.download_auth == [] and dist.revring.attempts == 0


@pytest.mark.parametrize("dist", [{"REVRING_API_KEY": SERVER_KEY, "REVRING_API_KEY_WORKSPACES": "*"}], indirect=True)
async def test_the_servers_key_serves_workspaces_without_their_own(dist: Dist):
    await installed(dist, dist.acme, dist.globex)
    await dist.person(dist.globex).connect(GLOBEX_KEY)
    assert connection_text.revring_connected_server() in home_text(await dist.person(dist.acme, "U0BOB").open_home())
    await asyncio.gather(dist.share(dist.acme, "F0ACME", "C0ACME"), dist.share(dist.globex, "F0GLOBEX", "C0GLOBEX"))
    await dist.slack.wait_until(lambda: len(dist.revring.voices) == 2 and len(dist.slack.calls_to("chat.update")) >= 2)
    assert {voice.organisation: voice.key for voice in dist.revring.voices.values()} == {
        "Server": SERVER_KEY,
        "Globex": GLOBEX_KEY,
    }


async def test_an_org_wide_install_serves_every_workspace_of_the_org_with_one_key(dist: Dist):
    org = org_wide_workspace(dist.slack)
    status, page = await install(dist.session, dist.url, org)
    assert status == 200 and "installed in Acme Org" in page
    assert dist.rows("SELECT enterprise_id, team_id, is_enterprise_install FROM slack_bots") == [("E0ACME", None, 1)]
    # The org admin who installed it connects the org's one key from any workspace of the org.
    await Person(dist.slack, dist.bot, org, "U0ORGADMIN", team="T0SALES").connect(ACME_KEY)
    assert dist.rows("SELECT owner FROM revring_keys") == [("E0ACME",)]
    for team, channel, file_id in (("T0SALES", "C0SALES", "F0SALES"), ("T0SUPPORT", "C0SUPPORT", "F0SUPPORT")):
        file = dist.slack.host_file(HostedFile(file_id, "rachel.wav", "audio/wav", WAV, token=org.bot_token))
        event = slack_payloads.file_share_event(
            [file], text="<@UBOT> Rachel", channel=channel, ts=f"1700000400.{len(team):06d}{file_id[-1]}"
        )
        envelope = slack_payloads.event_callback(
            event, event_id=f"Ev0{file_id}", event_time=int(time.time()), team=team
        )
        await _event(dist, slack_payloads.org_wide(envelope))
    await dist.slack.wait_until(lambda: len(dist.revring.voices) == 2 and len(dist.slack.calls_to("chat.update")) >= 2)
    assert {voice.key for voice in dist.revring.voices.values()} == {ACME_KEY}
    assert {token for channel in ("C0SALES", "C0SUPPORT") for token, _t in dist.answers_in(channel)} == {org.bot_token}
    # Removing the app from the org forgets the org's installation, key and jobs.
    uninstalled = slack_payloads.org_wide(
        slack_payloads.app_uninstalled(event_id="Ev0ORGGONE", event_time=int(time.time()), team="T0SALES")
    )
    await _event(dist, uninstalled)
    await eventually(lambda: dist.rows("SELECT COUNT(*) FROM slack_bots") == [(0,)])
    assert dist.rows("SELECT COUNT(*) FROM revring_keys") == [(0,)]
    assert dist.rows("SELECT COUNT(*) FROM jobs") == [(0,)]


@pytest.mark.parametrize("dist", [{"SHUTDOWN_GRACE_SECONDS": "0"}], indirect=True)
async def test_a_job_cut_off_by_a_restart_runs_again_with_its_own_workspaces_token_and_key(dist: Dist):
    await installed(dist, dist.acme, dist.globex)
    await dist.person(dist.acme).connect(ACME_KEY)
    await dist.person(dist.globex).connect(GLOBEX_KEY)
    dist.slack.stall_downloads = asyncio.Event()
    await dist.share(dist.globex, "F0GLOBEX", "C0GLOBEX")
    await asyncio.wait_for(dist.slack.download_started.wait(), 10)
    await dist.restart()  # the new instance has no request in hand: only the job's record in the database
    dist.slack.stall_downloads.set()
    await dist.slack.wait_until(lambda: any("ready" in t.lower() for _k, t in dist.answers_in("C0GLOBEX")))
    assert [voice.key for voice in dist.revring.voices.values()] == [GLOBEX_KEY]
    assert {token for token, _text in dist.answers_in("C0GLOBEX")} == {dist.globex.bot_token}
    assert set(dist.slack.download_auth) == {f"Bearer {dist.globex.bot_token}"}


# --- uninstalling -------------------------------------------------------------------------------------


async def _event(dist: Dist, envelope: dict) -> None:
    assert (await dist.bot.post(json.dumps(envelope), "application/json")).status == 200


@pytest.mark.parametrize("dist", [{"MAX_CONCURRENT_CLONES": "1"}], indirect=True)
async def test_uninstall_forgets_the_workspace_at_once_and_drops_its_queued_job(dist: Dist):
    await installed(dist, dist.acme, dist.globex)
    await dist.person(dist.acme).connect(ACME_KEY)
    await dist.person(dist.globex).connect(GLOBEX_KEY)
    await dist.bot.command("Later", team="T0GLOBEX", channel="C0GLOBEX", user="U0GLOBEXOWNER")  # a waiting command
    dist.revring.answers = ["slow"]
    await dist.share(dist.acme, "F0ACME", "C0ACME")
    await asyncio.wait_for(dist.revring.slow_started.wait(), 10)
    await dist.share(dist.globex, "F0GLOBEX2", "C0GLOBEX", text="<@UBOT> Queued")  # no free slot: it waits
    await dist.slack.wait_until(lambda: any("queue" in t.lower() for _k, t in dist.answers_in("C0GLOBEX")))
    assert dist.rows("SELECT COUNT(*) FROM jobs WHERE team_id = 'T0GLOBEX'") == [(1,)]

    dist.slack.revoke(dist.globex)
    await _event(dist, slack_payloads.app_uninstalled(event_id="Ev0GONE", event_time=int(time.time()), team="T0GLOBEX"))
    await eventually(
        lambda: dist.rows("SELECT COUNT(*) FROM slack_installations WHERE team_id = 'T0GLOBEX'") == [(0,)]
    )  # deleted last
    for table in ("slack_bots", "slack_installations", "jobs", "pending"):
        assert dist.rows(f"SELECT COUNT(*) FROM {table} WHERE team_id = 'T0GLOBEX'") == [(0,)]  # noqa: S608
    assert dist.rows("SELECT owner FROM revring_keys") == [("T0ACME",)]
    answered = len(dist.answers_in("C0GLOBEX"))
    dist.revring.release_slow.set()
    await dist.slack.wait_until(lambda: any("ready" in t.lower() for _k, t in dist.answers_in("C0ACME")))
    # The freed slot looks for the oldest waiting job at once. A last clone goes through that one slot after it:
    # Globex's job, were it still waiting, would be taken first and answered before this one.
    await dist.share(dist.acme, "F0ACME2", "C0ACME", text="<@UBOT> Marker")
    await dist.slack.wait_until(lambda: any("Voice *Marker* created" in t for _k, t in dist.answers_in("C0ACME")))
    assert [voice.key for voice in dist.revring.voices.values()] == [ACME_KEY, ACME_KEY]
    assert len(dist.answers_in("C0GLOBEX")) == answered
    assert dist.rows("SELECT COUNT(*) FROM jobs WHERE team_id = 'T0ACME'") == [(2,)]


async def test_tokens_revoked_forgets_the_workspace_only_when_the_bot_token_goes(dist: Dist):
    await installed(dist, dist.acme, dist.globex)
    await dist.person(dist.globex).connect(GLOBEX_KEY)
    await _event(
        dist,
        slack_payloads.tokens_revoked(
            event_id="Ev0USER", event_time=int(time.time()), team="T0GLOBEX", bot=[], oauth=["U0GLOBEXOWNER"]
        ),
    )
    await dist.person(dist.acme).open_home()  # events are handled in order: this one comes after
    assert dist.rows("SELECT team_id FROM slack_bots ORDER BY team_id") == [("T0ACME",), ("T0GLOBEX",)]
    await _event(dist, slack_payloads.tokens_revoked(event_id="Ev0BOT", event_time=int(time.time()), team="T0GLOBEX"))
    await eventually(lambda: dist.rows("SELECT team_id FROM slack_bots") == [("T0ACME",)])
    assert dist.rows("SELECT COUNT(*) FROM revring_keys") == [(0,)]


# --- python -m bot check ------------------------------------------------------------------------------


async def test_check_counts_installed_and_connected_workspaces_without_naming_them(dist: Dist):
    await installed(dist, dist.acme, dist.globex)
    await dist.person(dist.acme).connect(ACME_KEY)
    env = distribution_env(dist.slack, dist.revring, DATABASE_URL=f"sqlite:///{dist.database}")
    out = io.StringIO()
    assert await run_checks(Settings.from_env(env), out)
    text = out.getvalue()
    assert "✓ Workspaces: 2 workspaces installed, 1 with RevRing connected" in text
    for secret_or_name in (ACME_KEY, "Acme", "Globex", "T0ACME", "T0GLOBEX", dist.acme.bot_token, ENCRYPTION_KEY):
        assert secret_or_name not in text
    # An ENCRYPTION_KEY that lost the key the stored one was encrypted with.
    out = io.StringIO()
    assert not await run_checks(Settings.from_env({**env, "ENCRYPTION_KEY": OLD_ENCRYPTION_KEY}), out)
    assert "ENCRYPTION_KEY cannot decrypt 1 of the stored RevRing keys" in out.getvalue()


# --- one workspace ------------------------------------------------------------------------------------


async def test_with_one_workspace_the_home_tab_shows_the_servers_key_and_offers_no_button(harness):
    envelope = slack_payloads.app_home_opened(event_id="Ev0HOME1", event_time=int(time.time()))
    assert (await harness.bot.post(json.dumps(envelope), "application/json")).status == 200
    [published] = await harness.slack.wait_for("views.publish")
    assert published.token == harness.settings.slack_bot_token
    assert connection_text.revring_connected_server() in home_text(published.args["view"]["blocks"])
    assert buttons(published.args["view"]["blocks"]) == {}
    # A forged Connect click changes nothing and opens nothing.
    harness.slack.admins.add(slack_payloads.USER)
    click = slack_payloads.block_actions_in_home(
        {"action_id": ids.REVRING_CONNECT_ACTION, "value": "connect", "text": {"type": "plain_text", "text": "x"}}
    )
    assert (await harness.bot.interaction(click)).status == 200
    await harness.slack.wait_for("views.publish", 2)
    assert harness.slack.calls_to("views.open") == []
