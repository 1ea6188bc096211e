"""Starting the bot as a new user would: `python -m bot`, settings from the environment or `.env`."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import sqlite3
import sys
from importlib.metadata import version
from pathlib import Path

import aiohttp
import pytest

from bot import __version__
from bot.config import ConfigError, Settings
from tests.bot_process import BotProcess, answers_health_checks, process_env
from tests.conftest import (
    BOT_TOKEN,
    CHANNEL,
    REVRING_KEY,
    SIGNING_SECRET,
    TEAM,
    USER,
    BotClient,
    make_env,
    start_bot,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV, eventually

REPO = Path(__file__).resolve().parent.parent
REQUIRED = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY}
APP_TOKEN = "xapp-1-A0APP-1-socketmodetoken"

Fakes = tuple[FakeSlack, FakeRevRing]


def clean_env(**values: str) -> dict[str, str]:
    """The machine's environment without any bot setting, plus `values`."""
    return process_env(values)


async def run_bot(cwd: Path, env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def output_of(process: asyncio.subprocess.Process) -> tuple[str, list[str]]:
    """Wait for the process to end; its stdout and its stderr's lines."""
    stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    return stdout.decode(), stderr.decode().strip().splitlines()


def free_port() -> int:
    """A port nothing listens on (the bot does not get that far in the tests that use it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def problems(env: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(env)
    return raised.value.problems


# --- settings -------------------------------------------------------------------------------------------


@pytest.mark.process
@pytest.mark.parametrize("missing", sorted(REQUIRED))
async def test_a_missing_setting_stops_start_up_with_one_clear_line(tmp_path: Path, missing: str):
    values = {k: v for k, v in REQUIRED.items() if k != missing}
    process = await run_bot(tmp_path, clean_env(**values))
    _stdout, lines = await output_of(process)
    assert process.returncode == 2
    assert len(lines) == 1 and missing in lines[0] and "Traceback" not in lines[0]
    assert "api.slack.com/apps" in lines[0] or "RevRing dashboard" in lines[0]


@pytest.mark.process
async def test_every_bad_setting_is_reported_at_once_one_line_each(tmp_path: Path):
    env = clean_env(
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PORT="eighty",
        MIN_AUDIO_SECONDS="20",
        LOG_LEVEL="loud",
        DATABASE_URL="mysql://user:hunter2@db/voices",
    )
    process = await run_bot(tmp_path, env)
    stdout, lines = await output_of(process)
    assert process.returncode == 2 and stdout == ""
    assert [line.split(":", 2)[1].split()[0] for line in lines] == [
        "SLACK_BOT_TOKEN",
        "REVRING_API_KEY",
        "MIN_AUDIO_SECONDS",
        "PORT",
        "DATABASE_URL",
        "LOG_LEVEL",
    ]
    assert all(line.startswith("Cannot start: ") for line in lines)
    assert "hunter2" not in "\n".join(lines)


def test_malformed_settings_name_the_variable_and_what_was_given():
    cases = {
        "PORT": "eighty",
        "MAX_AUDIO_MB": "0",
        "REVRING_API_URL": "ftp://example",
        "SLACK_API_URL": "slack.com/api",
        "REVRING_DEFAULT_LANGUAGE": "english!",
        "ALLOW_EXTERNAL_USERS": "maybe",
        "ALLOWED_USER_IDS": "alice",
        "DATABASE_URL": "mysql://db/voices",
    }
    for name, bad in cases.items():
        [problem] = problems({**REQUIRED, name: bad})
        assert problem.startswith(name)
        assert bad in problem or name.endswith("_URL")  # a URL is named, not echoed: it may hold a password


def test_a_malformed_secret_is_named_but_never_shown():
    cases = {
        "SLACK_BOT_TOKEN": "xoxp-user-token-abcdef",
        "SLACK_SIGNING_SECRET": "not hex! 0123456789abcdef",
        "SLACK_APP_TOKEN": "xoxb-wrong-kind-abcdef",
    }
    for name, bad in cases.items():
        [problem] = problems({**REQUIRED, name: bad})
        assert problem.startswith(f"{name} does not look right") and bad not in problem


def test_defaults_and_secrets_kept_out_of_repr():
    settings = Settings.from_env({**REQUIRED, "SLACK_APP_TOKEN": "xapp-1-A1-secret"})
    assert settings.revring_api_url == "https://api.revring.ai/v1"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert (settings.port, settings.default_language, settings.max_audio_mb) == (3000, "en", 25)
    assert (settings.log_level, settings.library_log_level) == (logging.INFO, logging.WARNING)
    assert settings.socket_mode and settings.slack_token_hosts == frozenset()
    assert settings.database.sqlite_path == "voice-cloner.sqlite3" and settings.warnings == []
    for secret in (*REQUIRED.values(), "xapp-1-A1-secret"):
        assert secret not in repr(settings)


@pytest.mark.parametrize(
    "given, ours, libraries",
    [
        ("debug", logging.DEBUG, logging.WARNING),
        ("DEBUG", logging.DEBUG, logging.WARNING),
        ("Info", logging.INFO, logging.WARNING),
        ("warning", logging.WARNING, logging.WARNING),
        ("error", logging.ERROR, logging.ERROR),
        ("debug-all", logging.DEBUG, logging.DEBUG),
    ],
)
def test_log_level_values(given: str, ours: int, libraries: int):
    settings = Settings.from_env({**REQUIRED, "LOG_LEVEL": given})
    assert (settings.log_level, settings.library_log_level) == (ours, libraries)


@pytest.mark.parametrize("given", ["verbose", "warn", "10", "debug all"])
def test_an_unknown_log_level_is_refused_with_the_choices(given: str):
    assert problems({**REQUIRED, "LOG_LEVEL": given}) == [
        f"LOG_LEVEL must be one of debug, info, warning, error or debug-all (default info); it is {given!r}."
    ]


@pytest.mark.parametrize(
    "env, expected",
    [
        (
            {"MAX_AUDIO_SECONDS": "0"},
            ["MAX_AUDIO_SECONDS must be a whole number from 1 to 3600 (default 60); it is '0'."],
        ),
        (
            {"EXCERPT_SECONDS": "half"},
            ["EXCERPT_SECONDS must be a whole number from 1 to 3600 (default 30); it is 'half'."],
        ),
        (
            {"MIN_AUDIO_SECONDS": "20"},
            [
                "MIN_AUDIO_SECONDS (20) is more than IDEAL_MIN_AUDIO_SECONDS (10, the default); they must go "
                "MIN_AUDIO_SECONDS <= IDEAL_MIN_AUDIO_SECONDS <= IDEAL_MAX_AUDIO_SECONDS <= MAX_AUDIO_SECONDS."
            ],
        ),
        (
            {"IDEAL_MAX_AUDIO_SECONDS": "90", "MAX_AUDIO_SECONDS": "80"},
            [
                "IDEAL_MAX_AUDIO_SECONDS (90) is more than MAX_AUDIO_SECONDS (80); they must go "
                "MIN_AUDIO_SECONDS <= IDEAL_MIN_AUDIO_SECONDS <= IDEAL_MAX_AUDIO_SECONDS <= MAX_AUDIO_SECONDS."
            ],
        ),
        (
            {"MAX_AUDIO_SECONDS": "20"},
            [
                "IDEAL_MAX_AUDIO_SECONDS (30, the default) is more than MAX_AUDIO_SECONDS (20); they must go "
                "MIN_AUDIO_SECONDS <= IDEAL_MIN_AUDIO_SECONDS <= IDEAL_MAX_AUDIO_SECONDS <= MAX_AUDIO_SECONDS.",
                "EXCERPT_SECONDS (30, the default) must lie between MIN_AUDIO_SECONDS (5, the default) and "
                "MAX_AUDIO_SECONDS (20).",
            ],
        ),
        # A malformed number is reported alone: its order against the others means nothing yet.
        (
            {"MIN_AUDIO_SECONDS": "-1", "IDEAL_MIN_AUDIO_SECONDS": "50"},
            ["MIN_AUDIO_SECONDS must be a whole number from 1 to 3600 (default 5); it is '-1'."],
        ),
    ],
)
def test_audio_limit_errors_name_the_setting_the_value_and_the_rule(env: dict[str, str], expected: list[str]):
    assert problems({**REQUIRED, **env}) == expected


def test_audio_limits_in_order_are_taken():
    env = {
        "MIN_AUDIO_SECONDS": "3",
        "IDEAL_MIN_AUDIO_SECONDS": "3",
        "IDEAL_MAX_AUDIO_SECONDS": "40",
        "MAX_AUDIO_SECONDS": "90",
        "EXCERPT_SECONDS": "90",
    }
    limits = Settings.from_env({**REQUIRED, **env}).audio_limits
    assert (
        limits.min_seconds,
        limits.ideal_min_seconds,
        limits.ideal_max_seconds,
        limits.max_seconds,
        limits.excerpt_seconds,
    ) == (3, 3, 40, 90, 90)


# --- Socket Mode without a signing secret --------------------------------------------------------------


def test_socket_mode_needs_no_signing_secret_but_http_mode_does():
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": BOT_TOKEN, "REVRING_API_KEY": REVRING_KEY, "SLACK_APP_TOKEN": APP_TOKEN}
    )
    assert settings.slack_signing_secret is None and settings.socket_mode
    [warning] = settings.warnings
    assert warning.startswith("SLACK_SIGNING_SECRET is not set: Socket Mode does not need it, but HTTP mode")
    [problem] = problems({"SLACK_BOT_TOKEN": BOT_TOKEN, "REVRING_API_KEY": REVRING_KEY})
    assert problem.startswith(
        "SLACK_SIGNING_SECRET is not set (HTTP mode needs it; Socket Mode, with SLACK_APP_TOKEN set, does not). Set it"
    )
    # Set but malformed is still an error, in either mode.
    [problem] = problems({**REQUIRED, "SLACK_APP_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": "nope"})
    assert problem.startswith("SLACK_SIGNING_SECRET does not look right")


async def test_without_a_signing_secret_socket_mode_works_and_http_requests_are_not_served(fakes: Fakes):
    slack, revring = fakes
    slack.app_token = APP_TOKEN
    settings = Settings.from_env(make_env(slack, revring, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET=""))
    runner, url = await start_bot(settings)
    try:
        await asyncio.wait_for(slack.socket_connected.wait(), 10)
        await slack.send_envelope(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "token": "legacy",
                    "team_id": TEAM,
                    "team_domain": "acme",
                    "channel_id": CHANNEL,
                    "channel_name": "voices",
                    "user_id": USER,
                    "user_name": "alice",
                    "command": "/clone-voice",
                    "text": "Rachel",
                    "api_app_id": "A0APP",
                    "is_enterprise_install": "false",
                    "response_url": f"{slack.url}/response",
                    "trigger_id": "trigger-1",
                },
            }
        )
        reply = await asyncio.wait_for(slack.socket_messages.get(), 10)
        assert reply["envelope_id"] == "env-1" and "*Rachel*" in reply["payload"]["text"]
        async with aiohttp.ClientSession() as session:
            # Nothing can be verified without the secret, so nothing is taken: not even a body signed with "".
            async with session.post(f"{url}/slack/events", data=b'{"type": "url_verification"}') as events:
                assert events.status == 404
            async with session.get(f"{url}/healthz") as health:
                assert health.status == 200
    finally:
        await runner.cleanup()


@pytest.mark.process
async def test_socket_mode_without_a_signing_secret_warns_once_at_start_up(
    tmp_path: Path, fakes: Fakes, unused_tcp_port: int
):
    slack, revring = fakes
    slack.app_token = APP_TOKEN
    env = make_env(slack, revring, SLACK_APP_TOKEN=APP_TOKEN, SLACK_SIGNING_SECRET="", PORT=str(unused_tcp_port))
    stdout, stderr = await run_until_healthy_then_stop(tmp_path, clean_env(**env), unused_tcp_port)
    assert stdout.startswith(f"Voice Cloner {__version__} running in Socket Mode for workspace Acme")
    [warning] = [line for line in stderr.splitlines() if not line.startswith("{")]
    assert warning.startswith("Warning: SLACK_SIGNING_SECRET is not set: Socket Mode does not need it")


# --- the database ------------------------------------------------------------------------------------------


async def start_with_database(tmp_path: Path, fakes: Fakes, database_url: str) -> tuple[int | None, list[str]]:
    slack, revring = fakes
    env = make_env(slack, revring, DATABASE_URL=database_url, PORT=str(free_port()))
    process = await run_bot(tmp_path, clean_env(**env))
    stdout, lines = await output_of(process)
    assert stdout == ""
    return process.returncode, lines


@pytest.mark.process
async def test_a_second_bot_on_the_same_sqlite_file_refuses_to_start_and_the_first_keeps_working(
    tmp_path: Path, fakes: Fakes, unused_tcp_port: int
):
    """An overlapping deploy: the new bot would take over the running one's leases. It stops in one line while the
    first runs; once the first has stopped, it starts."""
    slack, revring = fakes
    first = BotProcess(
        make_env(slack, revring, DATABASE_URL="sqlite:///voices.sqlite3", PORT=str(unused_tcp_port)), tmp_path
    )
    await first.start()
    try:
        code, lines = await start_with_database(tmp_path, fakes, "sqlite:///voices.sqlite3")
        assert code == 2
        assert lines == [
            f"Cannot start: DATABASE_URL cannot be used: another bot is already using the SQLite file "
            f"{tmp_path / 'voices.sqlite3'}. SQLite serves one process: stop the other bot first, or give every "
            "instance the same PostgreSQL database (see Several instances)."
        ]
        async with aiohttp.ClientSession() as session:
            client = BotClient(first.url, session, SIGNING_SECRET, f"{slack.url}/response")
            file = slack.host_file(HostedFile("F1", "rachel.wav", "audio/wav", WAV))
            await client.share_file(file, text="<@UBOT> Rachel")
            await slack.wait_until(lambda: any("voice-0001" in str(c.args) for c in slack.calls_to("chat.update")))
    finally:
        await first.stop(signal.SIGTERM)
    second = BotProcess(
        make_env(slack, revring, DATABASE_URL="sqlite:///voices.sqlite3", PORT=str(free_port())), tmp_path
    )
    await second.start()  # the first one's lock went with it
    await second.stop(signal.SIGTERM)
    assert second.returncode == 0


@pytest.mark.process
async def test_a_database_under_a_file_stops_start_up_with_one_line(tmp_path: Path, fakes: Fakes):
    (tmp_path / "data").write_text("a file where the folder should be")
    code, lines = await start_with_database(tmp_path, fakes, "sqlite:///data/voices.sqlite3")
    assert code == 2
    assert lines == [
        f"Cannot start: DATABASE_URL cannot be used: {tmp_path / 'data'} is a file, so "
        f"{tmp_path / 'data' / 'voices.sqlite3'} cannot be created. Fix: set DATABASE_URL to a file in a folder "
        "the bot may write, such as sqlite:///voice-cloner.sqlite3 (in the working directory) or "
        "sqlite:////var/lib/voice-cloner/voice-cloner.sqlite3 (four slashes for an absolute path)."
    ]
    assert not fakes[0].calls  # a local problem is told before anything reaches Slack


@pytest.mark.process
async def test_a_file_that_is_not_a_database_stops_start_up_with_one_line(tmp_path: Path, fakes: Fakes):
    (tmp_path / "voices.sqlite3").write_bytes(b"not a database, just text " * 20)
    code, lines = await start_with_database(tmp_path, fakes, "sqlite:///voices.sqlite3")
    assert code == 2
    [line] = lines
    assert line.startswith(
        f"Cannot start: DATABASE_URL cannot be used: {tmp_path / 'voices.sqlite3'} is not a "
        "SQLite database. Fix: move that file away"
    )
    assert (tmp_path / "voices.sqlite3").read_bytes() == b"not a database, just text " * 20


@pytest.mark.process
async def test_a_folder_as_the_database_stops_start_up_with_one_line(tmp_path: Path, fakes: Fakes):
    (tmp_path / "voices").mkdir()
    code, lines = await start_with_database(tmp_path, fakes, "sqlite:///voices")
    assert code == 2
    [line] = lines
    assert line.startswith(f"Cannot start: DATABASE_URL cannot be used: {tmp_path / 'voices'} is a folder, not a file.")


@pytest.mark.process
@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
async def test_a_database_in_a_read_only_folder_stops_start_up_with_one_line(tmp_path: Path, fakes: Fakes):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    try:
        code, lines = await start_with_database(tmp_path, fakes, f"sqlite:///{locked}/voices.sqlite3")
    finally:
        locked.chmod(0o755)
    assert code == 2
    [line] = lines
    assert line.startswith(
        f"Cannot start: DATABASE_URL cannot be used: {locked}/voices.sqlite3 cannot be created: "
        f"writing in {locked} failed (Permission denied). Fix: make that folder writable"
    )


@pytest.mark.process
async def test_a_database_url_of_another_kind_stops_start_up_with_one_line(tmp_path: Path, fakes: Fakes):
    code, lines = await start_with_database(tmp_path, fakes, "mysql://bot:hunter2@db.example/voices")
    assert code == 2
    [line] = lines
    assert line.startswith("Cannot start: DATABASE_URL must start with sqlite:/// or postgresql://")
    assert "hunter2" not in line


@pytest.mark.process
async def test_an_unreachable_postgresql_stops_start_up_with_one_line_and_no_password(tmp_path: Path, fakes: Fakes):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # nothing listens there once the socket is closed
    code, lines = await start_with_database(tmp_path, fakes, f"postgresql://bot:hunter2@127.0.0.1:{port}/voices")
    assert code == 2
    [line] = lines
    assert line.startswith(
        f"Cannot start: DATABASE_URL cannot be used: The database at postgresql://bot:***@127.0.0.1:{port}/voices"
    )
    assert "hunter2" not in line


@pytest.mark.process
async def test_a_missing_database_folder_is_created(tmp_path: Path, fakes: Fakes, unused_tcp_port: int):
    slack, revring = fakes
    env = make_env(slack, revring, DATABASE_URL="sqlite:///data/sub/voices.sqlite3", PORT=str(unused_tcp_port))
    await run_until_healthy_then_stop(tmp_path, clean_env(**env), unused_tcp_port)
    with sqlite3.connect(tmp_path / "data" / "sub" / "voices.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0


# --- running ----------------------------------------------------------------------------------------------


async def run_until_healthy_then_stop(cwd: Path, env: dict[str, str], port: int) -> tuple[str, str]:
    """Start the bot, wait until /healthz answers, stop it with SIGTERM; return what it printed."""
    process = await run_bot(cwd, env)
    try:
        assert await answers_health_checks(f"http://127.0.0.1:{port}", process), "the bot never answered /healthz"
        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr
    return stdout.decode(), stderr.decode()


@pytest.mark.process
async def test_the_bot_starts_from_a_dotenv_file_and_real_variables_win(
    tmp_path: Path, fakes: Fakes, unused_tcp_port: int
):
    slack, revring = fakes
    env = make_env(slack, revring)
    dotenv = {**env, "MAX_AUDIO_MB": "not-a-number", "PORT": str(unused_tcp_port)}
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv.items()))
    process = await run_bot(tmp_path, clean_env(MAX_AUDIO_MB="5"))  # the real variable overrides .env's
    try:
        url = f"http://127.0.0.1:{unused_tcp_port}"
        assert await answers_health_checks(url, process), "the bot never answered /healthz"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{url}/healthz") as health:
                assert health.status == 200 and await health.json() == {"ok": True, "version": __version__}
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
        f"Voice Cloner {__version__} running in HTTP mode on port {unused_tcp_port} (POST /slack/events) for "
        f"workspace Acme as @voice-cloner; RevRing at {revring.api_url}. Health check: GET /healthz on port "
        f"{unused_tcp_port}."
    )
    output = stdout.decode() + stderr.decode()
    for secret in REQUIRED.values():
        assert secret not in output


@pytest.mark.process
async def test_the_running_line_comes_once_the_port_answers(tmp_path: Path, fakes: Fakes, unused_tcp_port: int):
    slack, revring = fakes
    env = clean_env(**make_env(slack, revring, PORT=str(unused_tcp_port)))
    out = tmp_path / "stdout.txt"
    with out.open("wb") as stdout:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            cwd=tmp_path,
            env=env,
            stdout=stdout,
            stderr=asyncio.subprocess.DEVNULL,
        )
    try:

        def says_it_runs() -> bool:
            assert process.returncode is None, "the bot stopped before saying it runs"
            return b"running in HTTP mode" in out.read_bytes()

        await eventually(says_it_runs, timeout=15)
        async with aiohttp.ClientSession() as session:
            # No retry: once the line is out, the port is already listening.
            async with session.get(f"http://127.0.0.1:{unused_tcp_port}/healthz") as health:
                assert health.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert out.read_text().count("running in HTTP mode") == 1


@pytest.mark.process
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_during_start_up_stops_it_quietly(tmp_path: Path, fakes: Fakes, unused_tcp_port: int, sig: int):
    slack, revring = fakes
    slack.held["auth.test"] = asyncio.Event()  # Slack is slow to answer: the bot is still starting
    process = await run_bot(tmp_path, clean_env(**make_env(slack, revring, PORT=str(unused_tcp_port))))
    try:
        await slack.wait_for("auth.test")
        process.send_signal(sig)
        stdout, lines = await output_of(process)
    finally:
        slack.held["auth.test"].set()
    assert process.returncode == 0
    assert stdout == ""  # it never ran, so it never says it does
    assert not [line for line in lines if not line.startswith("{")], lines  # no traceback, only log lines


@pytest.mark.process
async def test_a_token_slack_refuses_stops_start_up_with_one_line(tmp_path: Path, fakes: Fakes, unused_tcp_port: int):
    slack, revring = fakes
    env = make_env(slack, revring, SLACK_BOT_TOKEN="xoxb-revoked-token-000", PORT=str(unused_tcp_port))
    process = await run_bot(tmp_path, clean_env(**env))
    stdout, lines = await output_of(process)
    assert process.returncode == 2 and stdout == ""
    assert len(lines) == 1 and lines[0].startswith("Cannot start: Slack refused SLACK_BOT_TOKEN (invalid_auth)")
    assert "xoxb-revoked-token-000" not in stdout + "\n".join(lines)


@pytest.mark.process
async def test_a_port_in_use_stops_start_up_with_one_line_and_no_running_line(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    with socket.socket() as taken:
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - the bot binds all interfaces, so the test must too
        taken.listen()
        port = taken.getsockname()[1]
        process = await run_bot(tmp_path, clean_env(**make_env(slack, revring, PORT=str(port))))
        stdout, lines = await output_of(process)
    assert process.returncode == 2
    assert stdout == ""  # it never ran, so it never says it does
    assert lines == [
        f"Cannot start: port {port} is already in use (is another copy of the bot running?). "
        "Stop it, or set PORT to a free port."
    ]


# --- logs ---------------------------------------------------------------------------------------------------


def log_lines(stderr: str) -> list[dict]:
    return [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]


@pytest.mark.process
async def test_at_debug_only_our_own_lines_are_written(tmp_path: Path, fakes: Fakes, unused_tcp_port: int):
    slack, revring = fakes
    env = make_env(
        slack, revring, LOG_LEVEL="debug", DATABASE_URL="sqlite:///voices.sqlite3", PORT=str(unused_tcp_port)
    )
    _stdout, stderr = await run_until_healthy_then_stop(tmp_path, clean_env(**env), unused_tcp_port)
    lines = log_lines(stderr)
    assert {"level": "debug", "logger": "bot.app", "msg": "database opened"}.items() <= lines[0].items()
    assert all(line["logger"].startswith("bot.") for line in lines), {line["logger"] for line in lines}


@pytest.mark.process
async def test_debug_all_adds_the_libraries_lines_without_secrets(tmp_path: Path, fakes: Fakes, unused_tcp_port: int):
    slack, revring = fakes
    env = make_env(
        slack, revring, LOG_LEVEL="debug-all", DATABASE_URL="sqlite:///voices.sqlite3", PORT=str(unused_tcp_port)
    )
    _stdout, stderr = await run_until_healthy_then_stop(tmp_path, clean_env(**env), unused_tcp_port)
    loggers = {line["logger"].split(".")[0] for line in log_lines(stderr)}
    assert {"bot", "aiosqlite", "slack_sdk"} <= loggers
    for secret in REQUIRED.values():
        assert secret not in stderr


@pytest.mark.process
async def test_an_unreachable_slack_is_one_line_even_at_debug(tmp_path: Path, fakes: Fakes):
    slack, revring = fakes
    nowhere = f"http://127.0.0.1:{free_port()}/api/"
    env = make_env(slack, revring, SLACK_API_URL=nowhere, LOG_LEVEL="debug", PORT=str(free_port()))
    process = await run_bot(tmp_path, clean_env(**env))
    _stdout, lines = await output_of(process)
    assert process.returncode == 2
    # The SDK's own retry lines stay out of the way of the one line that says what to do.
    assert lines == [
        f"Cannot start: Cannot reach Slack at {nowhere} (ClientConnectorError). Check the network "
        "(and SLACK_API_URL if you set it)."
    ]


# --- version ------------------------------------------------------------------------------------------------


@pytest.mark.process
async def test_version_comes_from_the_package_metadata(tmp_path: Path):
    process = await run_bot(tmp_path, clean_env(), "--version")
    stdout, lines = await output_of(process)
    assert process.returncode == 0 and lines == []
    assert stdout == f"voice-cloner-slack {version('voice-cloner-slack')}\n"
    assert __version__ == version("voice-cloner-slack")
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\nversion = "{__version__}"\n' in pyproject
