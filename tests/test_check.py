"""`python -m bot check`: every setting tried against (fake) Slack and RevRing, with a fix for each failure."""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest

from bot.check.command import bot_command, run_checks
from bot.config import Settings
from bot.scopes import BOT_SCOPES
from bot.store import SQLStore
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import closed_port

ROOT = Path(__file__).resolve().parent.parent
APP_TOKEN = "xapp-1-A0APP-1-socketmodetoken"
SECRETS = (BOT_TOKEN, SIGNING_SECRET, REVRING_KEY, APP_TOKEN)

Fakes = tuple[FakeSlack, FakeRevRing]


async def check(slack: FakeSlack, revring: FakeRevRing, **overrides: str) -> tuple[bool, str]:
    out = io.StringIO()
    passed = await run_checks(Settings.from_env(make_env(slack, revring, **overrides)), out)
    text = out.getvalue()
    for secret in SECRETS:
        assert secret not in text
    return passed, text


def line(text: str, name: str) -> str:
    [found] = [row.strip() for row in text.splitlines() if f" {name}:" in row]
    return found


# --- the checks, in process --------------------------------------------------------------------------------


async def test_everything_right_passes(fakes: Fakes):
    slack, revring = fakes
    passed, text = await check(slack, revring)
    assert passed, text
    assert line(text, "Slack bot token") == "✓ Slack bot token: workspace Acme, bot @voice-cloner"
    assert line(text, "Bot token scopes").startswith("✓")
    assert line(text, "Signing secret").startswith("✓")
    assert line(text, "Socket Mode token").startswith("–") and "HTTP mode" in text
    assert line(text, "RevRing API key").startswith("✓")
    assert line(text, "Database") == (
        "✓ Database: kept in memory only (DATABASE_URL=:memory:), so a restart forgets every job."
    )
    assert "✗" not in text and "All checks passed" in text
    assert [call.method for call in slack.calls] == ["auth.test"]
    assert revring.agent_reads == 1 and revring.attempts == 0  # nothing created


async def test_missing_scopes_are_listed_with_the_fix(fakes: Fakes):
    slack, revring = fakes
    slack.granted_scopes = [s for s in BOT_SCOPES if s not in ("files:read", "reactions:write")]
    passed, text = await check(slack, revring)
    assert not passed
    scopes = line(text, "Bot token scopes")
    assert scopes.startswith("✗") and "reactions:write, files:read" in scopes
    assert scopes.split(" Fix:")[0] == (
        f"✗ Bot token scopes: missing reactions:write, files:read (the bot needs {len(BOT_SCOPES)}, per bot/scopes.py)."
    )
    assert "reinstall" in scopes and "Fix:" in scopes
    assert line(text, "Slack bot token").startswith("✓")
    assert "1 check failed" in text


async def test_consent_names_what_asking_speakers_needs(fakes: Fakes):
    slack, revring = fakes
    passed, text = await check(slack, revring, CONSENT="recorded")
    assert passed, text
    assert line(text, "Consent (CONSENT=recorded)") == (
        "✓ Consent (CONSENT=recorded): the token has chat:write, users:read, im:history, files:read; the app must "
        "receive the message.im and file_change events (manifest.yml subscribes them)"
    )
    slack.granted_scopes = [s for s in BOT_SCOPES if s != "im:history"]
    passed, text = await check(slack, revring, CONSENT="recorded")
    assert not passed
    assert line(text, "Consent (CONSENT=recorded)").startswith(
        "✗ Consent (CONSENT=recorded): asking speakers needs im:history, which the token lacks. Fix: add im:history"
    )
    passed, text = await check(slack, revring)
    assert "Consent" not in text  # CONSENT=off asks nobody


async def test_extra_granted_scopes_are_fine(fakes: Fakes):
    slack, revring = fakes
    slack.granted_scopes = [*BOT_SCOPES, "users:read.email"]
    passed, text = await check(slack, revring)
    assert passed, text


async def test_a_refused_bot_token(fakes: Fakes):
    slack, revring = fakes
    slack.bot_token = "xoxb-the-real-one"
    passed, text = await check(slack, revring)
    assert not passed
    token = line(text, "Slack bot token")
    assert token.startswith("✗") and "invalid_auth" in token and "SLACK_BOT_TOKEN" in token
    assert "OAuth & Permissions" in token
    assert line(text, "Bot token scopes").startswith("–")
    assert line(text, "RevRing API key").startswith("✓")  # the other checks still run


async def test_slack_unreachable(fakes: Fakes):
    slack, revring = fakes
    passed, text = await check(slack, revring, SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/")
    assert not passed
    token = line(text, "Slack bot token")
    assert token.startswith("✗") and "cannot reach Slack" in token and "SLACK_API_URL" in token


async def test_a_valid_socket_mode_token_is_tried_without_opening_the_socket(fakes: Fakes):
    slack, revring = fakes
    slack.app_token = APP_TOKEN
    passed, text = await check(slack, revring, SLACK_APP_TOKEN=APP_TOKEN)
    assert passed, text
    assert line(text, "Socket Mode token").startswith("✓")
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    # run_checks has returned, and with it everything it opened: a socket it connected would be there already.
    assert slack.websocket is None and not slack.socket_connected.is_set()


async def test_a_refused_socket_mode_token(fakes: Fakes):
    slack, revring = fakes
    slack.app_token = "xapp-1-A0APP-1-another"
    passed, text = await check(slack, revring, SLACK_APP_TOKEN=APP_TOKEN)
    assert not passed
    app = line(text, "Socket Mode token")
    assert app.startswith("✗") and "invalid_auth" in app
    assert "SLACK_APP_TOKEN" in app and "connections:write" in app


async def test_a_wrong_revring_key(fakes: Fakes):
    slack, revring = fakes
    passed, text = await check(slack, revring, REVRING_API_KEY="rr_wrong_key_000")
    assert not passed
    assert line(text, "RevRing API key") == (
        "✗ RevRing API key: RevRing refused it (401). "
        "Fix: put a valid key in REVRING_API_KEY (RevRing dashboard → Settings → API keys)."
    )
    assert "rr_wrong_key_000" not in text


async def test_revring_billing_inactive(fakes: Fakes):
    slack, revring = fakes
    revring.billing_inactive = True
    passed, text = await check(slack, revring)
    assert not passed
    billing = line(text, "RevRing API key")
    assert billing.startswith("✗") and "402" in billing and "billing" in billing and "RevRing dashboard" in billing


async def test_revring_unreachable(fakes: Fakes):
    slack, revring = fakes
    url = f"http://127.0.0.1:{closed_port()}/v1"
    passed, text = await check(slack, revring, REVRING_API_URL=url)
    assert not passed
    unreachable = line(text, "RevRing API key")
    assert unreachable.startswith(f"✗ RevRing API key: RevRing is unreachable at {url} (connection refused).")
    assert "REVRING_API_URL" in unreachable


async def test_revring_answering_something_else(fakes: Fakes):
    slack, revring = fakes
    passed, text = await check(slack, revring, REVRING_API_URL=f"{revring.url}/nowhere")
    assert not passed
    assert "HTTP 404" in line(text, "RevRing API key")


@pytest.mark.parametrize("answer, status", [("redirect", 307), ("rate_limited", 429), ("server_error", 500)])
async def test_revring_answers_the_key_check_cannot_use_are_named_by_status(fakes: Fakes, answer: str, status: int):
    slack, revring = fakes
    revring.redirect_to = f"{revring.url}/elsewhere"
    revring.next_answers["list_agents"] = [answer] * 3  # the client asks a read again once after a 5xx
    passed, text = await check(slack, revring)
    assert not passed
    assert line(text, "RevRing API key").startswith(
        f"✗ RevRing API key: RevRing at {revring.api_url} answered HTTP {status} instead of listing agents. Fix: "
    )


async def test_a_password_in_a_url_is_not_shown(fakes: Fakes):
    slack, revring = fakes
    url = f"http://user:hunter2secret@127.0.0.1:{closed_port()}/v1"
    _passed, text = await check(slack, revring, REVRING_API_URL=url)
    assert "hunter2secret" not in text and "127.0.0.1" in text


async def test_socket_mode_without_a_signing_secret_passes_with_a_note(fakes: Fakes):
    slack, revring = fakes
    slack.app_token = APP_TOKEN
    passed, text = await check(slack, revring, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="")
    assert passed, text
    assert line(text, "Signing secret").startswith(
        "– Signing secret: not set. Socket Mode does not need it, but HTTP mode will"
    )


# --- the database ------------------------------------------------------------------------------------------


def folder_state(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b"<dir>"
        for path in sorted(folder.rglob("*"))
    }


async def test_a_database_still_to_be_created_passes_and_nothing_is_left_behind(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    before = folder_state(tmp_path)
    passed, text = await check(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/data/voices.sqlite3")
    assert passed, text
    assert line(text, "Database") == (
        f"✓ Database: {tmp_path}/data/voices.sqlite3 will be created, with the folder {tmp_path}/data."
    )
    assert folder_state(tmp_path) == before


async def test_the_bots_own_database_passes_unchanged(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    database = tmp_path / "voices.sqlite3"
    store = await SQLStore.open(str(database), ttl_seconds=600)
    await store.close()
    before = folder_state(tmp_path)
    passed, text = await check(slack, revring, DATABASE_URL=f"sqlite:///{database}")
    assert passed, text
    assert line(text, "Database") == f"✓ Database: {database} opens and can be written."
    assert folder_state(tmp_path) == before


async def test_a_database_in_use_by_a_running_bot_passes(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    database = tmp_path / "voices.sqlite3"
    store = await SQLStore.open(str(database), ttl_seconds=600)
    try:
        passed, text = await check(slack, revring, DATABASE_URL=f"sqlite:///{database}")
    finally:
        await store.close()
    assert passed, text
    assert line(text, "Database").startswith(f"✓ Database: {database} opens")


@pytest.mark.parametrize(
    "make, url, detail",
    [
        (
            lambda tmp: (tmp / "voices.sqlite3").write_bytes(b"no database here " * 50),
            "voices.sqlite3",
            "{tmp}/voices.sqlite3 is not a SQLite database.",
        ),
        (
            lambda tmp: (tmp / "data").write_text("a file"),
            "data/voices.sqlite3",
            "{tmp}/data is a file, so {tmp}/data/voices.sqlite3 cannot be created.",
        ),
        (lambda tmp: (tmp / "voices").mkdir(), "voices", "{tmp}/voices is a folder, not a file."),
    ],
)
async def test_a_database_that_cannot_be_used_fails_with_the_fix(
    tmp_path: Path, fakes: Fakes, make, url: str, detail: str
):
    slack, revring = fakes
    make(tmp_path)
    before = folder_state(tmp_path)
    passed, text = await check(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/{url}")
    assert not passed
    database = line(text, "Database")
    assert database.startswith(f"✗ Database: {detail.format(tmp=tmp_path)} Fix: ")
    assert "DATABASE_URL" in database.split(" Fix: ")[1]
    assert folder_state(tmp_path) == before
    assert "1 check failed" in text


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
async def test_a_read_only_folder_fails(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        passed, text = await check(slack, revring, DATABASE_URL=f"sqlite:///{locked}/voices.sqlite3")
    finally:
        locked.chmod(0o755)
    assert not passed
    assert line(text, "Database").startswith(
        f"✗ Database: {locked}/voices.sqlite3 cannot be created: writing in {locked} failed (Permission denied)."
    )


def test_the_closing_line_names_the_command_as_it_was_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "executable", str(tmp_path / ".venv" / "bin" / "python"))
    assert bot_command() == ".venv/bin/python -m bot"
    monkeypatch.setattr(sys, "executable", "/usr/local/bin/python")
    assert bot_command() == "python -m bot"


@pytest.mark.process
async def test_a_terminal_without_unicode_gets_plain_marks(fakes: Fakes):
    slack, revring = fakes
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="ascii")
    settings = Settings.from_env(make_env(slack, revring, REVRING_API_KEY="rr_wrong_key_000"))
    assert not await run_checks(settings, out)
    out.flush()
    text = raw.getvalue().decode("ascii")
    assert "  [ok] Slack bot token: workspace Acme" in text
    assert "  [FAIL] RevRing API key: RevRing refused it (401)." in text
    assert "(RevRing dashboard > Settings > API keys)" in text and "Fix the [FAIL] lines" in text


async def test_the_workflow_steps_time_budget_is_checked(fakes: Fakes):
    slack, revring = fakes
    passed, text = await check(slack, revring)
    assert passed and line(text, "Workflow Builder step") == (
        "✓ Workflow Builder step: a run waits at most 300 s for a slot and 2 s for RevRing, within Slack's 15 minutes"
    )
    passed, text = await check(slack, revring, STEP_QUEUE_SECONDS="600", REVRING_TIMEOUT="300")
    assert not passed
    assert line(text, "Workflow Builder step").startswith("✗ Workflow Builder step: a run may wait 600 s for a slot")
    assert "Fix: keep STEP_QUEUE_SECONDS + REVRING_TIMEOUT under 840 s" in text
