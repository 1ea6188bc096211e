"""CONSENT=speaker: a request names whose voice it is, waits (sending nothing to RevRing) until that person clicks
*I agree* in their DM with the bot, and ends with a word in its thread when they decline or do not answer within
CONSENT_HOURS. Only the speaker may answer; someone outside Slack needs a workspace admin's attestation instead."""

from __future__ import annotations

import time

import pytest

from bot.messages import ids
from bot.records import ConsentStatus, ConsentWay, Stage
from tests import slack_payloads
from tests.conftest import CHANNEL, TEAM, USER, Harness
from tests.consent_flow import ANA, ask_for, asked, buttons, click, submit_dialog, the_consent, thread_messages
from tests.helpers import clones, hosted, option
from tests.voices import open_home, texts

SPEAKER = pytest.mark.parametrize("harness", [{"CONSENT": "speaker"}], indirect=True)


@SPEAKER
async def test_nothing_is_cloned_until_the_speaker_agrees_and_only_she_can(harness: Harness):
    await ask_for(harness)
    dm = await asked(harness)
    await harness.settled()
    # The speaker is asked: who asks, for which voice, a link to the clip, the statement with its code.
    shown = str(dm.args["blocks"])
    assert "<@U0ALICE> would like to make an AI voice named *Rachel*" in shown
    assert "<https://acme.slack.com/files/" in shown
    assert "I, u0ana, agree that Acme may create an AI voice from my recordings, named 'Rachel'. Code " in shown
    assert set(buttons(dm)) == {ids.CONSENT_AGREE_ACTION, ids.CONSENT_DECLINE_ACTION}
    # The request waits, in its thread, in the list, and in the store; nothing reached RevRing.
    assert thread_messages(harness)[-1].startswith(":hourglass: Cloning *Rachel*… waiting for <@U0ANA>'s consent.")
    listed = await harness.bot.command("list")
    assert "*Rachel* · waiting for <@U0ANA>'s consent" in listed.text
    [job] = await harness.services.store.recent_jobs(TEAM, limit=1)
    assert job.stage is Stage.AWAITING_CONSENT and harness.revring.received == []

    # Alice (who asked) and Mallory cannot answer for Ana; a click from another workspace finds nothing.
    for forger in (USER, "U0MALLORY"):
        _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION, user=forger)
        assert told == "Only <@U0ANA> can answer this: it is their voice."
    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION, team="T0OTHER")
    assert told == "I no longer have this request. Ask for the voice again if it is still wanted."
    assert harness.revring.received == [] and (await the_consent(harness)).status is ConsentStatus.WAITING

    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION)
    assert told is None
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    assert len(harness.revring.received) == 1
    consent = await the_consent(harness)
    assert (consent.status, consent.way, consent.decided_by) == (ConsentStatus.AGREED, ConsentWay.BUTTON, ANA)
    # Her DM says so; a second click changes nothing.
    assert "You agreed with the button" in str(harness.slack.calls_to("chat.update")[0].args["text"])
    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION)
    assert told is not None and told.startswith("This request was answered already: Consent: agreed by <@U0ANA>")
    assert len(harness.revring.received) == 1
    listed = await harness.bot.command("list")
    assert "Consent: agreed by <@U0ANA> with the button" in listed.text
    home = await open_home(harness)
    assert "Consent: agreed by <@U0ANA> with the button" in texts(home)


@SPEAKER
async def test_a_declined_request_ends_in_its_thread_and_cannot_be_tried_again(harness: Harness):
    await ask_for(harness)
    dm = await asked(harness)
    await harness.settled()
    _, told = await click(harness, dm, ids.CONSENT_DECLINE_ACTION)
    assert told is None
    await harness.slack.wait_until(lambda: "did not agree" in thread_messages(harness)[-1])
    assert thread_messages(harness)[-1] == (
        "<@U0ANA> did not agree to an AI voice named *Rachel*, so it was not made. Nothing was sent to RevRing and "
        "this request has ended."
    )
    answer = harness.slack.calls_to("chat.update")[-1]
    assert "retry_clone" not in str(answer.args["blocks"])  # no Try again: a new request asks her again
    assert harness.revring.received == [] and harness.slack.download_auth == []  # nothing downloaded either
    consent = await the_consent(harness)
    assert (consent.status, consent.decided_by) == (ConsentStatus.DECLINED, ANA)
    [job] = await harness.services.store.recent_jobs(TEAM, limit=1)
    assert job.stage is Stage.FAILED and job.answer is None  # shown
    # A forged *Try again* of the job is refused too.
    retry = {"type": "button", "action_id": ids.RETRY_ACTION, "text": {"type": "plain_text", "text": "Try again"}}
    await harness.bot.click({**retry, "value": job.id}, CHANNEL)
    reply = await harness.slack.wait_for_response()
    assert "did not agree to this request" in reply["text"]
    assert harness.revring.received == []
    # The speaker's DM says it ended; clicking *I agree* afterwards is too late.
    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION)
    assert told is not None and "answered already: Consent: declined by <@U0ANA>" in told


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker", "CONSENT_HOURS": "2"}], indirect=True)
async def test_no_answer_within_consent_hours_ends_the_request(harness: Harness):
    await ask_for(harness)
    dm = await asked(harness)
    await harness.settled()
    store, desk = harness.services.store, harness.services.cloner.consent
    store.clock = lambda: time.time() + 3600  # an hour on: still waiting
    assert await desk.sweep() == 0
    store.clock = lambda: time.time() + 2 * 3600 + 1
    assert await desk.sweep() == 1
    await harness.slack.wait_until(lambda: "No answer from" in thread_messages(harness)[-1])
    assert thread_messages(harness)[-1].startswith(
        "No answer from <@U0ANA> within 2 hours, so *Rachel* was not made. Nothing was sent to RevRing"
    )
    assert (await the_consent(harness)).status is ConsentStatus.EXPIRED
    assert await desk.sweep() == 0  # once
    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION)
    assert told is not None and "Consent: expired unanswered" in told
    assert harness.revring.received == []


@SPEAKER
async def test_my_own_voice_is_one_click_in_the_same_thread(harness: Harness):
    await harness.bot.command("Rachel voice=me")
    _, ts = await harness.bot.share_file(hosted(harness))
    await harness.settled()
    await harness.slack.wait_until(lambda: "please confirm it is your voice" in str(harness.slack.calls[-1].args))
    [here] = [c for c in harness.slack.calls_to("chat.postMessage") if c.args.get("channel") == CHANNEL]
    assert here.args["thread_ts"] == ts and set(buttons(here)) == {ids.CONSENT_AGREE_ACTION, ids.CONSENT_DECLINE_ACTION}
    assert [c for c in harness.slack.calls_to("chat.postMessage") if c.args.get("channel") == USER] == []  # no DM
    _, told = await click(harness, here, ids.CONSENT_AGREE_ACTION, user="U0MALLORY")
    assert told == "Only <@U0ALICE> can answer this: it is their voice."
    _, told = await click(harness, here, ids.CONSENT_AGREE_ACTION, user=USER)
    assert told is None
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    update = harness.slack.calls_to("chat.update")[-1]
    assert update.args["ts"] == here.answer["ts"]  # the same message became the answer
    assert await clones(harness) == ["Rachel"] and len(harness.revring.received) == 1


@SPEAKER
async def test_someone_outside_slack_needs_an_admins_attestation(harness: Harness):
    view = await submit_dialog(harness, "Narrator", outside=True)
    # The dialog asks "Whose voice is this?" instead of the checkbox ticked by whoever asks.
    blocks = {b.get("block_id"): b for b in view["blocks"]}
    assert blocks[ids.SPEAKER_BLOCK]["element"]["type"] == "users_select" and ids.CONSENT_BLOCK not in blocks
    await harness.slack.wait_until(lambda: "Written consent is on file" in str(harness.slack.calls[-1].args))
    here = harness.slack.calls[-1]
    assert "*Narrator* is the voice of someone outside Slack" in str(here.args["blocks"])
    # Alice, who asks and is no admin, cannot attest.
    _, told = await click(harness, here, ids.CONSENT_ATTEST_ACTION, user=USER)
    assert told == "Only a workspace admin or owner can confirm that the speaker's written consent is on file."
    assert harness.revring.received == []
    harness.slack.admins.add("U0BOSS")
    _, told = await click(harness, here, ids.CONSENT_ATTEST_ACTION, user="U0BOSS")
    assert told is None
    await harness.slack.wait_until(lambda: any("voice-" in text for text in harness.slack.thread_texts()))
    consent = await the_consent(harness)
    assert (consent.status, consent.way, consent.decided_by, consent.speaker_id) == (
        ConsentStatus.AGREED,
        ConsentWay.ATTESTED,
        "U0BOSS",
        None,
    )
    assert len(harness.revring.received) == 1


@SPEAKER
async def test_declining_my_own_voice_ends_the_request_in_that_message(harness: Harness):
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel voice=me")
    await harness.settled()
    await harness.slack.wait_until(lambda: "please confirm it is your voice" in str(harness.slack.calls[-1].args))
    here = harness.slack.calls[-1]
    _, told = await click(harness, here, ids.CONSENT_DECLINE_ACTION, user=USER)
    assert told is None
    await harness.slack.wait_until(lambda: "did not agree" in thread_messages(harness)[-1])
    await harness.settled()
    assert thread_messages(harness)[-1].startswith("<@U0ALICE> did not agree to an AI voice named *Rachel*")
    assert {c.args["ts"] for c in harness.slack.calls_to("chat.update")} == {here.answer["ts"]}
    assert harness.revring.received == []


@SPEAKER
async def test_a_speaker_slack_will_not_let_the_bot_message_ends_the_request_at_once(harness: Harness):
    harness.slack.cannot_post_in[ANA] = "cannot_dm_bot"
    await ask_for(harness)
    await harness.settled()
    await harness.slack.wait_until(lambda: "couldn't ask" in str(thread_messages(harness)[-1:]))
    assert thread_messages(harness)[-1].startswith(
        "I couldn't ask <@U0ANA> for their consent to *Rachel*: Slack would not let me message them (`cannot_dm_bot`)."
    )
    assert (await the_consent(harness)).status is ConsentStatus.UNREACHABLE
    assert harness.revring.received == []


@SPEAKER
async def test_the_command_names_the_speaker(harness: Harness):
    answer = await harness.bot.command("Rachel voice=@ana")  # an app made from an older manifest: plain text
    assert answer.text.startswith("I couldn't tell who “@ana” is.")
    await harness.bot.command("Rachel voice=<@U0ANA|ana>")
    await harness.bot.share_file(hosted(harness))  # the file after the command
    dm = await asked(harness)
    assert "named *Rachel*" in str(dm.args["blocks"])
    await harness.settled()
    assert (await the_consent(harness)).speaker_id == ANA


@SPEAKER
async def test_a_waiting_request_is_counted_apart_in_the_metrics(harness: Harness):
    await ask_for(harness)
    await asked(harness)
    await harness.settled()
    async with harness.bot.session.get(f"{harness.bot.url}/metrics") as response:
        scraped = await response.text()
    assert 'voice_cloner_jobs{state="awaiting_consent"} 1.0' in scraped
    assert 'voice_cloner_jobs{state="waiting"} 0.0' in scraped


@SPEAKER
async def test_the_shortcuts_dialog_names_the_speaker_and_links_the_recording(harness: Harness):
    file = hosted(harness, "F0CLIP", name="ana_intro.wav")
    message = {"type": "message", "user": ANA, "ts": "1699990000.000100", "text": "", "files": [file]}
    await harness.bot.interaction(slack_payloads.message_action(message, response_url=harness.bot.response_url))
    [opened] = await harness.slack.wait_for("views.open")
    view = opened.args["view"]
    values = {
        ids.NAME_BLOCK: {ids.FIELD_ACTION: {"type": "plain_text_input", "value": "Ana"}},
        ids.LANGUAGE_BLOCK: {ids.FIELD_ACTION: {"type": "static_select", "selected_option": option("en")}},
        ids.SPEAKER_BLOCK: {ids.FIELD_ACTION: {"type": "users_select", "selected_user": ANA}},
        ids.OUTSIDE_BLOCK: {ids.FIELD_ACTION: {"type": "checkboxes", "selected_options": []}},
    }
    await harness.bot.interaction(slack_payloads.view_submission(values, view=view))
    dm = await asked(harness)
    assert f"<{file['permalink']}|the recording>" in str(dm.args["blocks"])  # the file was chosen by id alone
    await harness.settled()
    assert (await the_consent(harness)).speaker_id == ANA and harness.revring.received == []


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker", "ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_in_an_org_only_an_admin_of_this_workspace_or_the_org_attests(harness: Harness):
    slack = harness.slack
    slack.enterprise = dict(slack_payloads.ENTERPRISE)  # our workspace, T0TEAM, is in the org E0ACME
    await submit_dialog(harness, "Narrator", outside=True, grid=True)
    await slack.wait_until(lambda: "Written consent is on file" in str(slack.calls[-1].args))
    here = slack.calls[-1]
    refused = "Only a workspace admin or owner can confirm that the speaker's written consent is on file."
    # An admin of the Sales workspace of the same org (user.is_admin, not enterprise_user.is_admin).
    slack.workspace_admins.add("U0SALESADMIN")
    slack.user_teams["U0SALESADMIN"] = "T0SALES"
    _, told = await click(harness, here, ids.CONSENT_ATTEST_ACTION, user="U0SALESADMIN", home="T0SALES")
    assert told == refused
    # An owner of another organisation, met in a shared channel.
    slack.strangers.add("U0MALLORY")
    slack.owners.add("U0MALLORY")
    slack.user_enterprises["U0MALLORY"] = {"id": "E0OTHER", "name": "Other Org"}
    _, told = await click(harness, here, ids.CONSENT_ATTEST_ACTION, user="U0MALLORY", home=TEAM)
    assert told == refused
    assert harness.revring.received == []
    # An admin of the organisation, whose own workspace is another of it.
    slack.admins.add("U0ORGBOSS")
    slack.user_teams["U0ORGBOSS"] = "T0SUPPORT"
    _, told = await click(harness, here, ids.CONSENT_ATTEST_ACTION, user="U0ORGBOSS", home="T0SUPPORT")
    assert told is None
    await slack.wait_until(lambda: any("voice-" in text for text in slack.thread_texts()))
    consent = await the_consent(harness)
    assert (consent.way, consent.decided_by) == (ConsentWay.ATTESTED, "U0ORGBOSS")
