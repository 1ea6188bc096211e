"""Attacks on the "Clone a voice" Workflow Builder step, over HTTP, as the people who could try them would: a
workflow's builder naming someone else as the person asking (an admin, someone on the allowlist, someone with clones
left this hour); a Slack Connect stranger or a person of another workspace running it; a recording of another
workspace; a run delivered again after it ended, or for a function that is not this one; a voice name written to
ping the progress channel; a progress channel the bot cannot post in; *Clone anyway* for someone not allowed to
clone at all; the run's own token looked for wherever the bot writes. Each asserts what was refused and that nothing
reached RevRing. (The step's own behaviour: tests/test_workflow_step*.py.)"""

from __future__ import annotations

import json
import time

import pytest

from bot.messages import access as access_text
from bot.messages import clone as clone_text
from bot.messages import clone_failures, ids, mrkdwn
from bot.messages import workflow as workflow_text
from bot.records import ConsentStatus
from tests import test_distribution as distribution
from tests.bot_log import bot_log
from tests.conftest import BOT_TOKEN, CHANNEL, USER, Harness
from tests.consent_flow import buttons, click, the_consent
from tests.distribution import ACME_KEY, GLOBEX_KEY
from tests.doubles.fake_slack import ApiCall, FakeSlack, HostedFile
from tests.doubles.slack_functions import Execution
from tests.helpers import WAV, clones, hosted
from tests.step_runs import completion, function_executed, run_step, step_inputs
from tests.test_health import scrape

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


async def test_a_slack_connect_stranger_running_the_workflow_is_refused(harness: Harness):
    harness.slack.strangers.add(MALLORY)
    harness.slack.owners.add(MALLORY)  # an owner of their own workspace, which counts for nothing here
    harness.slack.user_teams[MALLORY] = OTHER_TEAM
    hosted(harness, "F0STEP")
    inputs = step_inputs("F0STEP", requester=MALLORY, progress_channel=CHANNEL, clone_anyway=True)
    assert await ended_with(harness, inputs) == mrkdwn.plain(access_text.external_user_refused())
    assert await clones(harness) == [] and harness.revring.attempts == 0
    assert harness.slack.calls_to("files.info") == []  # refused before the recording is even looked at
    nothing_posted(harness)


async def test_a_person_of_another_workspace_running_the_workflow_is_refused(harness: Harness):
    harness.slack.user_teams[MALLORY] = OTHER_TEAM  # not flagged a stranger: their own team says it
    hosted(harness, "F0STEP")
    error = await ended_with(harness, step_inputs("F0STEP", requester=MALLORY))
    assert error == mrkdwn.plain(access_text.external_user_refused())
    assert await clones(harness) == [] and harness.revring.attempts == 0


@pytest.mark.parametrize(
    "harness", [{"ALLOWED_USER_IDS": "U0BOB", "QUALITY_CHECK": "ask", "CLONES_PER_HOUR": "5"}], indirect=True
)
async def test_clone_anyway_lets_nobody_past_the_allowlist(harness: Harness):
    hosted(harness, "F0STEP")
    error = await ended_with(harness, step_inputs("F0STEP", clone_anyway=True, progress_channel=CHANNEL))
    assert error == mrkdwn.plain(access_text.person_not_allowed(None))
    assert await clones(harness) == [] and harness.revring.attempts == 0 and harness.slack.download_auth == []


# --- the recording ------------------------------------------------------------------------------------------


async def test_the_recording_is_looked_up_with_the_runs_own_token(harness: Harness):
    """What the run may see decides, not what the bot's broader token could: files.info is asked with the run's
    token (a file the run cannot see is refused there, test_workflow_step.py), and only then is it downloaded."""
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    await completion(harness.slack)
    [looked_up] = harness.slack.calls_to("files.info")
    assert looked_up.token == execution.token
    assert execution.outputs == VOICE


async def test_a_recording_whose_link_leads_off_slack_never_gets_a_token(harness: Harness):
    elsewhere = FakeSlack(BOT_TOKEN, host="127.0.0.2")  # a host that is not Slack's, serving the same file
    await elsewhere.start()
    try:
        away = f"{elsewhere.url}/files/F0STEP/rachel.wav"
        elsewhere.host_file(HostedFile("F0STEP", "rachel.wav", "audio/wav", WAV))
        hosted(harness, "F0STEP", extra={"url_private": away, "url_private_download": away})
        execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
        [ended] = await completion(harness.slack)
    finally:
        await elsewhere.stop()
    assert ended.method == "functions.completeError"
    assert elsewhere.download_auth == [None] and harness.revring.attempts == 0
    assert BOT_TOKEN not in str(execution.error) and execution.token not in str(execution.error)


async def test_a_recording_of_another_workspace_is_not_read(dist: distribution.Dist):
    await distribution.installed(dist, dist.acme, dist.globex)
    await dist.person(dist.acme).connect(ACME_KEY)
    await dist.person(dist.globex).connect(GLOBEX_KEY)
    dist.slack.host_file(HostedFile("F0GLOBEX", "ceo.wav", "audio/wav", WAV, token=dist.globex.bot_token))
    run, _ = await run_step(dist.bot, dist.slack, step_inputs("F0GLOBEX", requester="U0ACMEOWNER"), team="T0ACME")
    [ended] = await completion(dist.slack)
    assert ended.method == "functions.completeError" and ended.token == run.token
    assert run.error == mrkdwn.plain(clone_failures.file_out_of_reach())
    assert dist.slack.download_auth == [] and dist.revring.voices == {}


async def test_a_run_of_another_workspace_is_not_ended_by_a_run_naming_its_id(dist: distribution.Dist):
    """A run's id and token come from the same signed event, and a run is taken in once per workspace: Globex
    delivering an id that is Acme's neither ends Acme's run nor keeps Acme's own delivery from being one."""
    await distribution.installed(dist, dist.acme, dist.globex)
    await dist.person(dist.acme).connect(ACME_KEY)
    await dist.person(dist.globex).connect(GLOBEX_KEY)
    dist.slack.host_file(HostedFile("F0ACME", "rachel.wav", "audio/wav", WAV, token=dist.acme.bot_token))
    dist.slack.host_file(HostedFile("F0GLOB", "rachel.wav", "audio/wav", WAV, token=dist.globex.bot_token))
    acme_run = dist.slack.executions.start("T0ACME")
    globex_run = dist.slack.executions.start("T0GLOBEX")
    forged = Execution(acme_run.id, globex_run.token, "T0GLOBEX")  # Acme's run id, with Globex's own run token
    await run_step(
        dist.bot, dist.slack, step_inputs("F0GLOB", requester="U0GLOBEXOWNER"), team="T0GLOBEX", execution=forged
    )
    refused = await dist.slack.wait_for("functions.completeSuccess")
    assert refused[0].answer == {"ok": False, "error": "access_denied"}  # not Globex's run to end
    assert not acme_run.completed

    acme_inputs = step_inputs("F0ACME", requester="U0ACMEOWNER")
    await run_step(dist.bot, dist.slack, acme_inputs, team="T0ACME", execution=acme_run)
    await dist.slack.wait_until(lambda: acme_run.completed)
    assert acme_run.outputs is not None and acme_run.outputs["voice_id"]
    assert sorted(voice.key for voice in dist.revring.voices.values()) == [ACME_KEY, GLOBEX_KEY]


# --- the event ----------------------------------------------------------------------------------------------


async def test_a_function_of_another_callback_id_runs_nothing(harness: Harness):
    hosted(harness, "F0STEP")
    run = harness.slack.executions.start("T0TEAM")
    envelope = function_executed(
        step_inputs("F0STEP"), execution_id=run.id, token=run.token, event_id="Ev0OTHERFN", event_time=int(time.time())
    )
    envelope["event"]["function"].update(id="Fn0OTHER", callback_id="delete_everything", title="Something else")
    await harness.bot.post(json.dumps(envelope), "application/json")
    await harness.settled()
    assert harness.slack.calls_to("files.info") == [] and await clones(harness) == []
    assert harness.slack.executions.completions() == [] and harness.revring.attempts == 0


async def test_a_run_delivered_again_after_it_ended_is_not_run_again(harness: Harness):
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP"))
    await completion(harness.slack)
    # Slack (or anyone replaying its signed request within five minutes) delivers the same run again.
    await run_step(harness.bot, harness.slack, step_inputs("F0STEP"), execution=execution)
    await harness.settled()
    assert len(await completion(harness.slack)) == 1 and execution.outputs == VOICE
    assert len(harness.slack.calls_to("files.info")) == 1 and len(harness.revring.received) == 1


# --- what the progress channel shows ----------------------------------------------------------------------


@pytest.mark.parametrize("harness", [{}, {"CONSENT": "speaker"}], indirect=True)
async def test_a_voice_name_written_to_ping_the_channel_pings_nobody(harness: Harness):
    """In the progress message, its result, and (CONSENT on) the question asked in the channel."""
    hosted(harness, "F0STEP")
    name = "<!channel> <@U0CEO> <https://evil.example|click> &lt;!here&gt;"
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP", name, progress_channel=CHANNEL))
    if harness.settings.consent != "off":
        await harness.slack.wait_until(lambda: bool(consent_buttons_in(harness)))
        await click(harness, consent_buttons_in(harness)[0], ids.CONSENT_AGREE_ACTION, user=USER)
    await completion(harness.slack)
    shown = harness.slack.thread_texts() + [str(c.args.get("blocks")) for c in harness.slack.calls]
    for text in shown:
        for control in ("<!channel>", "<@U0CEO>", "<https://", "<!here>"):
            assert control not in text, text
    assert any("&lt;!channel&gt;" in text for text in harness.slack.thread_texts())
    assert execution.outputs is not None and execution.outputs["voice_name"] == name  # the output is the text itself


async def test_a_language_written_as_mrkdwn_is_refused_before_anything_is_shown(harness: Harness):
    hosted(harness, "F0STEP")
    error = await ended_with(harness, step_inputs("F0STEP", language="<!channel>", progress_channel=CHANNEL))
    assert error == mrkdwn.plain(clone_text.bad_language("<!channel>"))  # plain text in the workflow's activity
    assert await clones(harness) == [] and harness.revring.attempts == 0
    nothing_posted(harness)


@pytest.mark.parametrize("harness", [{"ALLOWED_CHANNEL_IDS": "C0VOICELAB"}], indirect=True)
@pytest.mark.parametrize("progress", [{"progress_channel": CHANNEL}, {}], ids=["another channel", "no channel"])
async def test_allowed_channel_ids_hold_for_a_run_with_or_without_a_progress_channel(harness: Harness, progress):
    """Every other way to clone happens in a conversation ALLOWED_CHANNEL_IDS is checked against (the Home tab's
    dialog answers in the person's DM, which is checked too); a run naming no channel is in none, so it is not let
    through for that: leaving the progress channel empty is no way around the list."""
    hosted(harness, "F0STEP")
    error = await ended_with(harness, step_inputs("F0STEP", **progress))
    assert error == mrkdwn.plain(access_text.channel_not_allowed(None))
    assert await clones(harness) == [] and harness.revring.attempts == 0
    nothing_posted(harness)

    hosted(harness, "F0LAB")
    allowed, _ = await run_step(harness.bot, harness.slack, step_inputs("F0LAB", progress_channel="C0VOICELAB"))
    await completion(harness.slack, 2)
    assert allowed.outputs is not None and allowed.outputs["voice_id"]


@pytest.mark.parametrize("refusal", ["not_in_channel", "restricted_action"])
async def test_a_progress_channel_the_bot_cannot_post_in_gets_nothing_and_the_run_still_ends(
    harness: Harness, refusal: str
):
    harness.slack.cannot_post_in[CHANNEL] = refusal
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP", progress_channel=CHANNEL))
    await completion(harness.slack)
    assert execution.outputs == VOICE
    posted = [c for c in harness.slack.calls_to("chat.postMessage") if c.answer and c.answer.get("ok")]
    assert posted and {c.args["channel"] for c in posted} == {USER}  # the person asking's DM instead


# --- the run's token ----------------------------------------------------------------------------------------


async def test_the_runs_token_is_nowhere_the_bot_writes(harness: Harness):
    hosted(harness, "F0STEP")
    with bot_log() as log:
        ok, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP", progress_channel=CHANNEL))
        await completion(harness.slack)
        failed, _ = await run_step(harness.bot, harness.slack, step_inputs("F0GONE", progress_channel=CHANNEL))
        await completion(harness.slack, 2)
        await harness.settled()
    assert failed.error == mrkdwn.plain(clone_failures.file_out_of_reach())
    text, _ = await scrape(harness)
    written = [
        text,
        str(failed.error),
        json.dumps(ok.outputs),
        *(json.dumps(c.args) for c in harness.slack.calls if c.method.startswith("chat.")),
        *(record.getMessage() + json.dumps(record.__dict__, default=str) for record in log.records),
        *(repr(job) for job in await harness.services.store.recent_jobs("T0TEAM", limit=10)),
    ]
    for run in (ok, failed):
        for secret in (run.token, run.token.split("-")[-1]):
            assert not any(secret in piece for piece in written)


# --- consent --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker"}], indirect=True)
async def test_in_the_progress_channel_only_the_person_running_the_workflow_can_agree(harness: Harness):
    """The run's speaker is the person running it; the question is asked in the progress channel, where everyone
    sees its buttons. A member and an admin clicking *I agree* there agree to nothing."""
    harness.slack.admins.add(ADMIN)
    hosted(harness, "F0STEP")
    execution, _ = await run_step(harness.bot, harness.slack, step_inputs("F0STEP", progress_channel=CHANNEL))
    await harness.slack.wait_until(lambda: bool(consent_buttons_in(harness)))
    [question] = consent_buttons_in(harness)
    for someone in (MALLORY, ADMIN):
        await click(harness, question, ids.CONSENT_AGREE_ACTION, user=someone)
    consent = await the_consent(harness)
    assert consent.status is ConsentStatus.WAITING and consent.decided_by is None
    assert harness.revring.received == [] and harness.slack.executions.completions() == []

    await click(harness, question, ids.CONSENT_AGREE_ACTION, user=USER)
    [done] = await completion(harness.slack)
    assert done.method == "functions.completeSuccess" and execution.outputs == VOICE
    assert len(harness.revring.received) == 1 and (await the_consent(harness)).decided_by == USER


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker"}], indirect=True)
async def test_a_stranger_running_the_workflow_is_never_asked_for_consent(harness: Harness):
    harness.slack.strangers.add(MALLORY)
    harness.slack.user_teams[MALLORY] = OTHER_TEAM
    hosted(harness, "F0STEP")
    error = await ended_with(harness, step_inputs("F0STEP", requester=MALLORY))
    assert error == mrkdwn.plain(access_text.external_user_refused())
    nothing_posted(harness)
    assert await harness.services.store.recent_jobs("T0TEAM", limit=5) == []


def consent_buttons_in(harness: Harness) -> list[ApiCall]:
    """The messages posted in the progress channel that carry the consent buttons."""
    return [
        call
        for call in harness.slack.calls_to("chat.postMessage")
        if call.args.get("channel") == CHANNEL and ids.CONSENT_AGREE_ACTION in buttons(call)
    ]
