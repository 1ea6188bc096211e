"""The "Clone a voice" Workflow Builder step over HTTP: Slack's `function_executed` event (tests/step_runs.py) is a
clone request like any other, and the run ends with exactly one functions.completeSuccess carrying the voice, or one
functions.completeError in the words a person would read in the thread, sent with the run's own token."""

from __future__ import annotations

import asyncio

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import access as access_text
from bot.messages import clone as clone_text
from bot.messages import clone_failures, mrkdwn
from bot.messages import workflow as workflow_text
from tests import takes
from tests.conftest import BOT_TOKEN, CHANNEL, Harness
from tests.helpers import clones, hosted
from tests.step_runs import completion, run_step, step_inputs

VOICE = {"voice_id": "voice-0001", "voice_name": "Rachel", "language": "en", "status": "ready"}


def plain(text: str) -> str:
    return mrkdwn.plain(text)


async def failed_with(harness: Harness, inputs: dict) -> str:
    """Run the step with `inputs`; the error it was failed with (and nothing else ended it)."""
    execution, _ = await run_step(harness.bot, harness.slack, inputs)
    [ended] = await completion(harness.slack)
    assert ended.method == "functions.completeError" and ended.answer == {"ok": True}, ended
    assert ended.token == execution.token
    return str(execution.error)


# --- a run that makes its voice ----------------------------------------------------------------------------


async def test_a_run_completes_with_the_voice_and_without_a_channel_posts_nothing(harness: Harness):
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    [done] = await completion(harness.slack)
    assert done.method == "functions.completeSuccess" and done.answer == {"ok": True}
    assert done.token == execution.token  # the run's own token, as Bolt's `complete` uses it
    assert execution.outputs == VOICE
    assert [voice.display_name for voice in harness.revring.received] == ["Rachel"]
    await harness.settled()
    for method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "reactions.add"):
        assert harness.slack.calls_to(method) == [], method
    # The run's token is a secret: kept only sealed in the job's record.
    [job] = await harness.services.store.recent_jobs("T0TEAM", limit=5)
    assert job.request.user_id == "U0ALICE" and job.request.step is not None
    assert job.request.step.execution_id == execution.id
    assert job.request.step.sealed_token and execution.token not in job.request.step.sealed_token


async def test_with_a_progress_channel_one_message_there_becomes_the_result(harness: Harness):
    hosted(harness, "F0STEP")
    inputs = step_inputs("F0STEP", "Rachel Green", language="es", progress_channel=CHANNEL)
    execution, _ = await run_step(harness.bot, harness.slack, inputs)
    await completion(harness.slack)
    assert execution.outputs == {**VOICE, "voice_name": "Rachel Green", "language": "es"}
    [posted] = harness.slack.calls_to("chat.postMessage")
    assert posted.args["channel"] == CHANNEL and not posted.args.get("thread_ts")
    assert "Cloning *Rachel Green*" in posted.args["text"]
    updates = harness.slack.calls_to("chat.update")
    assert updates and {u.args["ts"] for u in updates} == {posted.answer["ts"]}
    assert "voice-0001" in updates[-1].args["text"]


async def test_a_redelivered_event_is_one_clone_and_one_completion(harness: Harness):
    hosted(harness, "F0STEP")
    inputs = step_inputs("F0STEP")
    execution, envelope = await run_step(harness.bot, harness.slack, inputs)
    # Slack's retry of the same delivery, and the same run delivered again under a new event id.
    await run_step(harness.bot, harness.slack, inputs, execution=execution, event_id=envelope["event_id"], retry_num=1)
    await run_step(harness.bot, harness.slack, inputs, execution=execution)
    await completion(harness.slack)
    await harness.settled()
    assert await clones(harness) == ["Rachel"]
    assert len(harness.revring.received) == 1
    assert len(await completion(harness.slack)) == 1 and execution.outputs == VOICE


async def test_another_run_on_a_recording_just_cloned_completes_with_that_voice(harness: Harness):
    hosted(harness, "F0STEP")
    first, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    await completion(harness.slack)
    second, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    await completion(harness.slack, 2)
    assert first.outputs == second.outputs == VOICE
    assert len(harness.revring.received) == 1


async def test_the_event_is_acknowledged_before_the_run_is_taken_in(harness: Harness):
    hosted(harness, "F0STEP")
    harness.slack.held["files.info"] = release = asyncio.Event()
    try:  # run_step checks the 200, which comes while the bot still waits for files.info
        execution, _ = await asyncio.wait_for(run_step(harness.bot, harness.slack, step_inputs("F0STEP")), 5)
        await harness.slack.wait_for("files.info")
        assert harness.slack.executions.completions() == []
    finally:
        release.set()
    await completion(harness.slack)
    assert execution.outputs == VOICE


# --- the same checks as any clone, failing the step in the same words -------------------------------------


async def test_a_file_that_is_not_audio_fails_the_step(harness: Harness):
    hosted(harness, "F0PDF", b"%PDF-1.7\n" + b"0" * 4000, name="notes.mp3", mimetype="audio/mpeg")
    assert await failed_with(harness, step_inputs("F0PDF")) == plain(clone_failures.not_audio())
    assert harness.revring.attempts == 0


async def test_a_recording_slack_cannot_find_fails_the_step(harness: Harness):
    assert await failed_with(harness, step_inputs("F0GONE")) == plain(clone_failures.file_out_of_reach())


@pytest.mark.parametrize("harness", [{"REVRING_API_KEY": "rr_wrong_key"}], indirect=True)
async def test_revring_refusing_the_key_fails_the_step(harness: Harness):
    hosted(harness, "F0STEP")
    error = await failed_with(harness, step_inputs("F0STEP"))
    assert error == plain(clone_failures.revring_unauthorized()) and "rr_wrong_key" not in error


async def test_inactive_revring_billing_fails_the_step(harness: Harness):
    harness.revring.answers = ["billing_inactive"]
    hosted(harness, "F0STEP")
    assert await failed_with(harness, step_inputs("F0STEP")) == plain(clone_failures.revring_billing_inactive())


@pytest.mark.parametrize("harness", [{"CLONES_PER_HOUR": "1"}], indirect=True)
async def test_over_the_hourly_limit_fails_the_step(harness: Harness):
    hosted(harness, "F0ONE")
    hosted(harness, "F0TWO")
    await run_step(harness.bot, harness.slack, step_inputs("F0ONE"))
    await completion(harness.slack)
    second, _ = await run_step(harness.bot, harness.slack, step_inputs("F0TWO"))
    await completion(harness.slack, 2)
    assert second.error == plain(clone_text.over_the_hourly_limit(1, 3600.0))
    assert len(harness.revring.received) == 1


@pytest.mark.parametrize("harness", [{"ALLOWED_USER_IDS": "U0BOB"}], indirect=True)
async def test_a_requester_the_allowlist_leaves_out_fails_the_step(harness: Harness):
    hosted(harness, "F0STEP")
    assert await failed_with(harness, step_inputs("F0STEP")) == plain(access_text.person_not_allowed(None))
    assert harness.revring.attempts == 0


async def test_a_language_that_is_no_language_code_fails_the_step(harness: Harness):
    hosted(harness, "F0STEP")
    error = await failed_with(harness, step_inputs("F0STEP", language="Klingon!"))
    assert error == plain(clone_text.bad_language("Klingon!"))


@pytest.mark.parametrize("harness", [{"QUALITY_CHECK": ""}], indirect=True)  # the default: ask
async def test_a_poor_recording_fails_the_step_unless_the_workflow_says_clone_anyway(harness: Harness):
    takes.require_speech()
    hosted(harness, "F0NOISY", takes.encode(takes.noisy_take()))
    error = await failed_with(harness, step_inputs("F0NOISY"))
    # The verdict and the tip the thread would show, then how to clone it anyway; plain text, as Slack shows it.
    assert error.startswith("I haven't cloned Rachel yet: Recording: poor (")
    assert "Loud background noise (SNR 7 dB): the clone would copy it." in error
    assert error.endswith(workflow_text.clone_anyway_hint()) and "*" not in error
    assert harness.revring.attempts == 0

    hosted(harness, "F0NOISY2", takes.encode(takes.noisy_take()))
    anyway, _ = await run_step(harness.bot, harness.slack, step_inputs("F0NOISY2", clone_anyway=True))
    await completion(harness.slack, 2)
    assert anyway.outputs == VOICE and len(harness.revring.received) == 1


# --- never waiting forever ----------------------------------------------------------------------------------


@pytest.mark.parametrize("harness", [{"STEP_QUEUE_SECONDS": "1", "MAX_CONCURRENT_CLONES": "1"}], indirect=True)
async def test_a_run_still_waiting_at_its_limit_fails_on_time_though_every_slot_stays_busy(harness: Harness):
    harness.revring.answers = ["slow"]
    await harness.bot.share_file(hosted(harness, "F0BUSY"), text="<@UBOT> Busy")
    await asyncio.wait_for(harness.revring.slow_started.wait(), 10)
    hosted(harness, "F0STEP")
    inputs = step_inputs("F0STEP", progress_channel=CHANNEL)
    execution, _ = await run_step(harness.bot, harness.slack, inputs)
    await completion(harness.slack)  # while the one slot is still taken by "Busy"
    assert not harness.revring.release_slow.is_set()
    assert execution.error == plain(workflow_text.queued_too_long("Rachel", 1))
    # The channel's one message, "queued", became the same words.
    [queued] = [
        c
        for c in harness.slack.calls_to("chat.postMessage")
        if c.args["channel"] == CHANNEL and "Rachel" in c.args["text"]
    ]
    [told] = [c for c in harness.slack.calls_to("chat.update") if c.args["ts"] == queued.answer["ts"]]
    assert told.args["text"] == workflow_text.queued_too_long("Rachel", 1)
    harness.revring.release_slow.set()
    await harness.slack.wait_until(
        lambda: any("Busy" in text and "voice-" in text for text in harness.slack.thread_texts())
    )
    await harness.settled()
    assert [voice.display_name for voice in harness.revring.received] == ["Busy"]  # the run's job never ran
    assert len(await completion(harness.slack)) == 1


# --- the fake refuses what Slack refuses ----------------------------------------------------------------------


async def test_the_fake_slack_completes_a_run_only_as_slack_would(harness: Harness):
    slack = harness.slack
    run = slack.executions.start("T0TEAM")
    as_bot = AsyncWebClient(token=BOT_TOKEN, base_url=slack.api_url)
    as_run = AsyncWebClient(token=run.token, base_url=slack.api_url)
    refusals = [
        (as_bot.functions_completeSuccess(function_execution_id=run.id, outputs=VOICE), "access_denied"),
        (
            as_run.functions_completeSuccess(function_execution_id="Fx0NEVER", outputs=VOICE),
            "function_execution_not_found",
        ),
        (
            as_run.functions_completeSuccess(function_execution_id=run.id, outputs={"voice_id": "v"}),
            "parameter_validation_failed",
        ),
        (as_run.functions_completeError(function_execution_id=run.id, error=""), "invalid_arguments"),
    ]
    for call, error in refusals:
        with pytest.raises(SlackApiError) as refused:
            await call
        assert refused.value.response["error"] == error
    assert (await as_run.functions_completeSuccess(function_execution_id=run.id, outputs=VOICE))["ok"] is True
    with pytest.raises(SlackApiError) as again:  # completing revoked the run's token
        await as_run.functions_completeError(function_execution_id=run.id, error="late")
    assert again.value.response["error"] == "invalid_auth"
