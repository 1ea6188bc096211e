"""`python -m bot check` as a new user runs it: a process of its own, settings from `.env` or the environment, exit
status 0 (all passed), 1 (a check failed) or 2 (a setting is missing or malformed). And the running bot, which never
loads the diagnostics."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, make_env
from tests.test_check import APP_TOKEN, ROOT, SECRETS, Fakes
from tests.test_startup import clean_env

# --- the running bot, without the diagnostics ------------------------------------------------------------


@pytest.mark.process
@pytest.mark.parametrize("module", ["bot.app", "bot.__main__"])
def test_the_running_bot_does_not_import_the_check_command(module: str):
    loaded = subprocess.run(  # noqa: S603 (our own arguments)
        [sys.executable, "-c", f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith('bot.')))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "'bot.scopes'" in loaded  # the scopes are there, from their own module
    assert "'bot.check" not in loaded, loaded


# --- the command, as a new user runs it ---------------------------------------------------------------------


async def run_check_command(cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "check",
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
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
        tmp_path,
        clean_env(
            SLACK_SIGNING_SECRET=SIGNING_SECRET, REVRING_API_KEY=REVRING_KEY, LOG_LEVEL="chatty", EXCERPT_SECONDS="90"
        ),
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
