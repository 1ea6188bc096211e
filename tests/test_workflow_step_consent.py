"""A Workflow Builder step's run under CONSENT: the person the workflow names as asking is the speaker, asked for
their yes where they can answer (without a progress channel, in their DM with the bot), and nothing is cloned until
they agree. Their no, or no answer within the step's STEP_QUEUE_SECONDS (Slack gives a run 15 minutes, not
CONSENT_HOURS), fails the step with the sentence the request's thread would show."""

from __future__ import annotations

import pytest

from bot.messages import consent as consent_text
from bot.messages import ids, mrkdwn
from tests.conftest import USER, Harness
from tests.consent_flow import asked, buttons, click, the_consent
from tests.helpers import hosted
from tests.step_runs import completion, run_step, step_inputs

VOICE = {"voice_id": "voice-0001", "voice_name": "Rachel", "language": "en", "status": "ready"}


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker"}], indirect=True)
async def test_the_requester_agrees_in_their_dm_and_the_step_completes(harness: Harness):
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    dm = await asked(harness, user=USER)  # no progress channel: the person asking is asked in their DM
    await harness.settled()
    assert set(buttons(dm)) == {ids.CONSENT_AGREE_ACTION, ids.CONSENT_DECLINE_ACTION}
    assert "this request ends in 5 minutes" in str(dm.args["blocks"])  # STEP_QUEUE_SECONDS, not CONSENT_HOURS
    assert harness.revring.received == [] and harness.slack.executions.completions() == []

    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION, user=USER)
    assert told is None
    [done] = await completion(harness.slack)
    assert done.method == "functions.completeSuccess" and execution.outputs == VOICE
    # The DM that asked is the run's one message: edited into the result.
    result = harness.slack.calls_to("chat.update")[-1]
    assert result.args["ts"] == dm.answer["ts"] and "voice-0001" in result.args["text"]


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker"}], indirect=True)
async def test_the_requester_declining_fails_the_step_and_nothing_is_sent(harness: Harness):
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    dm = await asked(harness, user=USER)
    await click(harness, dm, ids.CONSENT_DECLINE_ACTION, user=USER)
    [ended] = await completion(harness.slack)
    assert ended.method == "functions.completeError"
    assert execution.error == mrkdwn.plain(consent_text.declined("Rachel", await the_consent(harness)))
    assert harness.revring.received == []


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker", "STEP_QUEUE_SECONDS": "1"}], indirect=True)
async def test_no_answer_within_the_steps_limit_fails_the_step_on_time(harness: Harness):
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    dm = await asked(harness, user=USER)
    assert "this request ends in 1 second" in str(dm.args["blocks"])
    [ended] = await completion(harness.slack)  # at the limit, not at the consent sweep's next minute
    assert ended.method == "functions.completeError"
    consent = await the_consent(harness)
    assert execution.error == mrkdwn.plain(consent_text.expired("Rachel", consent))
    assert execution.error.startswith("No answer from <@U0ALICE> within 1 second, so Rachel was not made.")
    assert harness.revring.received == []
