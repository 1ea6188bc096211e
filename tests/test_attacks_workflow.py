"""Attacks on the "Clone a voice" Workflow Builder step, over HTTP, as the people who could try them would: a
workflow's builder naming someone else as the person asking (an admin, someone on the allowlist, someone with clones
left this hour); a Slack Connect stranger or a person of another workspace running it; a recording of another
workspace; a run delivered again after it ended, or for a function that is not this one; a voice name written to
ping the progress channel; a progress channel the bot cannot post in; *Clone anyway* for someone not allowed to
clone at all; the run's own token looked for wherever the bot writes. Each asserts what was refused and that nothing
reached RevRing. (The step's own behaviour: tests/test_workflow_step*.py.)"""

from __future__ import annotations

import pytest

from bot.messages import mrkdwn
from bot.messages import workflow as workflow_text
from tests import test_distribution as distribution
from tests.conftest import CHANNEL, Harness
from tests.helpers import clones, hosted
from tests.step_runs import completion, run_step, step_inputs

dist = distribution.dist  # Acme and Globex, each installed through OAuth with its own RevRing key

ADMIN, MALLORY, OTHER_TEAM = "U0ADMIN", "U0MALLORY", "T0OTHER"
VOICE = {"voice_id": "voice-0001", "voice_name": "Rachel", "language": "en", "status": "ready"}


async def ended_with(harness: Harness, inputs: dict) -> str:
    """Run the step with `inputs`: the error it was failed with, with the run's own token, and nothing else ended it."""
    execution, _ = await run_step(harness.bot, harness.slack, inputs)
    [ended] = await completion(harness.slack)
    assert ended.method == "functions.completeError" and ended.answer == {"ok": True}, ended
    assert ended.token == execution.token
    await harness.settled()
    return str(execution.error)


def nothing_posted(harness: Harness) -> None:
    for method in ("chat.postMessage", "chat.update", "chat.postEphemeral"):
        assert harness.slack.calls_to(method) == [], method


# --- who is asking ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("harness", [{"ALLOWED_USER_IDS": ADMIN, "CLONES_PER_HOUR": "1"}], indirect=True)
async def test_a_builder_cannot_name_someone_else_as_the_person_asking(harness: Harness):
    """`Who is asking` is Slack's user_context (manifest.yml): the person running the workflow, which a builder cannot
    type in. A run whose input is a plain user id (a builder's pick under the step's former definition) is someone
    the builder named: it passes for nobody, so the admin on the allowlist is not cloned as, their hour not spent,
    their DM left alone."""
    harness.slack.admins.add(ADMIN)
    hosted(harness, "F0STEP")
    typed = {**step_inputs("F0STEP", progress_channel=CHANNEL), "requester": ADMIN}
    assert await ended_with(harness, typed) == mrkdwn.plain(workflow_text.requester_not_from_slack())
    assert await clones(harness) == [] and harness.revring.attempts == 0
    assert harness.slack.calls_to("files.info") == [] and harness.slack.calls_to("users.info") == []
    nothing_posted(harness)

    # The admin running a workflow themselves still has their one clone of the hour.
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP", requester=ADMIN))
    await completion(harness.slack, 2)
    assert execution.outputs == VOICE
    [job] = await harness.services.store.recent_jobs("T0TEAM", limit=5)
    assert job.request.user_id == ADMIN
