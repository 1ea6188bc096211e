"""Logs never carry a secret, even at LOG_LEVEL=debug where the libraries describe every request they send."""

from __future__ import annotations

import io
import json
import logging
import re
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.ops import logs
from tests.bot_process import BotProcess
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, BotClient, Harness, make_env
from tests.distribution import (
    ACME_KEY,
    ENCRYPTION_KEY,
    REVRING_KEYS,
    Person,
    distribution_env,
    install,
    two_workspaces,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV

APP_TOKEN = "xapp-1-A0APP-1-socket-secret-42"
SECRETS = (BOT_TOKEN, SIGNING_SECRET, REVRING_KEY)


async def clone_and_fail(bot: BotClient, slack: FakeSlack) -> None:
    """People paste secrets where they should not: as a voice name, into a file's name, into a request."""
    file = slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV))
    await bot.share_file(file, text=f"<@UBOT> {BOT_TOKEN}")  # the token pasted as the voice's name
    await slack.wait_for("chat.update")
    hidden = slack.host_file(HostedFile("F2", f"{REVRING_KEY}.wav", "audio/wav", WAV, visible_to_bot=False))
    await bot.share_file(hidden, text="<@UBOT>")  # the voice is named after the file: the RevRing key
    await slack.wait_for("chat.update", 2)
    await bot.command(SIGNING_SECRET)  # a command waiting, named with the signing secret
    refused = await bot.post(f"token={SIGNING_SECRET}", "application/x-www-form-urlencoded", timestamp=1)
    assert refused.status == 401


def assert_scrubbed(output: str, secrets: tuple[str, ...] = SECRETS, *, reached: bool = True) -> None:
    for secret in secrets:
        assert secret not in output, secret
    if reached:
        assert logs.REDACTED in output  # a secret did reach a log line, and was replaced


@pytest.mark.process
async def test_a_real_process_at_debug_level_logs_no_secret(
    fakes: tuple[FakeSlack, FakeRevRing], tmp_path: Path, unused_tcp_port: int
):
    slack, revring = fakes
    bot = BotProcess(make_env(slack, revring, PORT=str(unused_tcp_port), LOG_LEVEL="debug"), tmp_path)
    await bot.start()
    try:
        async with aiohttp.ClientSession() as session:
            await clone_and_fail(BotClient(bot.url, session, SIGNING_SECRET, f"{slack.url}/response"), slack)
    finally:
        output = (await bot.stop(signal.SIGTERM)).decode()
    assert bot.returncode == 0
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line["level"] == "debug" for line in lines)  # LOG_LEVEL=debug was honoured
    # Whether a pasted secret reaches a line at all depends on what the bot logs; none may get through.
    assert_scrubbed(output, reached=False)


@pytest.fixture
def stderr_logs(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Logging configured as `python -m bot` does it, into a buffer; the test runner's handlers come back after."""
    root, access = logging.getLogger(), logging.getLogger("aiohttp.access")
    saved = (root.handlers[:], root.level, access.level)
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stderr", buffer)
    yield buffer
    root.handlers[:], root.level, access.level = saved


@pytest.fixture
async def configured(harness: Harness, stderr_logs: io.StringIO) -> AsyncIterator[tuple[Harness, io.StringIO]]:
    settings = harness.settings
    # The list `python -m bot` passes (no app token in HTTP mode), and a Socket Mode token to prove a fourth.
    logs.configure(
        [
            settings.slack_bot_token,
            settings.slack_signing_secret,
            settings.revring_api_key,
            settings.slack_app_token,
            APP_TOKEN,
        ],
        level=logging.DEBUG,
    )
    yield harness, stderr_logs


async def test_the_configured_logging_scrubs_every_secret_at_debug_level(configured: tuple[Harness, io.StringIO]):
    harness, output = configured
    await clone_and_fail(harness.bot, harness.slack)
    logging.getLogger("bot.test").warning(
        "a careless line %s", APP_TOKEN, extra={"header": f"Bearer {BOT_TOKEN}", "count": 3, "where": Path("/x")}
    )
    logging.getLogger("bot.test").debug("a detail for %s", SIGNING_SECRET)  # written at LOG_LEVEL=debug, scrubbed
    try:
        raise RuntimeError(f"refused {REVRING_KEY}")
    except RuntimeError:
        logging.getLogger("bot.test").exception("with a traceback")
    text = output.getvalue()
    assert_scrubbed(text, (*SECRETS, APP_TOKEN))
    lines = [json.loads(line) for line in text.splitlines()]
    careless = next(line for line in lines if line["msg"].startswith("a careless line"))
    assert careless == {
        "time": careless["time"],
        "level": "warning",
        "logger": "bot.test",
        "msg": f"a careless line {logs.REDACTED}",
        "header": f"Bearer {logs.REDACTED}",
        "count": 3,
        "where": "/x",
    }
    assert re.fullmatch(r"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", careless["time"])
    traceback = next(line for line in lines if line["msg"] == "with a traceback")
    assert f"RuntimeError: refused {logs.REDACTED}" in traceback["error"]
    assert any(line["level"] == "debug" for line in lines)
    assert not logging.getLogger("aiohttp.access").isEnabledFor(logging.INFO)  # no line per HTTP request


async def test_each_line_carries_the_bound_request_fields_and_its_own_win(configured: tuple[Harness, io.StringIO]):
    harness, output = configured
    await harness.bot.share_file(
        harness.slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Grüße"
    )
    await harness.slack.wait_for("chat.update")
    logs.bind(job="j-bound", team=None)
    logging.getLogger("bot.test").info("own fields", extra={"job": "j-own", "voice_name": "Grüße"})
    lines = [json.loads(line) for line in output.getvalue().splitlines()]
    clone = next(line for line in lines if line["msg"] == "clone done")
    assert clone["file"] == "F1" and clone["team"] == "T0TEAM" and clone["user"] == "U0ALICE"
    assert clone["voice"] == "voice-0001" and isinstance(clone["seconds"], float)
    assert not {"levelno", "pathname", "args"} & clone.keys()  # the record's own attributes stay out
    assert next(line for line in lines if line["msg"] == "own fields")["job"] == "j-own"
    assert "Grüße" in output.getvalue()  # written as UTF-8 text, not \u escapes


@pytest.mark.process
async def test_debug_all_in_distribution_mode_logs_no_token_and_no_key(tmp_path: Path, unused_tcp_port: int):
    """LOG_LEVEL=debug-all: slack_sdk logs the body of oauth.v2.access (the new workspace's bot token) and every
    API call, SQLAlchemy and aiosqlite their statements. A workspace installs, connects its RevRing key, clones:
    no Slack token (known to the bot or not) and no RevRing key reaches the log."""
    slack, revring = FakeSlack("xoxb-unused"), FakeRevRing(REVRING_KEYS)
    await slack.start()
    await revring.start()
    acme, _globex = two_workspaces(slack)
    env = distribution_env(slack, revring, PORT=str(unused_tcp_port), LOG_LEVEL="debug-all")
    bot = BotProcess(env, tmp_path)
    await bot.start()
    try:
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
            status, _page = await install(session, bot.url, acme)
            assert status == 200
            client = BotClient(bot.url, session, SIGNING_SECRET, f"{slack.url}/response")
            await Person(slack, client, acme, acme.installer).connect(ACME_KEY)
            file = slack.host_file(HostedFile("F1", "rachel.wav", "audio/wav", WAV, token=acme.bot_token))
            await client.share_file(file, text="<@UBOT> Rachel", channel="C0ACME", team=str(acme.team_id))
            await slack.wait_until(lambda: any("voice-0001" in str(c.args) for c in slack.calls_to("chat.update")))
    finally:
        output = (await bot.stop(signal.SIGTERM)).decode()
        await revring.stop()
        await slack.stop()
    assert [voice.key for voice in revring.voices.values()] == [ACME_KEY]  # the clone ran with the connected key
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line["logger"].startswith("slack_sdk") and line["level"] == "debug" for line in lines)
    assert any("oauth.v2.access" in line["msg"] for line in lines)  # the install's own call was logged…
    assert_scrubbed(output, (acme.bot_token, ACME_KEY, slack.client_secret, ENCRYPTION_KEY))  # …without secrets
    assert not re.search(r"\bxox[abpre]-|\bxapp-", output)  # nor any other Slack token, by its shape


def test_a_secret_of_six_characters_and_one_inside_another_are_scrubbed_whole():
    secrets = logs.SecretFilter(["abcdef", "abcdefghij", "short"])  # under six characters: too common to scrub
    assert secrets.scrub("a abcdefghij b abcdef c short") == f"a {logs.REDACTED} b {logs.REDACTED} c short"
    secrets.add("zyxwvu")  # learned later (a workspace's RevRing key, once read)
    assert secrets.scrub("key zyxwvu, token xoxb-1-2-abc") == f"key {logs.REDACTED}, token {logs.REDACTED}"
