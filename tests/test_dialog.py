"""The Slack-native ways in: the upload dialog, the message shortcut, the dialog button and help."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests import slack_payloads
from tests.conftest import CHANNEL, USER, Harness
from tests.helpers import WAV, clones, hosted, option


def upload(harness: Harness, file_id: str = "F0UPLOAD", **details: Any) -> dict:
    """An audio file as the dialog's file input hands it over."""
    return hosted(harness, file_id, **{"name": "Rachel take 2.wav", "filetype": "wav", **details})


async def opened_view(harness: Harness, count: int = 1) -> dict[str, Any]:
    calls = await harness.slack.wait_for("views.open", count)
    return calls[-1].args["view"]


def block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


def submission(
    view: dict[str, Any],
    *,
    name: str | None = "Rachel",
    language: str = "es",
    files: list[dict] | None = None,
    consent: bool = True,
) -> dict[str, Any]:
    """The view_submission Slack sends for `view` (as the bot opened it) filled in with these values."""
    values: dict[str, Any] = {
        "name": {"value": {"type": "plain_text_input", "value": name}},
        "language": {"value": {"type": "static_select", "selected_option": option(language)}},
        "consent": {"value": {"type": "checkboxes", "selected_options": [option("yes")] if consent else []}},
    }
    if files is not None:
        values["audio"] = {"value": {"type": "file_input", "files": files}}
    return slack_payloads.view_submission(values, view=view)


async def test_command_without_a_name_opens_the_dialog_at_once(harness: Harness):
    answer = await harness.bot.command("")
    assert answer.status == 200 and not answer.text
    [call] = harness.slack.calls_to("views.open")  # opened before the command returned
    assert call.args["trigger_id"].startswith("trigger-")
    view = call.args["view"]
    assert block(view, "audio")["element"]["type"] == "file_input"
    assert block(view, "audio")["element"]["max_files"] == 1
    assert block(view, "consent")["element"]["type"] == "checkboxes"
    # No language chosen yet: left empty, a clip recorded in Slack gets the language Slack heard, else en.
    assert block(view, "language")["optional"] is True and "initial_option" not in block(view, "language")["element"]
    assert "initial_value" not in block(view, "name")["element"]


async def test_a_valid_dialog_closes_and_the_result_goes_to_the_channel(harness: Harness):
    await harness.bot.command("lang=de")
    view = await opened_view(harness)
    assert block(view, "language")["element"]["initial_option"]["value"] == "de"
    answer = await harness.bot.interaction(submission(view, files=[upload(harness)], language="es"))
    assert answer.status == 200 and not answer.body  # an empty ack closes the dialog

    [update] = await harness.slack.wait_for("chat.update")
    [progress] = harness.slack.calls_to("chat.postMessage")
    assert progress.args["channel"] == CHANNEL and "thread_ts" not in progress.args
    assert "voice-0001" in update.args["text"]
    [voice] = harness.revring.received
    assert (voice.display_name, voice.language, voice.content) == ("Rachel", "es", WAV)
    assert harness.slack.calls_to("reactions.add") == []  # no file message to react to


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"name": "   "}, "name", "Give the voice a name"),
        ({"name": None}, "name", "Give the voice a name"),
        ({"files": []}, "audio", "Attach one audio file"),
        ({"files": "pdf"}, "audio", "isn't an audio file"),
        ({"files": "huge"}, "audio", "the limit is 25 MB"),
        ({"consent": False}, "consent", "permission"),
    ],
)
async def test_dialog_problems_show_on_their_field(harness: Harness, change: dict, field: str, says: str):
    await harness.bot.command("")
    view = await opened_view(harness)
    files = [upload(harness)]
    if change.get("files") == "pdf":
        files = [hosted(harness, "F0PDF", b"%PDF-1.4 x", name="notes.pdf", mimetype="application/pdf", filetype="pdf")]
    elif change.get("files") == "huge":
        files[0]["size"] = 26 * 1024 * 1024
    elif "files" in change:
        files = change["files"]
    options = {k: v for k, v in change.items() if k != "files"}
    answer = await harness.bot.interaction(submission(view, files=files, **options))
    assert answer.body["response_action"] == "errors"
    assert list(answer.body["errors"]) == [field]
    assert says in answer.body["errors"][field]
    await harness.settled()
    assert await clones(harness) == []
    assert harness.revring.attempts == 0 and harness.slack.calls_to("chat.postMessage") == []


async def test_result_goes_to_a_dm_when_the_bot_cannot_post_in_the_channel(harness: Harness):
    harness.slack.cannot_post_in[CHANNEL] = "not_in_channel"
    await harness.bot.command("")
    view = await opened_view(harness)
    await harness.bot.interaction(submission(view, files=[upload(harness)]))
    [update] = await harness.slack.wait_for("chat.update")
    posts = harness.slack.calls_to("chat.postMessage")
    assert [p.args["channel"] for p in posts] == [CHANNEL, USER]
    assert update.args["channel"] == "D0BOTDM" and "voice-0001" in update.args["text"]


async def test_a_failure_also_reaches_the_person_in_a_dm(harness: Harness):
    harness.slack.cannot_post_in[CHANNEL] = "channel_not_found"
    harness.revring.answers = ["billing_inactive"]
    await harness.bot.command("")
    view = await opened_view(harness)
    await harness.bot.interaction(submission(view, files=[upload(harness)]))
    [update] = await harness.slack.wait_for("chat.update")
    assert update.args["channel"] == "D0BOTDM" and "billing" in update.args["text"]


def message_action(harness: Harness, message: dict[str, Any]) -> dict[str, Any]:
    return slack_payloads.message_action(message, response_url=harness.bot.response_url)


async def test_shortcut_on_audio_opens_the_dialog_with_the_file_and_answers_in_its_thread(harness: Harness):
    file = upload(harness, "F0CLIP", name="Rachel intro.m4a")
    file["mimetype"], file["filetype"] = "audio/mp4", "m4a"
    harness.slack.files["F0CLIP"].content = WAV  # the bytes decide the real type, not the name
    message = {"type": "message", "user": "U0BOB", "ts": "1699990000.000100", "text": "", "files": [file]}
    answer = await harness.bot.interaction(message_action(harness, message))
    assert answer.status == 200
    view = await opened_view(harness)
    assert block(view, "name")["element"]["initial_value"] == "Rachel intro"
    assert "file_input" not in json.dumps(view) and "Rachel intro.m4a" in json.dumps(view)

    await harness.bot.interaction(submission(view, name="Rachel", files=None))
    [update] = await harness.slack.wait_for("chat.update")
    [progress] = harness.slack.calls_to("chat.postMessage")
    assert progress.args["thread_ts"] == "1699990000.000100" and progress.args["channel"] == CHANNEL
    assert "voice-0001" in update.args["text"]
    assert harness.slack.calls_to("files.info")[0].args["file"] == "F0CLIP"
    assert harness.revring.received[0].filename == "Rachel_intro.wav"
    await harness.slack.wait_for("reactions.add", 2)
    assert {c.args["timestamp"] for c in harness.slack.calls_to("reactions.add")} == {"1699990000.000100"}


async def test_shortcut_on_a_message_without_audio_says_so(harness: Harness):
    pdf = hosted(harness, "F0PDF", b"%PDF-1.4", name="notes.pdf", mimetype="application/pdf", filetype="pdf")
    payload = message_action(
        harness, {"type": "message", "user": USER, "ts": "1699990000.000200", "text": "hi", "files": [pdf]}
    )
    answer = await harness.bot.interaction(payload)
    assert answer.status == 200
    response = await harness.slack.wait_for_response()
    assert "no audio file" in response["text"]
    await harness.settled()
    assert harness.slack.calls_to("views.open") == []


async def test_help_lists_the_ways_in_and_what_revring_needs(harness: Harness):
    for typed in ("help", "--help", "-h"):
        text = (await harness.bot.command(typed)).text
        for expected in (
            "`/clone-voice`",
            "dialog",
            "@Voice Cloner",
            "Clone voice from audio",
            "one speaker",
            "10–30 seconds",
            "MP3",
            "WebM",
            "25 MB",
        ):
            assert expected in text
    assert harness.slack.calls_to("views.open") == []


async def test_the_waiting_reply_offers_the_dialog_with_the_name_filled_in(harness: Harness):
    answer = await harness.bot.command("Rachel Green lang=fr")
    actions = next(b for b in answer.body["blocks"] if b["type"] == "actions")
    button = actions["elements"][0]
    assert button["text"]["text"] == "Upload in a dialog instead"
    assert (await harness.bot.click(button, CHANNEL)).status == 200
    view = await opened_view(harness)
    assert block(view, "name")["element"]["initial_value"] == "Rachel Green"
    assert block(view, "language")["element"]["initial_option"]["value"] == "fr"
    await harness.bot.interaction(submission(view, files=[upload(harness)], language="fr"))
    await harness.slack.wait_for("chat.update")
    assert harness.revring.received[0].display_name == "Rachel"


async def test_in_a_channel_without_the_bot_the_command_offers_the_dialog_or_invite(harness: Harness):
    harness.slack.not_member_of.add(CHANNEL)
    answer = await harness.bot.command("Rachel")
    assert "can't see files" in answer.text and "/invite @Voice Cloner" in answer.text
    assert any(b["type"] == "actions" for b in answer.body["blocks"])
    # Nothing waits for a file the bot would never see.
    harness.slack.not_member_of.clear()
    await harness.bot.share_file(upload(harness))
    await harness.settled()
    assert await clones(harness) == [] and harness.revring.attempts == 0


async def test_the_bot_remembers_it_is_in_a_channel_but_not_that_it_is_not(harness: Harness):
    harness.slack.not_member_of.add("C0OTHER")
    for _ in range(2):
        assert "can't see files" in (await harness.bot.command("Rachel", channel="C0OTHER")).text
        assert "Share an audio file" in (await harness.bot.command("Rachel")).text
    channels = [c.args["channel"] for c in harness.slack.calls_to("conversations.info")]
    assert channels.count(CHANNEL) == 1 and channels.count("C0OTHER") == 2
