"""`python -m bot check`: every setting tried against (fake) Slack and RevRing, with a fix for each failure."""

from __future__ import annotations

import asyncio
import io
import json
import re
import socket
import sys
from pathlib import Path

import pytest
import yaml

from bot.check import REQUIRED_SCOPES, expected_scopes, run_checks, scopes_from_manifest
from bot.config import Settings
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, Harness, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.test_startup import clean_env

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


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- the scope list ---------------------------------------------------------------------------------------


def test_required_scopes_equal_the_manifests():
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert list(REQUIRED_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


def test_the_manifest_is_read_without_a_yaml_library():
    text = (ROOT / "manifest.yml").read_text(encoding="utf-8")
    assert scopes_from_manifest(text) == yaml.safe_load(text)["oauth_config"]["scopes"]["bot"]
    assert expected_scopes(ROOT / "manifest.yml") == (list(REQUIRED_SCOPES), "manifest.yml")


@pytest.mark.parametrize(
    "text, scopes",
    [
        ("oauth_config:\n  scopes:\n    bot: [commands, 'chat:write']  # flow\n", ["commands", "chat:write"]),
        ("oauth_config:\n  scopes:\n    user:\n      - search:read\n    bot:\n    - \"files:read\"\n    - im:read\n"
         "settings:\n  x: 1\n", ["files:read", "im:read"]),
        ("oauth_config:\n  scopes:\n    user:\n      - search:read\n", None),
        ("display_information:\n  bot:\n    - nope\n", None),
    ],
)
def test_manifest_scope_parser_variants(text: str, scopes: list[str] | None):
    assert scopes_from_manifest(text) == scopes
    if scopes is not None:
        assert yaml.safe_load(text)["oauth_config"]["scopes"]["bot"] == scopes


def test_without_a_manifest_the_built_in_list_is_used(tmp_path: Path):
    assert expected_scopes(tmp_path / "manifest.yml") == (list(REQUIRED_SCOPES), "the bot's built-in list")
    (tmp_path / "manifest.yml").write_text("_metadata:\n  major_version: 1\n")
    assert expected_scopes(tmp_path / "manifest.yml") == (list(REQUIRED_SCOPES), "the bot's built-in list")


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
    assert "✗" not in text and "All checks passed" in text
    assert [call.method for call in slack.calls] == ["auth.test"]
    assert revring.agent_reads == 1 and revring.attempts == 0  # nothing created


async def test_missing_scopes_are_listed_with_the_fix(fakes: Fakes):
    slack, revring = fakes
    slack.granted_scopes = [s for s in REQUIRED_SCOPES if s not in ("files:read", "reactions:write")]
    passed, text = await check(slack, revring)
    assert not passed
    scopes = line(text, "Bot token scopes")
    assert scopes.startswith("✗") and "reactions:write, files:read" in scopes
    assert scopes.split(" Fix:")[0] == (
        "✗ Bot token scopes: missing reactions:write, files:read "
        f"(the bot needs {len(REQUIRED_SCOPES)}, per manifest.yml)."
    )
    assert "reinstall" in scopes and "Fix:" in scopes
    assert line(text, "Slack bot token").startswith("✓")
    assert "1 check failed" in text


async def test_extra_granted_scopes_are_fine(fakes: Fakes):
    slack, revring = fakes
    slack.granted_scopes = [*REQUIRED_SCOPES, "users:read.email"]
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
    await asyncio.sleep(0.1)
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
    assert unreachable.startswith("✗") and f"unreachable at {url}" in unreachable and "REVRING_API_URL" in unreachable


async def test_revring_answering_something_else(fakes: Fakes):
    slack, revring = fakes
    passed, text = await check(slack, revring, REVRING_API_URL=f"{revring.url}/nowhere")
    assert not passed
    assert "HTTP 404" in line(text, "RevRing API key")


async def test_a_password_in_a_url_is_not_shown(fakes: Fakes):
    slack, revring = fakes
    url = f"http://user:hunter2secret@127.0.0.1:{closed_port()}/v1"
    _passed, text = await check(slack, revring, REVRING_API_URL=url)
    assert "hunter2secret" not in text and "127.0.0.1" in text


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


# --- the command, as a new user runs it ---------------------------------------------------------------------


async def run_check_command(cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "check", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.mark.process
async def test_the_check_command_passes_from_a_dotenv_file(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    slack.app_token = APP_TOKEN
    env = make_env(slack, revring, SLACK_APP_TOKEN=APP_TOKEN)
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    code, stdout, stderr = await run_check_command(tmp_path, clean_env())
    assert code == 0, stdout + stderr
    assert "✓ Slack bot token: workspace Acme, bot @voice-cloner" in stdout
    assert "All checks passed" in stdout and stderr == ""
    for secret in SECRETS:
        assert secret not in stdout + stderr


@pytest.mark.process
async def test_the_check_command_fails_on_a_wrong_revring_key(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    code, stdout, stderr = await run_check_command(
        tmp_path, clean_env(**make_env(slack, revring, REVRING_API_KEY="rr_wrong_key_000"))
    )
    assert code == 1, stdout + stderr
    assert "✗ RevRing API key: RevRing refused it (401)." in stdout
    assert "Fix: put a valid key in REVRING_API_KEY" in stdout
    for secret in (*SECRETS, "rr_wrong_key_000"):
        assert secret not in stdout + stderr


@pytest.mark.process
async def test_the_check_command_stops_on_a_missing_setting_with_one_line(tmp_path: Path):
    code, stdout, stderr = await run_check_command(
        tmp_path, clean_env(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    )
    assert code == 2 and stdout == ""
    [message] = stderr.strip().splitlines()
    assert message.startswith("Cannot check: REVRING_API_KEY is not set")


# --- the container ------------------------------------------------------------------------------------------


def test_dockerfile_runs_the_bot_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM python:3.11-slim\n" in dockerfile
    assert re.search(r"^USER (?!root)\w+$", dockerfile, re.MULTILINE)
    assert 'CMD ["python", "-m", "bot"]' in dockerfile and "EXPOSE 3000" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git"} <= set(ignored)


async def test_the_dockerfile_healthcheck_probes_healthz(harness: Harness):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", "")
    [probe] = re.findall(r"^HEALTHCHECK .*? CMD (\[.*\])$", dockerfile, re.MULTILINE)
    command = json.loads(probe)
    assert command[0] == "python"
    port = harness.bot.url.rsplit(":", 1)[1]

    async def exit_status(port: str) -> int:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *command[1:], env=clean_env(PORT=port), stderr=asyncio.subprocess.DEVNULL
        )
        return await asyncio.wait_for(process.wait(), 30)

    assert await exit_status(port) == 0
    assert await exit_status(str(closed_port())) != 0
