"""CONSENT=recorded: the speaker reads the statement aloud in a Slack clip in their DM with the bot; Slack's
transcription (processing, then complete by files.info or the `file_change` event) is compared with it. A wrong
reading is answered with what was heard; a right one starts the clone; a clip with no transcription (failed, or none
at all) offers the button instead, and the record says so. Clips from anyone else are refused."""

from __future__ import annotations

from typing import Any

import pytest

from bot.consent import listening
from bot.messages import ids
from bot.records import ConsentStatus, ConsentWay
from tests import slack_payloads
from tests.conftest import USER, Harness
from tests.consent_flow import ANA, DM, ask_for, asked, buttons, click, code_in, the_consent, thread_messages
from tests.doubles.fake_slack import HostedFile
from tests.helpers import WAV

RECORDED = pytest.mark.parametrize("harness", [{"CONSENT": "recorded"}], indirect=True)
DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@pytest.fixture(autouse=True)
def quick_rereads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack's transcription is read again at once (the bot waits seconds between re-reads)."""
    monkeypatch.setattr(listening, "TRANSCRIPT_WAITS", (0.0, 0.0))


def reading(code: str, *, name: str = "u0ana") -> str:
    """The statement as Slack's transcription writes it: its own punctuation, the code's digits as words."""
    spoken = " ".join(DIGITS[int(digit)] for digit in code)
    return f"I {name} agree that Acme may create an AI voice from my recordings named Rachel. Code {spoken}"


def clip(harness: Harness, file_id: str, *states: dict[str, Any], by: str = ANA, **extra: Any) -> dict[str, Any]:
    """A clip recorded in Slack by `by`, whose transcription goes through `states` (none: Slack made none); `extra`:
    more of its fields (its `vtt`)."""
    hosted = HostedFile(
        file_id,
        "audio_message.m4a",
        "audio/mp4",
        WAV,
        filetype="m4a",
        subtype="slack_audio",
        transcription=list(states),
        extra={"user": by, "duration_ms": 9000, **extra},
    )
    return harness.slack.host_file(hosted)


def heard(content: str) -> dict[str, Any]:
    return slack_payloads.transcription(content=content, has_more=False)


async def say(harness: Harness, file: dict[str, Any], *, user: str = ANA) -> None:
    """`user` shares `file` in their DM with the bot."""
    await harness.bot.share_file(file, user=user, channel=DM)
    await harness.settled()


def told_in_dm(harness: Harness) -> list[str]:
    return [str(c.args.get("text")) for c in harness.slack.calls_to("chat.postMessage") if c.args["channel"] == DM]


@RECORDED
async def test_a_wrong_reading_then_a_right_one(harness: Harness):
    await ask_for(harness)
    dm = await asked(harness)
    await harness.settled()
    assert set(buttons(dm)) == {ids.CONSENT_DECLINE_ACTION}  # no *I agree*: the clip is the yes
    assert "record a clip here" in str(dm.args["blocks"])
    code = code_in(dm)
    wrong = "I agree that Acme may create an AI voice from my recordings named Rachel"
    await say(harness, clip(harness, "F0SAY1", slack_payloads.transcription("processing"), heard(wrong)))
    await harness.slack.wait_until(lambda: any("Slack heard" in text for text in told_in_dm(harness)))
    [retry] = [text for text in told_in_dm(harness) if "Slack heard" in text]
    assert f"Slack heard “{wrong}”, and I couldn't find your name and the code in it." in retry
    assert harness.revring.received == []
    consent = await the_consent(harness)
    assert (consent.status, consent.clip_file_id, consent.transcript) == (ConsentStatus.WAITING, "F0SAY1", wrong)

    await say(harness, clip(harness, "F0SAY2", slack_payloads.transcription("processing"), heard(reading(code))))
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    consent = await the_consent(harness)
    assert (consent.status, consent.way, consent.decided_by, consent.clip_file_id) == (
        ConsentStatus.AGREED,
        ConsentWay.RECORDED,
        ANA,
        "F0SAY2",
    )
    assert consent.transcript == reading(code)
    assert len(harness.revring.received) == 1
    listed = await harness.bot.command("list")
    assert "Consent: recorded by <@U0ANA>" in listed.text


@RECORDED
async def test_a_reading_longer_than_slacks_preview_is_read_whole_from_its_transcript(harness: Harness):
    await ask_for(harness)
    code = code_in(await asked(harness))
    await harness.settled()
    said = reading(code)
    cut = said.index(" named")
    vtt = f"WEBVTT\n\n00:00:00.000 --> 00:00:04.200\n{said[:cut]}\n\n00:00:04.200 --> 00:00:08.900\n{said[cut + 1 :]}\n"
    transcript = harness.slack.host_file(HostedFile("F0SAYVTT", "file.vtt", "text/vtt", vtt.encode()))
    preview = slack_payloads.transcription(content=said[:cut], has_more=True)  # the code is past what Slack shows
    file = clip(harness, "F0SAY", slack_payloads.transcription("processing"), preview, vtt=transcript["url_private"])
    await say(harness, file)
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    consent = await the_consent(harness)
    assert (consent.way, consent.transcript) == (ConsentWay.RECORDED, said)
    assert harness.slack.download_auth[0] == "Bearer xoxb-test-bot-token-1234567890"  # as a file is downloaded


@RECORDED
async def test_the_transcription_told_by_file_change(harness: Harness, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(listening, "TRANSCRIPT_WAITS", (60.0,))  # no re-read before the event
    await ask_for(harness)
    code = code_in(await asked(harness))
    await harness.settled()
    await say(harness, clip(harness, "F0SAY", slack_payloads.transcription("processing"), heard(reading(code))))
    assert harness.slack.calls_to("files.info") == [] and harness.revring.received == []
    await harness.bot.event(slack_payloads.file_change_event("F0SAY"))
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    assert (await the_consent(harness)).way is ConsentWay.RECORDED
    await harness.bot.event(slack_payloads.file_change_event("F0SAY"))  # Slack says so again: nothing more
    await harness.settled()
    assert len(harness.revring.received) == 1


@RECORDED
@pytest.mark.parametrize("states", [[slack_payloads.transcription("processing"), {"status": "failed"}], []])
async def test_no_transcription_offers_the_button_and_the_record_says_so(harness: Harness, states: list):
    await ask_for(harness)
    dm = await asked(harness)
    await harness.settled()
    _, told = await click(harness, dm, ids.CONSENT_DECLINE_ACTION, user=USER)  # not hers to decline either
    assert told == "Only <@U0ANA> can answer this: it is their voice."
    # Before a clip, a forged *I agree* (the button is not offered) is refused even from her.
    agree = {"type": "button", "action_id": ids.CONSENT_AGREE_ACTION, "text": {"type": "plain_text", "text": "I agree"}}
    forged = harness.slack.calls_to("chat.postMessage")[-1]
    forged.args = {
        **forged.args,
        "blocks": [{"type": "actions", "elements": [{**agree, "value": dm.args["blocks"][1]["elements"][0]["value"]}]}],
    }
    _, told = await click(harness, forged, ids.CONSENT_AGREE_ACTION)
    assert told is not None and "read aloud in a clip" in told

    await say(harness, clip(harness, "F0SAY", *states))
    await harness.slack.wait_until(lambda: any("no transcription" in text for text in told_in_dm(harness)))
    offer = next(c for c in harness.slack.calls_to("chat.postMessage") if "no transcription" in str(c.args["text"]))
    assert set(buttons(offer)) == {ids.CONSENT_AGREE_ACTION, ids.CONSENT_DECLINE_ACTION}
    assert harness.revring.received == []
    _, told = await click(harness, offer, ids.CONSENT_AGREE_ACTION)
    assert told is None
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    consent = await the_consent(harness)
    assert (consent.way, consent.clip_file_id, consent.transcript) == (ConsentWay.BUTTON_NO_TRANSCRIPT, "F0SAY", "")
    listed = await harness.bot.command("list")
    assert "with the button (Slack made no transcription of the clip)" in listed.text


@RECORDED
async def test_clips_from_anyone_else_are_refused(harness: Harness):
    await ask_for(harness)
    code = code_in(await asked(harness))
    await harness.settled()
    # Alice reads Ana's statement in her own DM with the bot: it answers nothing (she is not asked).
    await say(harness, clip(harness, "F0ALICE", heard(reading(code)), by=USER), user=USER)
    # Ana shares a clip someone else recorded.
    await say(harness, clip(harness, "F0FORWARDED", heard(reading(code)), by="U0MALLORY"))
    assert told_in_dm(harness)[-1] == (
        "That clip was recorded by someone else. Only your own voice can give your consent: please record it."
    )
    # An uploaded file, not a clip.
    upload = harness.slack.host_file(HostedFile("F0UPLOAD", "me.m4a", "audio/mp4", WAV, filetype="m4a"))
    upload["user"] = ANA
    await say(harness, upload)
    assert "an uploaded file can't be checked" in told_in_dm(harness)[-1]
    await harness.settled()
    assert harness.revring.received == [] and harness.slack.calls_to("files.info") == []
    assert (await the_consent(harness)).status is ConsentStatus.WAITING
