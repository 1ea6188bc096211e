"""The bot as a real process, killed or stopped mid-clone: never silent, never two voices."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.audio_samples import wav_tone
from tests.bot_process import BotProcess
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, BotClient, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile

WAV = wav_tone(12.0)
pytestmark = pytest.mark.process


@pytest.fixture
async def setup(fakes: tuple[FakeSlack, FakeRevRing], tmp_path: Path, unused_tcp_port: int
                ) -> AsyncIterator[tuple[FakeSlack, FakeRevRing, BotProcess, BotClient]]:
    slack, revring = fakes
    settings = make_env(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3", PORT=str(unused_tcp_port),
                        REVRING_TIMEOUT="30")
    bot = BotProcess(settings, tmp_path)
    async with aiohttp.ClientSession() as session:
        yield slack, revring, bot, BotClient(bot.url, session, SIGNING_SECRET, f"{slack.url}/response")
    if bot.returncode is None:
        await bot.stop()
    revring.release_slow.set()
    if slack.stall_downloads is not None:
        slack.stall_downloads.set()


def assert_no_secret(output: bytes) -> None:
    for secret in (BOT_TOKEN, REVRING_KEY, SIGNING_SECRET):
        assert secret.encode() not in output


async def test_killed_during_the_download_the_job_resumes_after_a_restart(setup):
    slack, revring, bot, client = setup
    slack.stall_downloads = asyncio.Event()
    await bot.start()
    await client.share_file(slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel")
    await asyncio.wait_for(slack.download_started.wait(), 10)
    assert_no_secret(await bot.stop(signal.SIGKILL))
    [progress] = slack.calls_to("chat.postMessage")
    assert "Cloning *Rachel*" in progress.args["text"]

    slack.stall_downloads.set()
    await bot.start()
    updates = await slack.wait_for("chat.update", 2)  # "Cloning…" again, then the result
    update = updates[-1]
    assert "voice-0001" in update.args["text"]
    assert update.args["ts"] == "1700000000.000001"  # the first run's message, finished by the second
    assert len(revring.received) == 1 and revring.received[0].content == WAV
    assert len(slack.calls_to("chat.postMessage")) == 1


async def test_killed_during_the_upload_the_person_is_told_and_can_try_again(setup):
    slack, revring, bot, client = setup
    revring.answers = ["slow"]
    await bot.start()
    await client.share_file(slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel")
    await asyncio.wait_for(revring.slow_started.wait(), 10)
    await bot.stop(signal.SIGKILL)

    await bot.start()
    [told] = await slack.wait_for("chat.update")
    assert "restarted while sending *Rachel* to RevRing" in told.args["text"]
    assert revring.attempts == 1  # not sent again blindly
    button = next(b for b in told.args["blocks"] if b["type"] == "actions")["elements"][0]
    await client.click(button, told.args["channel"], message_ts=told.args["ts"])
    updates = await slack.wait_for("chat.update", 3)
    assert "voice-0001" in updates[-1].args["text"]
    assert revring.attempts == 2
    assert_no_secret(await bot.stop(signal.SIGTERM))


async def test_sigterm_lets_a_running_clone_finish(setup):
    slack, revring, bot, client = setup
    revring.answers = ["slow"]
    await bot.start()
    await client.share_file(slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel")
    await asyncio.wait_for(revring.slow_started.wait(), 10)
    assert bot.process is not None
    bot.process.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.3)  # the bot is shutting down with the clone still running
    assert bot.returncode is None
    revring.release_slow.set()
    output = await bot.stop(signal.SIGTERM)  # a second SIGTERM, as impatient platforms send, changes nothing
    assert bot.returncode == 0
    [update] = await slack.wait_for("chat.update")
    assert "voice-0001" in update.args["text"]
    assert_no_secret(output)
    # Structured logs: one JSON object a line (after the start-up line), naming the request and the job.
    lines = [json.loads(line) for line in output.decode().splitlines()[1:] if line.strip()]
    done = next(line for line in lines if line["msg"] == "clone done")
    assert {"job", "team", "user", "file", "request", "voice", "seconds"} <= done.keys()
    revring = next(line for line in lines if line["msg"] == "revring answered")
    assert revring["revring_status"] == 201 and revring["job"] == done["job"]
