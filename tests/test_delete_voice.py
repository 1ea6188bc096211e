"""*Delete*: the voice goes from RevRing once, its message says who deleted it and when, the library drops it; only
the person who cloned it or an admin may."""

from __future__ import annotations

import asyncio

import pytest

from bot.messages import ids
from tests.conftest import Harness
from tests.voices import click, click_home, clone, home_buttons, open_home, texts


async def test_the_owner_deletes_a_voice_once_and_its_message_says_so(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    button = made.buttons[ids.DELETE_VOICE_ACTION]
    assert button["confirm"]["text"]["text"] == "This deletes “Rachel” from RevRing; agents using it will stop working."
    edits = len(harness.slack.calls_to("chat.update"))
    await asyncio.gather(
        click(harness, made, ids.DELETE_VOICE_ACTION), click(harness, made, ids.DELETE_VOICE_ACTION)
    )  # a double click
    await harness.slack.wait_for("chat.update", edits + 1)
    await harness.settled()  # both clicks handled
    assert len(harness.revring.calls("DELETE", "/v1/voices/")) == 1
    assert made.voice_id not in harness.revring.voices
    [edit] = harness.slack.calls_to("chat.update")[edits:]
    assert (edit.args["channel"], edit.args["ts"]) == (made.channel, made.ts)
    assert "Voice *Rachel*" in edit.args["text"] and "deleted from RevRing by <@U0ALICE>" in edit.args["text"]
    assert "<!date^" in edit.args["text"]
    assert "actions" not in str(edit.args["blocks"])  # no buttons left on a deleted voice
    home = await open_home(harness)
    assert "Rachel" not in texts(home)


async def test_an_admin_may_delete_and_anyone_else_is_refused(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    await click(harness, made, ids.DELETE_VOICE_ACTION, user="U0MALLORY")
    refusal = await harness.slack.wait_for_response()
    assert refusal["text"] == "Only <@U0ALICE>, who cloned this voice, or a workspace admin can delete it."
    assert refusal["response_type"] == "ephemeral"
    assert harness.revring.calls("DELETE", "/v1/voices/") == [] and made.voice_id in harness.revring.voices
    harness.slack.owners.add("U0OWNER")
    edits = len(harness.slack.calls_to("chat.update"))
    await click(harness, made, ids.DELETE_VOICE_ACTION, user="U0OWNER")
    await harness.slack.wait_for("chat.update", edits + 1)
    assert made.voice_id not in harness.revring.voices
    assert "by <@U0OWNER>" in harness.slack.calls_to("chat.update")[-1].args["text"]


async def test_a_voice_already_gone_at_revring_counts_as_deleted(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    next(o for o in harness.revring.organisations.values()).voices.pop(made.voice_id)
    edits = len(harness.slack.calls_to("chat.update"))
    await click(harness, made, ids.DELETE_VOICE_ACTION)
    await harness.slack.wait_for("chat.update", edits + 1)
    assert "deleted from RevRing" in harness.slack.calls_to("chat.update")[-1].args["text"]


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("billing_inactive", "billing is inactive, so I couldn't delete *Rachel*"),
        ("rate_limited", "slow down), so I couldn't delete *Rachel*. Nothing was changed"),
        ("server_error", "I asked RevRing to delete *Rachel*, but it had a problem on its side"),
        ("invalid_body", "RevRing refused to delete *Rachel*: id: Invalid voice id"),
    ],
)
async def test_a_failed_delete_is_explained_and_can_be_tried_again(harness: Harness, mode: str, words: str):
    made = await clone(harness, "Rachel", file_id="F1")
    harness.revring.next_answers["delete_voice"] = [mode] * 3
    edits = len(harness.slack.calls_to("chat.update"))
    await click(harness, made, ids.DELETE_VOICE_ACTION)
    assert words in (await harness.slack.wait_for_response())["text"]
    assert len(harness.slack.calls_to("chat.update")) == edits
    harness.revring.next_answers["delete_voice"] = []
    await click(harness, made, ids.DELETE_VOICE_ACTION)
    await harness.slack.wait_for("chat.update", edits + 1)
    assert made.voice_id not in harness.revring.voices


async def test_a_refused_key_is_explained(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    harness.revring.keys.clear()
    await click(harness, made, ids.DELETE_VOICE_ACTION)
    assert "RevRing turned down the bot's API key" in (await harness.slack.wait_for_response())["text"]


async def test_deleting_from_the_home_tab_drops_it_from_the_library(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    await clone(harness, "Adam", file_id="F2")
    home = await open_home(harness)
    button = next(
        b
        for b in home_buttons(home, ids.DELETE_VOICE_ACTION)
        if b["value"] == made.buttons[ids.DELETE_VOICE_ACTION]["value"]
    )
    published = len(harness.slack.calls_to("views.publish"))
    await click_home(harness, home, button)
    [refreshed] = (await harness.slack.wait_for("views.publish", published + 1))[published:]
    assert "Rachel" not in texts(refreshed.args["view"]) and "Adam" in texts(refreshed.args["view"])
    assert made.voice_id not in harness.revring.voices
    assert "deleted from RevRing" in harness.slack.calls_to("chat.update")[-1].args["text"]


async def test_someone_else_refused_in_the_home_tab_is_told_in_a_modal(harness: Harness):
    await clone(harness, "Rachel", file_id="F1")
    home = await open_home(harness, "U0MALLORY")
    [button] = home_buttons(home, ids.DELETE_VOICE_ACTION)
    await click_home(harness, home, button, user="U0MALLORY")
    [notice] = await harness.slack.wait_for("views.open")
    assert "can delete it" in str(notice.args["view"]["blocks"])
    assert harness.revring.calls("DELETE", "/v1/voices/") == []


async def test_the_list_command_marks_a_deleted_voice(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    edits = len(harness.slack.calls_to("chat.update"))
    await click(harness, made, ids.DELETE_VOICE_ACTION)
    await harness.slack.wait_for("chat.update", edits + 1)
    listed = await harness.bot.command("list")
    assert f"`{made.voice_id}` · deleted" in listed.text
