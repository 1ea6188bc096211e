"""Attacks on the speaker's consent (CONSENT=speaker|recorded), over HTTP, each as the attacker would try it: a member
who is not the speaker, the requester, or an admin clicking *I agree* with the right value; a click carrying another
request's id or another team; a double click, and a yes after CONSENT_HOURS; clips shared where they prove nothing
(in a channel, by the requester, uploaded); an old clip or an old click reused for a new request; user text and what
Slack heard in the speaker's DM; the one-time code shown anywhere but to the speaker; a Slack Connect stranger named
as the speaker; a restart while a clip is transcribed. Each asserts the refusal, and that nothing reached RevRing or
was downloaded but a clip's transcript. (Other installations: tests/test_attacks_consent_workspaces.py.)"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import pytest

from bot.consent import desk as desk_module
from bot.consent import listening
from bot.messages import ids
from bot.records import ConsentStatus, ConsentWay, Stage
from tests import slack_payloads
from tests.bot_log import bot_log
from tests.conftest import CHANNEL, TEAM, USER, Harness
from tests.consent_flow import (
    ANA,
    DM,
    ask_for,
    asked,
    buttons,
    click,
    code_in,
    requested,
    the_consent,
    thread_messages,
)
from tests.doubles.fake_slack import HostedFile
from tests.helpers import WAV, hosted
from tests.test_consent_durable import running
from tests.test_consent_recorded import clip, heard, reading, say, told_in_dm

SPEAKER = pytest.mark.parametrize("harness", [{"CONSENT": "speaker"}], indirect=True)
RECORDED = pytest.mark.parametrize("harness", [{"CONSENT": "recorded"}], indirect=True)

BOB, MALLORY, BOSS = "U0BOB", "U0MALLORY", "U0BOSS"
ONLY_ANA = "Only <@U0ANA> can answer this: it is their voice."
GONE = "I no longer have this request. Ask for the voice again if it is still wanted."


@pytest.fixture(autouse=True)
def quick_rereads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Slack's transcription is read again at once (the bot waits seconds between re-reads)."""
    monkeypatch.setattr(listening, "TRANSCRIPT_WAITS", (0.0, 0.0))


def nothing_sent(harness: Harness) -> bool:
    """Nothing reached RevRing and no recording was downloaded."""
    return harness.revring.received == [] and harness.slack.download_auth == []


# --- who clicks -----------------------------------------------------------------------------------------------


@SPEAKER
async def test_nobody_but_the_speaker_agrees_whatever_the_click_carries(harness: Harness):
    to_ana = await requested(harness)  # Alice asks for Ana's voice
    to_bob = await requested(harness, BOB, file_id="F0BOBS", name="Paula")  # and for Bob's
    harness.slack.admins.add(BOSS)
    # A member, the requester, and an admin (who attests only for someone outside Slack) click I agree for Ana.
    for forger in (MALLORY, USER, BOSS):
        _, told = await click(harness, to_ana, ids.CONSENT_AGREE_ACTION, user=forger)
        assert told == ONLY_ANA
    # Ana clicks I agree, and an admin's attestation, on Bob's request; and the attestation on her own.
    _, told = await click(harness, to_bob, ids.CONSENT_AGREE_ACTION, user=ANA)
    assert told == "Only <@U0BOB> can answer this: it is their voice."
    attest = {**buttons(to_ana)[ids.CONSENT_AGREE_ACTION], "action_id": ids.CONSENT_ATTEST_ACTION}
    to_ana.args = {**to_ana.args, "blocks": [{"type": "actions", "elements": [attest]}]}
    _, told = await click(harness, to_ana, ids.CONSENT_ATTEST_ACTION, user=ANA)
    assert told == ONLY_ANA
    # A job id that does not exist, and Ana's own from another team.
    nowhere = {**attest, "action_id": ids.CONSENT_AGREE_ACTION, "value": "job-that-does-not-exist"}
    to_ana.args = {**to_ana.args, "blocks": [{"type": "actions", "elements": [nowhere]}]}
    _, told = await click(harness, to_ana, ids.CONSENT_AGREE_ACTION)
    assert told == GONE
    _, told = await click(harness, to_bob, ids.CONSENT_AGREE_ACTION, user=BOB, team="T0OTHER")
    assert told == GONE
    assert nothing_sent(harness)
    for job in await harness.services.store.recent_jobs(TEAM, limit=5):
        consent = await harness.services.store.consent_for(job.id)
        assert job.stage is Stage.AWAITING_CONSENT and consent is not None
        assert (consent.status, consent.decided_by) == (ConsentStatus.WAITING, None)


@SPEAKER
async def test_a_double_click_agrees_once_and_clones_once(harness: Harness):
    dm = await requested(harness)
    button = buttons(dm)[ids.CONSENT_AGREE_ACTION]
    payloads = [harness.bot.click_payload(button, DM, message_ts=str(dm.answer["ts"]), user=ANA) for _ in range(2)]
    answers = await asyncio.gather(*(harness.bot.interaction(p) for p in payloads))
    assert [a.status for a in answers] == [200, 200]
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    await harness.settled()
    assert len(harness.revring.received) == 1
    told = [str(r["text"]) for r in harness.slack.responses]
    assert len(told) == 1 and told[0].startswith("This request was answered already: Consent: agreed by <@U0ANA>")


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker", "CONSENT_HOURS": "2"}], indirect=True)
async def test_a_yes_after_consent_hours_is_too_late_even_before_the_sweep(harness: Harness):
    dm = await requested(harness)
    harness.services.store.clock = lambda: time.time() + 2 * 3600 + 1  # the time is up; no sweep has run yet
    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION)
    assert told is not None and "Consent: expired unanswered" in told
    await harness.slack.wait_until(lambda: "No answer from" in thread_messages(harness)[-1])
    assert (await the_consent(harness)).status is ConsentStatus.EXPIRED
    assert nothing_sent(harness)
    assert await harness.services.cloner.consent.sweep() == 0  # it was ended once, by the click


@pytest.mark.parametrize("harness", [{"CONSENT": "recorded", "CONSENT_HOURS": "2"}], indirect=True)
async def test_a_clip_read_right_after_consent_hours_is_too_late_too(harness: Harness):
    code = code_in(await requested(harness))
    harness.services.store.clock = lambda: time.time() + 2 * 3600 + 1
    await say(harness, clip(harness, "F0LATE", heard(reading(code))))
    await harness.slack.wait_until(lambda: "No answer from" in thread_messages(harness)[-1])
    consent = await the_consent(harness)
    assert (consent.status, consent.way, consent.decided_by) == (ConsentStatus.EXPIRED, None, None)
    assert nothing_sent(harness) and await harness.services.cloner.consent.sweep() == 0


@SPEAKER
async def test_a_yes_to_one_request_is_no_yes_to_the_next(harness: Harness):
    first = await requested(harness)
    _, told = await click(harness, first, ids.CONSENT_AGREE_ACTION)
    assert told is None
    await harness.slack.wait_until(lambda: len(harness.revring.received) == 1)
    second = await requested(harness, file_id="F0AGAIN", count=2)  # the same speaker and voice name
    _, told = await click(harness, first, ids.CONSENT_AGREE_ACTION)  # her first yes, clicked again
    assert told is not None and told.startswith("This request was answered already")
    [job, _] = await harness.services.store.recent_jobs(TEAM, limit=2)
    assert job.stage is Stage.AWAITING_CONSENT and job.request.file.id == "F0AGAIN"
    assert (
        buttons(second)[ids.CONSENT_AGREE_ACTION]["value"]
        == job.id
        != buttons(first)[ids.CONSENT_AGREE_ACTION]["value"]
    )
    assert len(harness.revring.received) == 1


@SPEAKER
async def test_a_slack_connect_speaker_answers_for_their_own_voice_and_nobody_for_them(harness: Harness):
    # The consent buttons are not behind the door that keeps strangers from cloning: whose voice it is answers,
    # whoever may clone. Alice cannot answer for the stranger she names.
    harness.slack.strangers.add(MALLORY)
    dm = await requested(harness, MALLORY)
    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION, user=USER)
    assert told == "Only <@U0MALLORY> can answer this: it is their voice."
    assert nothing_sent(harness)
    _, told = await click(harness, dm, ids.CONSENT_AGREE_ACTION, user=MALLORY)
    assert told is None
    await harness.slack.wait_until(lambda: len(harness.revring.received) == 1)
    assert (await the_consent(harness)).decided_by == MALLORY


# --- the clip read aloud ------------------------------------------------------------------------------------


@RECORDED
async def test_the_right_words_prove_nothing_outside_the_speakers_own_dm_clip(harness: Harness):
    code = code_in(await requested(harness))
    # Ana's own clip, right words, shared in the channel (not her DM with the bot).
    await harness.bot.share_file(clip(harness, "F0INCHANNEL", heard(reading(code))), user=ANA, channel=CHANNEL)
    # Ana's clip shared by Alice, who asked, in Alice's DM with the bot.
    await say(harness, clip(harness, "F0TAKEN", heard(reading(code))), user=USER)
    # An upload (not a clip) of Ana's whose transcription says the right words, in Ana's DM.
    upload = harness.slack.host_file(
        HostedFile("F0UPLOAD", "me.m4a", "audio/mp4", WAV, filetype="m4a", transcription=[heard(reading(code))])
    )
    upload["user"] = ANA
    await say(harness, upload)
    assert "an uploaded file can't be checked" in told_in_dm(harness)[-1]
    # Slack's file_change for a clip no consent waits on.
    await harness.bot.event(slack_payloads.file_change_event("F0TAKEN"))
    await harness.settled()
    consent = await the_consent(harness)
    assert (consent.status, consent.clip_file_id) == (ConsentStatus.WAITING, None)
    assert nothing_sent(harness) and harness.slack.calls_to("files.info") == []


@RECORDED
async def test_a_clip_that_agreed_to_one_request_does_not_agree_to_the_next(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
):
    codes = iter(["4729", "1836"])
    monkeypatch.setattr(desk_module, "new_code", lambda: next(codes))
    first = await requested(harness)
    said = clip(harness, "F0SAY", heard(reading(code_in(first))))
    await say(harness, said)
    await harness.slack.wait_until(lambda: len(harness.revring.received) == 1)
    await harness.settled()
    # The same speaker and voice name: a new request asks anew, with a new code.
    second = await requested(harness, file_id="F0AGAIN", count=2)
    assert code_in(second) == "1836"
    await say(harness, said)  # the clip that agreed before, shared again
    await harness.slack.wait_until(lambda: any("couldn't find the code" in text for text in told_in_dm(harness)))
    await harness.bot.event(slack_payloads.file_change_event("F0SAY"))
    await harness.settled()
    [job, _] = await harness.services.store.recent_jobs(TEAM, limit=2)
    consent = await harness.services.store.consent_for(job.id)
    assert consent is not None and consent.status is ConsentStatus.WAITING and job.stage is Stage.AWAITING_CONSENT
    assert len(harness.revring.received) == 1


@RECORDED
async def test_the_one_time_code_is_shown_to_the_speaker_alone(harness: Harness):
    with bot_log() as log:
        await harness.bot.command("Rachel voice=me")  # in recorded mode, even one's own voice is asked in the DM
        await harness.bot.share_file(hosted(harness))
        code = code_in(await asked(harness, USER))
        await harness.settled()
        await requested(harness, file_id="F0PAULA", name="Paula")
        listed = await harness.bot.command("list")
    spoken = "-".join(code)
    outside_dms = [
        str(c.args)
        for c in harness.slack.calls
        if c.method.startswith("chat.") and c.args.get("channel") not in (USER, ANA, DM)
    ]
    assert outside_dms and not any(spoken in text for text in outside_dms)
    assert spoken not in listed.text and not any(spoken in str(r) for r in harness.slack.responses)
    assert log.records and not any(code in str(vars(record)) for record in log.records)
    assert nothing_sent(harness)


async def test_a_clip_heard_across_a_restart_agrees_once(fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The first start stops while Slack still transcribes the clip (its re-reads are cut off); the next hears the
    transcription from the `file_change` event and clones once."""
    monkeypatch.setattr(listening, "TRANSCRIPT_WAITS", (60.0,))
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/bot.sqlite3", "CONSENT": "recorded", "SHUTDOWN_GRACE_SECONDS": "1"}
    async with running(fakes, **env) as first:
        code = code_in(await requested(first))
        await say(first, clip(first, "F0SAY", slack_payloads.transcription("processing"), heard(reading(code))))
        assert (await the_consent(first)).clip_file_id == "F0SAY"
    async with running(fakes, **env) as second:
        await second.settled()
        assert (await the_consent(second)).status is ConsentStatus.WAITING and nothing_sent(second)
        for _ in range(2):  # Slack tells it, and tells it again
            await second.bot.event(slack_payloads.file_change_event("F0SAY"))
        await second.slack.wait_until(lambda: "voice-" in thread_messages(second)[-1])
        await second.settled()
        assert (await the_consent(second)).way is ConsentWay.RECORDED
    async with running(fakes, **env) as third:
        await third.settled()
        assert len(third.revring.received) == 1


def kept_in_work_folder(temp: Path) -> list[Path]:
    [folder] = list(temp.iterdir())  # the bot's one work folder
    return list(folder.iterdir())


async def test_during_the_wait_no_audio_is_fetched_and_a_transcript_read_is_not_kept(
    fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the bot makes its work folder
    async with running(fakes, CONSENT="recorded") as bot:
        await requested(bot)
        wrong = "I u0ana agree that Acme may create an AI voice from my recordings named Rachel. Code one two"
        vtt = f"WEBVTT\n\n00:00:00.000 --> 00:00:08.900\n{wrong}\n"
        transcript = bot.slack.host_file(HostedFile("F0SAYVTT", "file.vtt", "text/vtt", vtt.encode()))
        preview = slack_payloads.transcription(content=wrong[:40], has_more=True)
        await say(bot, clip(bot, "F0SAY", preview, vtt=transcript["url_private"]))
        await bot.slack.wait_until(lambda: any("Slack heard" in text for text in told_in_dm(bot)))
        await bot.settled()
        assert len(bot.slack.download_auth) == 1  # the clip's transcript; never the recording to be cloned
        assert kept_in_work_folder(tmp_path) == []
        assert bot.revring.received == [] and (await the_consent(bot)).status is ConsentStatus.WAITING


# --- user text in the speaker's DM ------------------------------------------------------------------------


@SPEAKER
async def test_names_in_the_dm_and_the_statement_are_text_never_mentions_or_links(harness: Harness):
    harness.slack.real_names[ANA] = "Ana <!channel> <https://evil.example|Pérez> & Co"
    await ask_for(harness, name="&lt;!here&gt; &lt;@U0BOSS&gt; Rachel")  # as Slack sends what Alice typed
    dm = await asked(harness)
    await harness.settled()
    shown = str(dm.args["blocks"]) + str(dm.args["text"])
    assert "<!channel>" not in shown and "<!here>" not in shown and "<@U0BOSS>" not in shown
    assert "<https://evil.example" not in shown
    assert "Ana &lt;!channel&gt; &lt;https://evil.example|Pérez&gt; &amp; Co" in shown
    assert "*&lt;!here&gt; &lt;@U0BOSS&gt; Rachel*" in shown
    statement = (await the_consent(harness)).statement
    assert statement.startswith("I, Ana <!channel> <https://evil.example|Pérez> & Co, agree")  # kept as said
    assert not any("<!here>" in text or "<!channel>" in text for text in thread_messages(harness))


@RECORDED
async def test_what_slack_heard_is_quoted_back_as_text(harness: Harness):
    await requested(harness)
    await say(harness, clip(harness, "F0SAY", heard("<!channel> <@U0BOSS> <https://evil.example|agree>")))
    await harness.slack.wait_until(lambda: any("Slack heard" in text for text in told_in_dm(harness)))
    [retry] = [text for text in told_in_dm(harness) if "Slack heard" in text]
    assert "Slack heard “&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|agree&gt;”" in retry
    assert "<!channel>" not in retry and "<@U0BOSS>" not in retry and "<https:" not in retry
