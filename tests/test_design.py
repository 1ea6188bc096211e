"""A person designs voices from words (`/clone-voice design …` or the Home tab's button), plays the previews in
Slack and saves one: the save is a clone of the uploaded preview, through the same pipeline as any clone."""

from __future__ import annotations

import base64
import time
from typing import Any

import pytest
from aiohttp import web

from bot.messages import ids
from tests import slack_payloads
from tests.conftest import CHANNEL, USER, Answer, Harness
from tests.doubles.fake_slack import ApiCall
from tests.doubles.revring_state import preview_wav
from tests.helpers import clones, option
from tests.voices import click_home, home_buttons, open_home

DESCRIPTION = "a warm & calm voice, <!channel> mid-thirties"
TYPED = "a warm &amp; calm voice, &lt;!channel&gt; mid-thirties"  # what Slack sends for DESCRIPTION


def save_buttons(harness: Harness) -> list[ApiCall]:
    """The messages with a *Save as a voice…* button, in order."""
    return [
        call
        for call in harness.slack.calls_to("chat.postMessage")
        if ids.SAVE_CANDIDATE_ACTION in str(call.args.get("blocks"))
    ]


def button_of(call: ApiCall) -> dict[str, Any]:
    actions = next(block for block in call.args["blocks"] if block["type"] == "actions")
    return actions["elements"][0]


async def designed(harness: Harness, typed: str = TYPED, count: int = 3) -> ApiCall:
    """Design from the command; wait for the thread's status to be set; return the thread's first message."""
    answer = await harness.bot.command(f"design {typed}")
    assert answer.status == 200 and f"Designing {count} voices" in answer.text
    await harness.slack.wait_for("chat.update")
    return harness.slack.calls_to("chat.postMessage")[0]


async def click_save(harness: Harness, button_message: ApiCall, **kwargs: Any) -> None:
    channel = button_message.answer["channel"]
    await harness.bot.click(button_of(button_message), channel, message_ts=button_message.answer["ts"], **kwargs)


async def submit_save(harness: Harness, *, name: str = "Support line", language: str = "es", count: int = 1):
    [*_, opened] = await harness.slack.wait_for("views.open", count)
    view = opened.args["view"]
    assert view["callback_id"] == ids.SAVE_CALLBACK_ID
    values = {
        "name": {"value": {"type": "plain_text_input", "value": name}},
        "language": {"value": {"type": "static_select", "selected_option": option(language)}},
    }
    return await harness.bot.interaction(slack_payloads.view_submission(values, view=view))


# --- designing --------------------------------------------------------------------------------------------


async def click_design_on_home(harness: Harness) -> Answer:
    """Open the Home tab as Slack does (app_home_opened) and click the *Design a voice* button it shows."""
    home = await open_home(harness)
    [button] = home_buttons(home, ids.DESIGN_DIALOG_ACTION)
    return await click_home(harness, home, button)


async def test_the_command_posts_a_thread_with_each_preview_uploaded_and_a_save_button(harness: Harness):
    parent = await designed(harness)
    [design] = harness.revring.designs
    assert (design.instruction, design.n) == (DESCRIPTION, 3)  # what the person typed, not Slack's entities

    assert parent.args["channel"] == CHANNEL and "thread_ts" not in parent.args
    for shown in (parent.args["text"], str(parent.args["blocks"])):
        assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown and "warm &amp; calm" in shown
    thread = parent.answer["ts"]

    uploads = harness.slack.completed_uploads()
    assert [upload.content for upload in uploads] == design.candidates  # exactly RevRing's audio, in its order
    assert all((u.channel_id, u.thread_ts) == (CHANNEL, thread) for u in uploads)
    assert [u.filename for u in uploads] == ["voice-design-1.wav", "voice-design-2.wav", "voice-design-3.wav"]
    assert harness.slack.upload_auth == [None, None, None]  # the bot token never goes to the upload URL

    buttons = save_buttons(harness)
    assert len(buttons) == 3 and all(b.args["thread_ts"] == thread for b in buttons)
    assert len({button_of(b)["value"] for b in buttons}) == 3
    # Each button comes after its own preview.
    methods = [
        c.method for c in harness.slack.calls if c.method in ("files.completeUploadExternal", "chat.postMessage")
    ]
    assert methods == ["chat.postMessage"] + ["files.completeUploadExternal", "chat.postMessage"] * 3
    [status] = harness.slack.calls_to("chat.update")
    assert status.args["ts"] == thread and "Save as a voice…" in status.args["text"]
    assert harness.revring.received == []  # nothing is a voice until it is saved


async def test_the_format_comes_from_the_bytes_and_a_preview_that_is_not_audio_is_left_out(harness: Harness):
    wav, duration_ms = preview_wav(0, 6.0)
    candidates = [
        {
            "index": 0,
            "audioBase64": base64.b64encode(b"%PDF-1.4 not audio" * 50).decode(),
            "durationMs": 6000,
            "sampleRate": 8000,
        },
        {"index": 1, "audioBase64": base64.b64encode(wav).decode(), "durationMs": duration_ms, "sampleRate": 8000},
    ]
    harness.revring.next_answers["design_voice"] = [web.json_response({"data": {"candidates": candidates}})]
    await designed(harness)
    [upload] = harness.slack.completed_uploads()
    assert upload.content == wav and upload.filename == "voice-design-2.wav"
    assert any("candidate 1 isn't audio I can play" in text for text in harness.slack.thread_texts())
    assert len(save_buttons(harness)) == 1


async def test_the_home_tab_button_opens_the_dialog_and_the_design_goes_to_the_dm(harness: Harness):
    answer = await click_design_on_home(harness)
    assert answer.status == 200
    [opened] = await harness.slack.wait_for("views.open")
    view = opened.args["view"]
    assert view["callback_id"] == ids.DESIGN_CALLBACK_ID
    count = next(b for b in view["blocks"] if b.get("block_id") == ids.COUNT_BLOCK)["element"]
    assert [o["value"] for o in count["options"]] == ["1", "2", "3", "4"] and count["initial_option"]["value"] == "3"

    values = {
        "description": {"value": {"type": "plain_text_input", "value": DESCRIPTION}},
        "count": {"value": {"type": "static_select", "selected_option": option("2")}},
    }
    answer = await harness.bot.interaction(slack_payloads.view_submission(values, view=view))
    assert answer.status == 200 and not answer.body  # the dialog closes
    await harness.slack.wait_for("chat.update")
    [design] = harness.revring.designs
    assert (design.instruction, design.n) == (DESCRIPTION, 2)
    parent = harness.slack.calls_to("chat.postMessage")[0]
    assert parent.args["channel"] == USER and parent.answer["channel"] == "D0BOTDM"
    uploads = harness.slack.completed_uploads()
    assert [u.content for u in uploads] == design.candidates
    assert all((u.channel_id, u.thread_ts) == ("D0BOTDM", parent.answer["ts"]) for u in uploads)


async def test_where_the_bot_cannot_post_the_design_goes_to_the_dm_and_says_so(harness: Harness):
    harness.slack.cannot_post_in[CHANNEL] = "not_in_channel"
    await designed(harness)
    response = await harness.slack.wait_for_response()
    assert "in our DM" in response["text"]
    assert {u.channel_id for u in harness.slack.completed_uploads()} == {"D0BOTDM"}


# --- descriptions RevRing would refuse ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("design", "Describe the voice"),
        ("design    ", "Describe the voice"),
        ("design " + "x" * 2001, "2,001 characters long; RevRing takes up to 2,000"),
        ("design " + "😀" * 1001, "2,002 characters long"),  # RevRing counts as JavaScript does: an emoji is two
    ],
)
async def test_an_empty_or_too_long_description_is_answered_with_usage_and_nothing_is_sent(
    harness: Harness, typed: str, says: str
):
    answer = await harness.bot.command(typed)
    assert says in answer.text and "/clone-voice design <description>" in answer.text
    await harness.settled()
    assert harness.revring.designs == [] and harness.revring.calls("POST") == []
    assert harness.slack.calls_to("chat.postMessage") == []


@pytest.mark.parametrize(("description", "says"), [("   ", "Describe the voice"), ("y" * 2001, "2,001 characters")])
async def test_the_dialog_shows_a_bad_description_on_its_field(harness: Harness, description: str, says: str):
    await click_design_on_home(harness)
    [opened] = await harness.slack.wait_for("views.open")
    values = {
        "description": {"value": {"type": "plain_text_input", "value": description}},
        "count": {"value": {"type": "static_select", "selected_option": option("3")}},
    }
    answer = await harness.bot.interaction(slack_payloads.view_submission(values, view=opened.args["view"]))
    assert answer.body["response_action"] == "errors" and says in answer.body["errors"]["description"]
    await harness.settled()
    assert harness.revring.designs == [] and harness.slack.calls_to("chat.postMessage") == []


# --- RevRing's errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "says"),
    [
        (["invalid_body"], "couldn't design voices from that description: instruction: could not design a voice"),
        (["401"], "turned down the bot's API key"),  # a response of its own per run: one is sent only once
        (["billing_inactive"], "billing is inactive"),
        (["not_found"], "can't design voices through the API"),
        (["not_allowed"], "can't design voices through the API"),
        (["rate_limited"] * 10, "RevRing is busy right now"),
        (["server_error"], "RevRing had a problem on its side"),
        (["slow"], "RevRing didn't answer in time"),  # REVRING_TIMEOUT is 2 seconds in the tests
        (["bad_json"], "couldn't read"),
    ],
)
async def test_each_design_error_gets_its_own_sentence_in_the_thread(harness: Harness, answers: list, says: str):
    harness.revring.next_answers["design_voice"] = [
        web.json_response({"error": "unauthorized"}, status=401) if answer == "401" else answer for answer in answers
    ]
    parent = await designed(harness)
    harness.revring.release_slow.set()
    [status] = harness.slack.calls_to("chat.update")
    assert status.args["ts"] == parent.answer["ts"]
    assert says in status.args["text"] and ":x:" in status.args["text"]
    assert "Traceback" not in status.args["text"] and "HTTP" not in status.args["text"]
    assert harness.slack.uploads == {} and save_buttons(harness) == []


async def test_without_a_connected_revring_key_the_person_is_told_an_admin_must_connect_it(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
):
    async def no_key(team_id: str | None, enterprise_id: str | None = None) -> None:
        return None

    monkeypatch.setattr(harness.services.revring, "client_for", no_key)
    answer = await harness.bot.command(f"design {TYPED}")
    assert "an admin needs to connect RevRing in the app's Home tab" in answer.text
    await harness.settled()
    assert harness.revring.requests == [] and harness.slack.calls_to("chat.postMessage") == []


# --- saving a candidate ------------------------------------------------------------------------------------


async def test_saving_a_candidate_clones_its_preview_once_and_answers_in_the_thread(harness: Harness):
    parent = await designed(harness)
    [design] = harness.revring.designs
    second = save_buttons(harness)[1]
    await click_save(harness, second)
    answer = await submit_save(harness)
    assert answer.status == 200 and not answer.body

    await harness.slack.wait_until(lambda: any("voice-0001" in t for t in harness.slack.thread_texts()))
    [voice] = harness.revring.received
    assert voice.content == design.candidates[1]  # exactly the candidate's audio
    assert (voice.display_name, voice.language, voice.filename) == ("Support line", "es", "voice-design-2.wav")
    thread = parent.answer["ts"]
    progress = next(c for c in harness.slack.calls_to("chat.postMessage") if "Cloning" in c.args["text"])
    assert (progress.args["channel"], progress.args["thread_ts"]) == (CHANNEL, thread)
    [done] = [c for c in harness.slack.calls_to("chat.update") if "voice-0001" in c.args["text"]]
    assert done.args["ts"] == progress.answer["ts"]
    assert "works best" not in str(done.args["blocks"])  # no advice about a recording's length for a design
    await harness.slack.wait_for("reactions.add", 2)
    assert {c.args["timestamp"] for c in harness.slack.calls_to("reactions.add")} == {second.answer["ts"]}

    # Saved again (a double click, a second dialog): one voice, and the person is told.
    await click_save(harness, second)
    again = await submit_save(harness, count=2)
    assert "already being saved" in again.body["errors"]["name"]
    assert len(harness.revring.calls("POST", "/v1/voices")) - len(harness.revring.designs) == 1


@pytest.mark.parametrize("harness", [{"CLONES_PER_HOUR": "2"}], indirect=True)
async def test_a_save_counts_toward_the_hourly_limit(harness: Harness):
    await designed(harness)
    for count, call in enumerate(save_buttons(harness), start=1):
        await click_save(harness, call)
        answer = await submit_save(harness, name=f"Voice {count}", count=count)
        if count < 3:
            assert not answer.body
    assert "You've started 2 clones in the last hour" in answer.body["errors"]["name"]
    await harness.slack.wait_until(lambda: sum("created" in t for t in harness.slack.thread_texts()) == 2)
    assert len(harness.revring.received) == 2


async def test_an_expired_candidate_says_so_and_nothing_is_sent(harness: Harness):
    await designed(harness)
    first, second = save_buttons(harness)[:2]
    store = harness.services.store
    await click_save(harness, first)  # the dialog opens within the hour…
    await harness.slack.wait_for("views.open")
    store.clock = lambda: time.time() + 3601  # …and the hour is over before it is submitted
    answer = await submit_save(harness)
    assert "has expired" in answer.body["errors"]["name"]

    await click_save(harness, second)  # a click after the hour opens nothing
    response = await harness.slack.wait_for_response()
    assert "has expired" in response["text"] and "Nothing was sent to RevRing" in response["text"]
    assert len(harness.slack.calls_to("views.open")) == 1
    await harness.settled()
    assert await clones(harness) == []
    assert harness.revring.received == [] and harness.revring.attempts == 0


async def test_a_candidate_belongs_to_its_workspace(harness: Harness):
    await designed(harness)
    click = harness.bot.click_payload(
        button_of(save_buttons(harness)[0]), CHANNEL, message_ts=save_buttons(harness)[0].answer["ts"]
    )
    click["team"]["id"] = "T0OTHER"
    await harness.bot.interaction(click)
    response = await harness.slack.wait_for_response()
    assert "has expired" in response["text"]
    await harness.settled()
    assert harness.slack.calls_to("views.open") == []


# --- who may ----------------------------------------------------------------------------------------------


async def test_an_outsider_cannot_design_or_save(harness: Harness):
    await designed(harness)
    harness.slack.strangers.add("U0MALLORY")
    answer = await harness.bot.command(f"design {TYPED}", user="U0MALLORY")
    assert "only for members of this workspace" in answer.text
    await harness.bot.click(
        button_of(save_buttons(harness)[0]), CHANNEL, user="U0MALLORY", message_ts=save_buttons(harness)[0].answer["ts"]
    )
    response = await harness.slack.wait_for_response()
    assert "only for members of this workspace" in response["text"]
    await harness.settled()
    assert len(harness.revring.designs) == 1 and harness.slack.calls_to("views.open") == []


async def test_a_refused_design_dialog_shows_the_refusal_on_its_description(harness: Harness):
    await click_design_on_home(harness)
    [opened] = await harness.slack.wait_for("views.open")
    harness.slack.strangers.add("U0MALLORY")
    values = {
        "description": {"value": {"type": "plain_text_input", "value": DESCRIPTION}},
        "count": {"value": {"type": "static_select", "selected_option": option("3")}},
    }
    submitted = slack_payloads.view_submission(values, view=opened.args["view"], user="U0MALLORY")
    answer = await harness.bot.interaction(submitted)
    assert list(answer.body["errors"]) == ["description"]
    await harness.settled()
    assert harness.revring.designs == []
