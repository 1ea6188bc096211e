"""`python -m bot check`: every setting tried against (fake) Slack and RevRing, with a fix for each failure."""

from __future__ import annotations

import asyncio
import io
import json
import os
import re
import sys
from pathlib import Path

import pytest
import yaml

from bot.check import REQUIRED_SCOPES, bot_command, expected_scopes, run_checks, scopes_from_manifest
from bot.config import Settings
from bot.store import SQLiteStore
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, Harness, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import closed_port
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
    assert line(text, "Database") == (
        "✓ Database: kept in memory only (DATABASE_URL=:memory:), so a restart forgets every job."
    )
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
    return {str(path.relative_to(folder)): path.read_bytes() if path.is_file() else b"<dir>"
            for path in sorted(folder.rglob("*"))}


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
    store = await SQLiteStore.open(str(database), ttl_seconds=600)
    await store.close()
    before = folder_state(tmp_path)
    passed, text = await check(slack, revring, DATABASE_URL=f"sqlite:///{database}")
    assert passed, text
    assert line(text, "Database") == f"✓ Database: {database} opens and can be written."
    assert folder_state(tmp_path) == before


async def test_a_database_in_use_by_a_running_bot_passes(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    database = tmp_path / "voices.sqlite3"
    store = await SQLiteStore.open(str(database), ttl_seconds=600)
    try:
        passed, text = await check(slack, revring, DATABASE_URL=f"sqlite:///{database}")
    finally:
        await store.close()
    assert passed, text
    assert line(text, "Database").startswith(f"✓ Database: {database} opens")


@pytest.mark.parametrize(
    "make, url, detail",
    [
        (lambda tmp: (tmp / "voices.sqlite3").write_bytes(b"no database here " * 50), "voices.sqlite3",
         "{tmp}/voices.sqlite3 is not a SQLite database."),
        (lambda tmp: (tmp / "data").write_text("a file"), "data/voices.sqlite3",
         "{tmp}/data is a file, so {tmp}/data/voices.sqlite3 cannot be created."),
        (lambda tmp: (tmp / "voices").mkdir(), "voices", "{tmp}/voices is a folder, not a file."),
    ],
)
async def test_a_database_that_cannot_be_used_fails_with_the_fix(tmp_path: Path, fakes: Fakes, make, url: str,
                                                                 detail: str):
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


@pytest.mark.process
async def test_the_check_command_reports_every_bad_setting_at_once(tmp_path: Path):
    code, stdout, stderr = await run_check_command(
        tmp_path, clean_env(SLACK_SIGNING_SECRET=SIGNING_SECRET, REVRING_API_KEY=REVRING_KEY, LOG_LEVEL="chatty",
                            EXCERPT_SECONDS="90")
    )
    assert code == 2 and stdout == ""
    lines = stderr.strip().splitlines()
    assert [message.split()[2] for message in lines] == ["SLACK_BOT_TOKEN", "EXCERPT_SECONDS", "LOG_LEVEL"]
    assert all(message.startswith("Cannot check: ") for message in lines)


@pytest.mark.process
async def test_the_check_command_fails_on_a_database_it_cannot_use(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    (tmp_path / "voices.sqlite3").write_bytes(b"no database here " * 50)
    code, stdout, stderr = await run_check_command(
        tmp_path, clean_env(**make_env(slack, revring, DATABASE_URL="sqlite:///voices.sqlite3"))
    )
    assert code == 1, stdout + stderr
    assert f"✗ Database: {tmp_path}/voices.sqlite3 is not a SQLite database. Fix: " in stdout
    assert "1 check failed" in stdout and stderr == ""


# --- the container ------------------------------------------------------------------------------------------


def test_dockerfile_runs_the_bot_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM python:3.11-slim\n" in dockerfile
    assert re.search(r"^USER (?!root)\w+$", dockerfile, re.MULTILINE)
    assert 'CMD ["python", "-m", "bot"]' in dockerfile and "EXPOSE 3000" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git"} <= set(ignored)


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """.env.example's settings: (those set, those commented out as `# NAME=value`)."""
    active: dict[str, str] = {}
    commented: dict[str, str] = {}
    for row in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"(# )?([A-Z][A-Z0-9_]*)=(.*)", row):
            (commented if match[1] else active)[match[2]] = match[3]
    return active, commented


def test_env_example_sets_nothing_but_the_secrets_to_fill_in():
    active, _commented = env_example()
    assert active == {"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "", "REVRING_API_KEY": "", "SLACK_APP_TOKEN": ""}


def test_env_example_shows_the_true_defaults():
    _active, commented = env_example()
    examples = {"ALLOWED_USER_IDS", "ALLOWED_USERGROUP_ID", "ALLOWED_CHANNEL_IDS", "ACCESS_CONTACT", "SLACK_API_URL"}
    secrets = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY}
    defaults = {name: value for name, value in commented.items() if name not in examples}
    assert {"DATABASE_URL", "PORT", "LOG_LEVEL", "MAX_AUDIO_SECONDS"} <= set(defaults)
    assert Settings.from_env({**secrets, **defaults}) == Settings.from_env(secrets)
    Settings.from_env({**secrets, **commented})  # the examples are valid too


def test_an_env_file_from_the_example_keeps_the_database_in_the_docker_volume():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", "")
    [volume] = json.loads(re.search(r"^VOLUME (\[.*\])$", dockerfile, re.MULTILINE)[1])
    [database_url] = re.findall(r"\bDATABASE_URL=(\S+)", dockerfile)
    image_env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY,
                 "DATABASE_URL": database_url}
    active, _commented = env_example()
    # docker run --env-file: the file's variables are laid over the image's ENV.
    settings = Settings.from_env({**image_env, **{k: v for k, v in active.items() if v}})
    assert Path(settings.database.sqlite_path).parent == Path(volume)
    # The documented commands that run the bot's image (not, say, a PostgreSQL container) mount that volume.
    for text in ((ROOT / "README.md").read_text(encoding="utf-8"), dockerfile):
        runs = [row for row in text.splitlines() if "docker run" in row and re.search(r"\svoice-cloner(\s|$)", row)]
        assert runs and all(f"-v voice-cloner-data:{volume}" in row for row in runs), runs


@pytest.mark.process
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
