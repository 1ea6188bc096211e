"""The bot as a real process, killed or stopped mid-clone: never silent, never two voices."""

from __future__ import annotations

import asyncio
import json
import signal
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Settings
from bot.messages import clone as clone_text
from bot.messages import library as library_text
from tests.bot_process import BotProcess, bot_process
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, BotClient
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV, eventually

pytestmark = pytest.mark.process


@pytest.fixture
async def setup(
    fakes: tuple[FakeSlack, FakeRevRing], tmp_path: Path, unused_tcp_port: int
) -> AsyncIterator[tuple[FakeSlack, FakeRevRing, BotProcess, BotClient]]:
    async with bot_process(fakes, tmp_path, unused_tcp_port, REVRING_TIMEOUT="30") as running:
        yield running


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
    async with client.session.get(f"{bot.url}/metrics") as response:
        assert "voice_cloner_takeovers_total 1.0" in await response.text()  # taken from a holder that died


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
    # The bot is shutting down (its /readyz says so) and, with the clone still running, still answers.
    assert await until_not_ready(client) == (503, {"ready": False, "reason": "shutting down"})
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


async def test_requests_arriving_while_a_restart_resumes_are_each_cloned_once(setup):
    """Jobs cut off at every stage, and new requests taken while the restart is still resuming them:
    each request makes exactly one POST /voices and gets exactly one answer."""
    slack, revring, bot, client = setup
    bot.settings["MAX_CONCURRENT_CLONES"] = "1"  # clones wait in line, as jobs that haven't started yet

    async def share(file_id: str, name: str) -> None:
        file = slack.host_file(HostedFile(file_id, f"{name}.wav", "audio/wav", WAV))
        await client.share_file(file, text=f"<@UBOT> {name}")

    await bot.start()
    slack.failures["chat.postMessage"] = "fatal_error"
    await share("F1", "Ann")  # her voice is made, but Slack never shows her the answer
    await slack.wait_for("chat.postMessage", 2)
    del slack.failures["chat.postMessage"]
    revring.answers = ["slow"]
    await share("F2", "Ben")  # cut off while RevRing has his audio
    await asyncio.wait_for(revring.slow_started.wait(), 10)
    await share("F3", "Cat")
    await share("F4", "Dan")  # these two wait in line
    await slack.wait_for("chat.postMessage", 5)
    await bot.stop(signal.SIGKILL)

    # Slack is slow after the restart: the bot is still delivering Ann's answer when new requests arrive.
    slack.held["chat.postMessage"] = asyncio.Event()
    restarted_at = len(slack.calls)
    await bot.start()
    await slack.wait_for("chat.postMessage", 6)
    await share("F5", "Eve")
    await share("F6", "Fay")
    await slack.wait_for("chat.postMessage", 8)  # both taken and started: their first messages are on the way
    slack.held["chat.postMessage"].set()

    names = ["Ann", "Ben", "Cat", "Dan", "Eve", "Fay"]

    def answers(name: str) -> list[str]:
        """The final answers for `name` Slack was asked to show since the restart (Ann's first one failed)."""
        shown = [
            call.args.get("text", "")
            for call in slack.calls[restarted_at:]
            if call.method in ("chat.postMessage", "chat.update")
        ]
        return [text for text in shown if f"Voice *{name}* created" in text or f"sending *{name}* to RevRing" in text]

    await slack.wait_until(lambda: all(answers(name) for name in names), 30)
    assert_no_secret(await bot.stop(signal.SIGTERM))  # lets anything still running finish first
    assert Counter(voice.display_name for voice in revring.received) == dict.fromkeys(names, 1)
    assert {name: len(answers(name)) for name in names} == dict.fromkeys(names, 1)


async def readiness(client: BotClient) -> tuple[int, dict]:
    async with client.session.get(f"{client.url}/readyz") as response:
        return response.status, await response.json()


async def until_not_ready(client: BotClient) -> tuple[int, dict]:
    """/readyz once it says 503: the signal is handled by the bot's loop a moment after it is sent."""

    async def not_ready() -> tuple[int, dict] | None:
        answer = await readiness(client)
        return answer if answer[0] == 503 else None

    return await eventually(not_ready)


async def test_after_sigterm_not_ready_at_once_while_slack_is_answered_and_the_clone_finishes(setup):
    """What a load balancer needs: from the first SIGTERM /readyz says 503, while the port still answers Slack
    through the grace period and the running clone finishes; what arrives meanwhile waits for the next start."""
    slack, revring, bot, client = setup
    revring.answers = ["slow"]
    await bot.start()
    _answer, ts = await client.share_file(
        slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel"
    )
    await asyncio.wait_for(revring.slow_started.wait(), 10)
    assert await readiness(client) == (200, {"ready": True})
    assert bot.process is not None
    bot.process.send_signal(signal.SIGTERM)
    assert await until_not_ready(client) == (503, {"ready": False, "reason": "shutting down"})
    bot.process.send_signal(signal.SIGTERM)  # a second one, as impatient platforms send, cuts nothing short

    # Slack requests that still arrive are acknowledged as usual; the job is recorded, not started.
    answer = await client.command("Ben")
    minutes = Settings.from_env(bot.settings).pending_minutes
    assert (answer.status, answer.text) == (200, clone_text.waiting_for_file("Ben", "en", minutes))
    shared, _ts = await client.share_file(slack.host_file(HostedFile("F2", "b.wav", "audio/wav", WAV)))
    assert shared.status == 200
    assert bot.returncode is None and revring.attempts == 1

    revring.release_slow.set()  # the running clone finishes within the grace and is answered in its thread
    assert_no_secret(await bot.stop(signal.SIGTERM))
    assert bot.returncode == 0
    [progress] = slack.calls_to("chat.postMessage")
    [update] = slack.calls_to("chat.update")
    assert progress.args["thread_ts"] == ts
    assert update.args["ts"] == "1700000000.000001"  # that message, in the file's thread, edited into the answer
    assert "voice-0001" in update.args["text"]
    assert revring.attempts == 1

    # The next start (or, with a shared database, another instance) takes Ben's job over and clones it.
    await bot.start()
    await slack.wait_until(lambda: any("voice-0002" in text for text in slack.thread_texts()))
    assert [voice.display_name for voice in revring.received] == ["Rachel", "Ben"]
    async with client.session.get(f"{bot.url}/metrics") as response:
        metrics = await response.text()
    assert "voice_cloner_takeovers_total 0.0" in metrics  # handed back at SIGTERM, not taken from a dead holder
    assert 'voice_cloner_clones_total{outcome="done"} 1.0' in metrics
    assert_no_secret(await bot.stop(signal.SIGTERM))


async def test_behind_a_balancer_an_idle_bot_keeps_answering_for_the_drain_time_after_sigterm(setup):
    """With nothing running the grace is over at once; SHUTDOWN_DRAIN_SECONDS keeps the port answering (503 on
    /readyz) long enough for a balancer to see it, instead of refusing connections it still sends."""
    slack, _revring, bot, client = setup
    bot.settings["SHUTDOWN_DRAIN_SECONDS"] = "2"
    await bot.start()
    assert bot.process is not None
    bot.process.send_signal(signal.SIGTERM)
    assert await until_not_ready(client) == (503, {"ready": False, "reason": "shutting down"})
    answer = await client.command("list")
    assert answer.status == 200 and answer.text == library_text.voice_list_text([])
    assert await readiness(client) == (503, {"ready": False, "reason": "shutting down"})
    assert_no_secret(await bot.stop(signal.SIGTERM))  # it stops by itself once the drain time is over
    assert bot.returncode == 0
    assert not slack.calls_to("chat.postMessage")
