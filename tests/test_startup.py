"""Starting the bot as a new user would: `python -m bot`, settings from the environment or `.env`."""

from __future__ import annotations

import asyncio
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from bot.config import ConfigError, Settings
from tests.bot_process import process_env
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack

REPO = Path(__file__).resolve().parent.parent
REQUIRED = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY}


def clean_env(**values: str) -> dict[str, str]:
    """The machine's environment without any bot setting, plus `values`."""
    return process_env(values)


async def run_bot(cwd: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )


@pytest.mark.process
@pytest.mark.parametrize("missing", sorted(REQUIRED))
async def test_a_missing_setting_stops_start_up_with_one_clear_line(tmp_path: Path, missing: str):
    values = {k: v for k, v in REQUIRED.items() if k != missing}
    process = await run_bot(tmp_path, clean_env(**values))
    _stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 2
    assert len(lines) == 1 and missing in lines[0] and "Traceback" not in lines[0]
    assert "api.slack.com/apps" in lines[0] or "RevRing dashboard" in lines[0]


def test_malformed_settings_name_the_variable():
    cases = {
        "SLACK_BOT_TOKEN": "xoxp-user-token",
        "SLACK_SIGNING_SECRET": "not hex!",
        "SLACK_APP_TOKEN": "xoxb-wrong-kind",
        "PORT": "eighty",
        "MAX_AUDIO_MB": "0",
        "REVRING_API_URL": "ftp://example",
        "SLACK_API_URL": "slack.com/api",
        "REVRING_DEFAULT_LANGUAGE": "english!",
    }
    for name, bad in cases.items():
        with pytest.raises(ConfigError, match=name):
            Settings.from_env({**REQUIRED, name: bad})


def test_defaults_and_secrets_kept_out_of_repr():
    settings = Settings.from_env({**REQUIRED, "SLACK_APP_TOKEN": "xapp-1-A1-secret"})
    assert settings.revring_api_url == "https://api.revring.ai/v1"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.port, settings.default_language, settings.max_audio_mb) == (3000, "en", 25)
    assert settings.socket_mode and settings.slack_token_hosts == frozenset()
    for secret in (*REQUIRED.values(), "xapp-1-A1-secret"):
        assert secret not in repr(settings)


@pytest.mark.process
async def test_the_bot_starts_from_a_dotenv_file_and_real_variables_win(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeRevRing], unused_tcp_port: int
):
    slack, revring = fakes
    env = make_env(slack, revring)
    dotenv = {**env, "MAX_AUDIO_MB": "not-a-number", "PORT": str(unused_tcp_port)}
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv.items()))
    process = await run_bot(tmp_path, clean_env(MAX_AUDIO_MB="5"))  # the real variable overrides .env's
    try:
        url = f"http://127.0.0.1:{unused_tcp_port}"
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"{url}/healthz") as health:
                        assert health.status == 200 and await health.json() == {"ok": True}
                        break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.1)
            else:
                pytest.fail("the bot never answered /healthz")
            async with session.post(f"{url}/slack/events", data=b"{}") as unsigned:
                assert unsigned.status == 401
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    assert stdout.decode().splitlines()[0] == (
        f"Voice Cloner running in HTTP mode on port {unused_tcp_port} (POST /slack/events) for workspace Acme as "
        f"@voice-cloner; RevRing at {revring.api_url}. Health check: GET /healthz on port {unused_tcp_port}."
    )
    output = stdout.decode() + stderr.decode()
    for secret in REQUIRED.values():
        assert secret not in output


@pytest.mark.process
async def test_a_token_slack_refuses_stops_start_up_with_one_line(
    tmp_path: Path, fakes: tuple[FakeSlack, FakeRevRing], unused_tcp_port: int
):
    slack, revring = fakes
    env = make_env(slack, revring, SLACK_BOT_TOKEN="xoxb-revoked-token-000", PORT=str(unused_tcp_port))
    process = await run_bot(tmp_path, clean_env(**env))
    _stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot start: Slack refused SLACK_BOT_TOKEN (invalid_auth)")
    assert b"xoxb-revoked-token-000" not in _stdout + stderr


@pytest.mark.process
async def test_a_port_in_use_stops_start_up_with_one_line(tmp_path: Path, fakes: tuple[FakeSlack, FakeRevRing]):
    slack, revring = fakes
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - the bot binds all interfaces, so the test must too
        taken.listen()
        port = taken.getsockname()[1]
        process = await run_bot(tmp_path, clean_env(**make_env(slack, revring, PORT=str(port))))
        _out, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines() == [
        f"Cannot start: port {port} is already in use (is another copy of the bot running?). "
        "Stop it, or set PORT to a free port."
    ]
