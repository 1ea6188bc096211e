"""A person clones a voice: command then file, file then command, or a file that mentions the bot."""

from __future__ import annotations

import pytest

from tests.conftest import CHANNEL, USER, Harness
from tests.helpers import WAV, clones, hosted


async def finished(harness: Harness) -> dict:
    """Wait for the progress message to be edited into the result; return the edit."""
    [update] = await harness.slack.wait_for("chat.update")
    return update.args


def result_text(update: dict) -> str:
    return update["text"] + " " + str(update.get("blocks"))


async def test_command_then_file_clones_it_with_that_name(harness: Harness):
    answer = await harness.bot.command("Rachel")
    assert answer.status == 200
    assert "Share an audio file" in answer.text and "*Rachel*" in answer.text
    assert harness.revring.received == []

    reply, ts = await harness.bot.share_file(hosted(harness))
    assert reply.status == 200
    update = await finished(harness)

    [voice] = harness.revring.received
    assert voice.display_name == "Rachel"
    assert voice.language == "en"
    assert voice.content == WAV
    assert voice.filename == "rachel.wav" and voice.content_type == "audio/wav"
    assert "voice-0001" in result_text(update)
    [progress] = harness.slack.calls_to("chat.postMessage")
    assert progress.args["thread_ts"] == ts and progress.args["channel"] == CHANNEL
    assert "Cloning *Rachel*" in progress.args["text"]
    assert update["ts"] == "1700000000.000001"  # the progress message, edited in place
    await harness.slack.wait_for("reactions.add", 2)
    assert [c.args["name"] for c in harness.slack.calls_to("reactions.add")] == [
        "hourglass_flowing_sand",
        "white_check_mark",
    ]
    assert all(c.args["timestamp"] == ts for c in harness.slack.calls_to("reactions.add"))


async def test_file_then_command_clones_the_file_just_shared(harness: Harness):
    reply, ts = await harness.bot.share_file(hosted(harness))
    assert reply.status == 200
    await harness.settled()  # the share is remembered after Slack's request was acknowledged
    assert harness.slack.calls_to("chat.postMessage") == []  # a file alone makes no noise

    answer = await harness.bot.command("Rachel Green lang=es")
    assert "rachel.wav" in answer.text and "*Rachel Green*" in answer.text
    update = await finished(harness)
    [voice] = harness.revring.received
    assert (voice.display_name, voice.language) == ("Rachel Green", "es")
    assert "voice-0001" in result_text(update) and "`es`" in result_text(update)
    assert harness.slack.calls_to("chat.postMessage")[0].args["thread_ts"] == ts


async def test_file_in_a_thread_is_answered_in_that_thread(harness: Harness):
    await harness.bot.command("Rachel")
    _, _ts = await harness.bot.share_file(hosted(harness), thread_ts="1699000000.000100")
    await finished(harness)
    assert harness.slack.calls_to("chat.postMessage")[0].args["thread_ts"] == "1699000000.000100"


async def test_mention_with_a_name_clones_at_once(harness: Harness):
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel Green lang=fr")
    update = await finished(harness)
    [voice] = harness.revring.received
    assert (voice.display_name, voice.language) == ("Rachel Green", "fr")
    assert "voice-0001" in result_text(update)


async def test_mention_then_command_does_not_clone_twice(harness: Harness):
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel")
    await finished(harness)
    answer = await harness.bot.command("Rachel")
    assert "Share an audio file" in answer.text
    assert len(harness.revring.received) == 1


@pytest.mark.parametrize("harness", [{"REVRING_DEFAULT_LANGUAGE": "de"}], indirect=True)
async def test_default_language_comes_from_settings(harness: Harness):
    await harness.bot.command("Rachel")
    await harness.bot.share_file(hosted(harness))
    await finished(harness)
    assert harness.revring.received[0].language == "de"


async def test_a_bad_language_code_is_explained_and_nothing_waits(harness: Harness):
    answer = await harness.bot.command("Rachel lang=<!channel>")
    assert "isn't a language code" in answer.text
    assert "<!channel>" not in answer.text
    await harness.bot.share_file(hosted(harness))
    await harness.settled()
    assert await clones(harness) == [] and harness.revring.received == []


async def test_help_shows_usage(harness: Harness):
    for text in ("help", "--help"):
        answer = await harness.bot.command(text)
        assert "/clone-voice Rachel" in answer.text
    assert harness.revring.received == []


async def test_audio_from_someone_else_is_left_alone(harness: Harness):
    await harness.bot.command("Rachel")
    await harness.bot.share_file(hosted(harness), user="U0BOB")
    await harness.settled()
    assert await clones(harness) == []
    assert harness.revring.received == [] and harness.slack.calls_to("chat.postMessage") == []
    # Alice's command still waits for her own file.
    await harness.bot.share_file(hosted(harness, "F0ALICE"), user=USER)
    await finished(harness)
    assert len(harness.revring.received) == 1


async def test_audio_in_another_channel_is_left_alone(harness: Harness):
    await harness.bot.command("Rachel")
    await harness.bot.share_file(hosted(harness), channel="C0ELSEWHERE")
    await harness.settled()
    assert await clones(harness) == []
    assert harness.revring.received == [] and harness.slack.calls_to("chat.postMessage") == []


async def test_plain_messages_and_file_shared_events_are_acknowledged_quietly(harness: Harness):
    plain = await harness.bot.event({"type": "message", "text": "hello", "user": USER, "channel": CHANNEL, "ts": "1.2"})
    shared = await harness.bot.event({"type": "file_shared", "file_id": "F1", "user_id": USER, "channel_id": CHANNEL})
    assert (plain.status, shared.status) == (200, 200)
    await harness.settled()
    assert [c.method for c in harness.slack.calls if c.method != "auth.test"] == []


async def test_a_retried_delivery_is_cloned_once(harness: Harness):
    await harness.bot.command("Rachel")
    file = hosted(harness)
    await harness.bot.share_file(file, ts="1699999999.000777", event_id="EvSAME")
    await harness.bot.share_file(file, ts="1699999999.000777", event_id="EvSAME", retry_num=1)
    await finished(harness)
    await harness.settled()  # the redelivery handled too
    assert await clones(harness) == ["Rachel"]
    assert len(harness.revring.received) == 1
    assert len(harness.slack.calls_to("chat.postMessage")) == 1


async def test_names_and_file_names_cannot_ping_anyone(harness: Harness):
    answer = await harness.bot.command("&lt;!channel&gt; &lt;@U123&gt; &amp; co")
    assert "<!channel>" not in answer.text and "&lt;!channel&gt;" in answer.text
    await harness.bot.share_file(hosted(harness, name="<!here>.wav"))
    update = await finished(harness)
    assert harness.revring.received[0].display_name == "<!channel> <@U123> & co"
    for text in [*harness.slack.thread_texts(), str(update["blocks"])]:
        assert "<!" not in text and "<@" not in text


async def test_a_mention_with_a_bad_language_is_told_privately(harness: Harness):
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel lang=klingon!")
    [note] = await harness.slack.wait_for("chat.postEphemeral")
    assert note.args["user"] == USER and "isn't a language code" in note.args["text"]
    await harness.settled()
    assert await clones(harness) == [] and harness.revring.attempts == 0


async def test_a_mention_answers_a_waiting_command_too(harness: Harness):
    await harness.bot.command("Old name")
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Rachel")
    await harness.slack.wait_for("chat.update")
    await harness.bot.share_file(hosted(harness, "F2"))  # later audio, no mention: left alone
    await harness.settled()
    assert await clones(harness) == ["Rachel"]
    assert [v.display_name for v in harness.revring.received] == ["Rachel"]
