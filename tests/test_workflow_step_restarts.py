"""The Workflow Builder step when its bot dies mid-run: the run's job is finished by the next start, or by another
instance, and the step is completed exactly once, with the run's own token kept sealed meanwhile; a completion
Slack could not take is handed on again."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.messages import mrkdwn
from bot.messages import workflow as workflow_text
from tests import test_several_instances as several
from tests.bot_process import BotProcess, bot_process
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, BotClient, Harness
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import hosted
from tests.step_runs import completion, run_step, step_inputs

VOICE = {"voice_id": "voice-0001", "voice_name": "Rachel", "language": "en", "status": "ready"}

pair = several.pair  # two bot processes on one PostgreSQL database


@pytest.fixture
async def process(
    fakes: tuple[FakeSlack, FakeRevRing], tmp_path: Path, unused_tcp_port: int
) -> AsyncIterator[tuple[FakeSlack, FakeRevRing, BotProcess, BotClient]]:
    # debug-all: every line Bolt and the Slack SDK write too, which must not show the run's token either.
    async with bot_process(fakes, tmp_path, unused_tcp_port, LOG_LEVEL="debug-all") as running:
        yield running


def assert_no_secret(output: bytes, *secrets: str) -> None:
    for secret in (BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, *secrets):
        assert secret.encode() not in output


@pytest.mark.process
async def test_killed_mid_run_the_next_start_completes_the_step_once(process):
    slack, revring, bot, client = process
    slack.stall_downloads = asyncio.Event()
    await bot.start()
    hosted(slack, "F0STEP")
    execution, _ = await run_step(client, slack, step_inputs("F0STEP"))
    await asyncio.wait_for(slack.download_started.wait(), 10)
    killed = await bot.stop(signal.SIGKILL)
    assert slack.executions.completions() == []

    slack.stall_downloads.set()
    await bot.start()
    [done] = await completion(slack)
    assert done.method == "functions.completeSuccess" and done.token == execution.token
    assert execution.outputs == VOICE and len(revring.received) == 1
    assert_no_secret(killed + await bot.stop(signal.SIGTERM), execution.token)
    assert len(await completion(slack)) == 1


@pytest.mark.process
async def test_killed_mid_run_the_other_instance_completes_the_step_once(pair: several.Pair):
    await pair.start()
    pair.slack.stall_downloads = asyncio.Event()
    hosted(pair.slack, "F0STEP")
    execution, _ = await run_step(pair.a.client, pair.slack, step_inputs("F0STEP"))  # born on A, running there
    await asyncio.wait_for(pair.slack.download_started.wait(), 10)
    await pair.a.bot.stop(signal.SIGKILL)
    pair.slack.stall_downloads.set()
    [done] = await asyncio.wait_for(completion(pair.slack), several.TAKEOVER)
    assert done.method == "functions.completeSuccess" and done.token == execution.token
    assert execution.outputs == VOICE
    assert several.sent(pair.revring) == {"Rachel": 1}
    assert await several.metric(pair.b, "voice_cloner_takeovers_total ") == "voice_cloner_takeovers_total 1.0"


@pytest.mark.parametrize("harness", [{"JOB_LEASE_SECONDS": "5"}], indirect=True)
async def test_a_completion_slack_fails_is_handed_on_again_once_the_lease_runs_out(harness: Harness):
    harness.slack.failures["functions.completeSuccess"] = "internal_error"
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    await harness.slack.wait_for("functions.completeSuccess")
    del harness.slack.failures["functions.completeSuccess"]
    [_, done] = await harness.slack.wait_for("functions.completeSuccess", 2, timeout=20)
    assert done.answer == {"ok": True} and execution.outputs == VOICE
    assert len(harness.revring.received) == 1  # the voice was made once; only its answer was handed on again


@pytest.mark.process
async def test_a_run_whose_instance_died_while_it_waited_fails_when_next_taken_past_its_limit(process):
    slack, revring, bot, client = process
    bot.settings.update(MAX_CONCURRENT_CLONES="1", STEP_QUEUE_SECONDS="0")
    revring.answers = ["slow"]
    await bot.start()
    await client.share_file(hosted(slack, "F0BUSY"), text="<@UBOT> Busy")  # holds the one slot
    await asyncio.wait_for(revring.slow_started.wait(), 10)
    # The run's job is queued; Slack is slow to post its "queued" message, so the job is still held when the bot dies:
    # this instance's own watch over its limit could not take it.
    slack.held["chat.postMessage"] = asyncio.Event()
    hosted(slack, "F0STEP")
    execution, _ = await run_step(client, slack, step_inputs("F0STEP", progress_channel="C0VOICES"))
    await slack.wait_for("chat.postMessage", 2)
    await bot.stop(signal.SIGKILL)
    assert slack.executions.completions() == []

    slack.held["chat.postMessage"].set()
    await bot.start()
    [ended] = await completion(slack)
    assert ended.method == "functions.completeError" and ended.token == execution.token
    assert execution.error == mrkdwn.plain(workflow_text.queued_too_long("Rachel", 0))
    assert revring.attempts == 1  # only "Busy" ever reached RevRing
