"""The language Slack heard: a clip recorded in Slack carries Slack's transcription (`processing` when it is shared,
`complete` a few seconds later through files.info); with no language given, the voice takes the language of its
locale and says so, and the "Cloning…" message shows the first words Slack heard. An explicit language wins."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from tests import slack_payloads, takes
from tests.conftest import TEAM, Harness
from tests.doubles.fake_slack import ApiCall, HostedFile

HEARD = "Hola, me llamo Rachel y estoy grabando esta muestra para clonar mi voz"
DEFAULT = pytest.mark.parametrize("harness", [{"QUALITY_CHECK": ""}], indirect=True)  # the check as it ships


@pytest.fixture(autouse=True)
def speech() -> None:
    takes.require_speech()


@cache
def spanish_clip() -> bytes:
    return takes.encode(takes.in_a_room(takes.speech(14.0, text=takes.SPANISH, voice="es")), "m4a")


def host_clip(harness: Harness, *states: dict[str, Any]) -> dict[str, Any]:
    """A clip recorded in Slack whose transcription goes through `states` (the share event shows the first)."""
    clip = HostedFile(
        "F0CLIP",
        "audio_message.m4a",
        "audio/mp4",
        spanish_clip(),
        filetype="m4a",
        subtype="slack_audio",
        transcription=list(states),
        extra={"duration_ms": 14000},
    )
    return harness.slack.host_file(clip)


def spanish() -> dict[str, Any]:
    return slack_payloads.transcription(locale="es-ES", content=HEARD, has_more=True)


async def answered(harness: Harness) -> ApiCall:
    """The answer the "Cloning…" message became (it may be edited once before, when Slack's transcription is in)."""
    await harness.slack.wait_until(lambda: "voice-" in str(harness.slack.thread_texts()[-1:]))
    return harness.slack.calls_to("chat.update")[-1]


async def clone(harness: Harness, file: dict[str, Any], text: str) -> tuple[str, ApiCall]:
    """Share the clip with `text`: what the "Cloning…" message said, and the answer it became."""
    await harness.bot.share_file(file, text=text)
    answer = await answered(harness)
    return "\n".join(harness.slack.thread_texts()[:-1]), answer


@DEFAULT
async def test_a_spanish_clip_without_a_language_makes_a_spanish_voice_and_says_so(harness: Harness):
    file = host_clip(
        harness, slack_payloads.transcription("processing"), slack_payloads.transcription("processing"), spanish()
    )
    assert file["transcription"] == {"status": "processing"}  # as the share event carries it
    progress, answer = await clone(harness, file, "<@UBOT> Rachel")
    assert len(harness.slack.calls_to("files.info")) == 2  # read again until Slack had finished
    [voice] = harness.revring.received
    assert voice.language == "es"
    assert "language `es` (from Slack's transcription)" in progress
    assert f"Slack heard: “{HEARD}…”" in progress
    assert "`es` (from Slack's transcription)" in str(answer.args["blocks"])
    assert "Recording: good" in str(answer.args["blocks"])
    [job] = await harness.services.store.recent_jobs(TEAM, limit=1)
    assert job.request.language == "es"  # the library shows the voice's language


@DEFAULT
async def test_lang_given_wins_over_what_slack_heard(harness: Harness):
    file = host_clip(harness, spanish())
    progress, answer = await clone(harness, file, "<@UBOT> Rachel lang=fr")
    [voice] = harness.revring.received
    assert voice.language == "fr"
    assert f"Slack heard: “{HEARD}…”" in progress  # the right clip, whatever its language
    assert "from Slack's transcription" not in progress + str(answer.args["blocks"])
    assert harness.slack.calls_to("files.info") == []  # nothing to wait for


async def test_the_command_without_lang_takes_slacks_language_too(harness: Harness):
    await harness.bot.command("Rachel")
    file = host_clip(harness, spanish())
    await harness.bot.share_file(file)
    await answered(harness)
    assert harness.revring.received[0].language == "es"


async def test_the_command_with_lang_keeps_its_language(harness: Harness):
    await harness.bot.command("Rachel lang=fr")
    await harness.bot.share_file(host_clip(harness, spanish()))
    await answered(harness)
    assert harness.revring.received[0].language == "fr"


async def test_a_failed_transcription_leaves_the_default_language(harness: Harness):
    progress, _answer = await clone(
        harness, host_clip(harness, slack_payloads.transcription("failed")), "<@UBOT> Rachel"
    )
    assert harness.revring.received[0].language == "en"
    assert "Slack" not in progress and harness.slack.calls_to("files.info") == []


async def test_an_uploaded_file_without_a_transcription_is_cloned_as_before(harness: Harness):
    file = harness.slack.host_file(HostedFile("F0UP", "memo.m4a", "audio/mp4", spanish_clip(), filetype="m4a"))
    assert "transcription" not in file
    progress, _answer = await clone(harness, file, "<@UBOT> Rachel")
    assert harness.revring.received[0].language == "en" and "Slack heard" not in progress


@pytest.mark.parametrize(("chosen", "language"), [(None, "es"), ("fr", "fr")], ids=["left-empty", "chosen"])
async def test_the_dialogs_language_field_left_empty_lets_slack_choose(
    harness: Harness, chosen: str | None, language: str
):
    file = host_clip(harness, spanish())
    message = {"type": "message", "user": "U0BOB", "ts": "1699990000.000100", "text": "", "files": [file]}
    await harness.bot.interaction(slack_payloads.message_action(message, response_url=harness.bot.response_url))
    [opened] = await harness.slack.wait_for("views.open")
    view = opened.args["view"]
    field = next(block for block in view["blocks"] if block.get("block_id") == "language")
    assert field["optional"] is True and "initial_option" not in field["element"]
    picked = None if chosen is None else {"text": {"type": "plain_text", "text": chosen}, "value": chosen}
    values = {
        "name": {"value": {"type": "plain_text_input", "value": "Rachel"}},
        "language": {"value": {"type": "static_select", "selected_option": picked}},
        "consent": {
            "value": {
                "type": "checkboxes",
                "selected_options": [{"text": {"type": "plain_text", "text": "yes"}, "value": "yes"}],
            }
        },
    }
    await harness.bot.interaction(slack_payloads.view_submission(values, view=view))
    await answered(harness)
    assert harness.revring.received[0].language == language
