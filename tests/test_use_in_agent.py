"""*Use in an agent*: the dialog of the workspace's agents, the agent's voiceId changed at RevRing, the change told
in the voice's thread with *Undo*; and every way it is refused or fails."""

from __future__ import annotations

import json

import pytest
from aiohttp import web

from bot.messages import agents as agents_text
from bot.messages import ids
from tests import slack_payloads
from tests.conftest import USER, Harness
from tests.doubles.fake_slack import HostedFile
from tests.voices import WAV, Made, click, click_home, clone, home_buttons, open_home


async def dialog_for(harness: Harness, made: Made, *, user: str = USER) -> dict:
    """Click *Use in an agent*; return the dialog once the bot has filled it in (views.update)."""
    updated = len(harness.slack.calls_to("views.update"))
    await click(harness, made, ids.USE_IN_AGENT_ACTION, user=user)
    [opened] = await harness.slack.wait_for("views.open")
    assert "Looking up your RevRing agents" in json.dumps(opened.args["view"])
    calls = await harness.slack.wait_for("views.update", updated + 1)
    view_id = calls[updated].args["view_id"]
    return harness.slack.views[view_id]


async def choose(harness: Harness, dialog: dict, agent_id: str, *, user: str = USER) -> str:
    """Submit the dialog with `agent_id` chosen; return the text the dialog ends on."""
    element = next(b for b in dialog["blocks"] if b.get("block_id") == ids.AGENT_BLOCK)["element"]
    option = next(
        (o for o in element.get("options", []) if o["value"] == agent_id),
        {"text": {"type": "plain_text", "text": agent_id}, "value": agent_id},
    )
    values = {ids.AGENT_BLOCK: {element["action_id"]: {"type": element["type"], "selected_option": option}}}
    updated = len(harness.slack.calls_to("views.update"))
    answer = await harness.bot.interaction(slack_payloads.view_submission(values, view=dialog, user=user))
    assert answer.status == 200 and answer.body["response_action"] == "update"
    calls = await harness.slack.wait_for("views.update", updated + 1)
    return json.dumps(calls[updated].args["view"]["blocks"])


def options(dialog: dict) -> list[tuple[str, str]]:
    element = next(b for b in dialog["blocks"] if b.get("block_id") == ids.AGENT_BLOCK)["element"]
    return [(o["value"], o["text"]["text"]) for o in element["options"]]


async def test_use_in_an_agent_changes_its_voice_tells_the_thread_and_undo_restores_it(harness: Harness):
    support = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    sales = harness.revring.add_agent("Sales", made.voice_id)
    dialog = await dialog_for(harness, made)
    assert dialog["callback_id"] == ids.AGENT_DIALOG_CALLBACK_ID
    assert options(dialog) == [(support.id, "Support line (now: revring-adam)"), (sales.id, "Sales (now: Rachel)")]

    posted = len(harness.slack.calls_to("chat.postMessage"))
    result = await choose(harness, dialog, support.id)
    assert harness.revring.agent(support.id).voice_id == made.voice_id
    [patch] = harness.revring.calls("PATCH", "/v1/agents/")
    assert patch.json == {"voiceId": made.voice_id}
    assert "Agent *Support line* now speaks with *Rachel* (it used `revring-adam` before)" in result
    note = (await harness.slack.wait_for("chat.postMessage", posted + 1))[posted]
    assert (note.args["channel"], note.args["thread_ts"]) == (made.channel, made.thread_ts)
    assert "Agent *Support line* now speaks with *Rachel* (it used `revring-adam` before)" in note.args["text"]
    [undo] = [e for b in note.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert undo["action_id"] == ids.UNDO_AGENT_CHANGE_ACTION

    note_ts = "1700000000.000777"  # where Slack shows the note; the click carries it
    edits = len(harness.slack.calls_to("chat.update"))
    for _ in range(2):  # a double click is one undo
        await harness.bot.click(undo, made.channel, message_ts=note_ts)
    await harness.slack.wait_for("chat.update", edits + 1)
    await harness.settled()  # both clicks handled
    assert harness.revring.agent(support.id).voice_id == "revring-adam"
    assert len(harness.revring.calls("PATCH", "/v1/agents/")) == 2
    [edit] = harness.slack.calls_to("chat.update")[edits:]
    assert edit.args["ts"] == note_ts and "speaks with `revring-adam` again" in edit.args["text"]


async def test_someone_else_is_refused_and_nothing_changes(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    await click(harness, made, ids.USE_IN_AGENT_ACTION, user="U0MALLORY")
    refusal = await harness.slack.wait_for_response()
    assert "Only <@U0ALICE>, who cloned this voice, or a workspace admin" in refusal["text"]
    await harness.settled()
    assert harness.slack.calls_to("views.open") == [] and harness.revring.agent_reads == 0
    # A submission of the dialog by someone else (as if they had it) is refused the same way.
    job_id = made.buttons[ids.USE_IN_AGENT_ACTION]["value"]
    dialog = agents_text.agent_dialog("Rachel", job_id, [(agent.id, "Support line")])
    harness.slack.views["V0FORGED"] = {"id": "V0FORGED", **dialog}
    result = await choose(harness, harness.slack.views["V0FORGED"], agent.id, user="U0MALLORY")
    assert "Only <@U0ALICE>" in result
    assert harness.revring.agent(agent.id).voice_id == "revring-adam"
    assert harness.revring.calls("PATCH", "/v1/agents/") == []


async def test_a_workspace_admin_may(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    harness.slack.admins.add("U0ADMIN")
    dialog = await dialog_for(harness, made, user="U0ADMIN")
    await choose(harness, dialog, agent.id, user="U0ADMIN")
    assert harness.revring.agent(agent.id).voice_id == made.voice_id


async def test_a_voice_that_is_not_ready_is_refused_with_its_status(harness: Harness):
    harness.revring.add_agent("Support line", "revring-adam")
    harness.revring.answers = [
        web.json_response(
            {
                "data": {
                    "id": "voice-slow",
                    "displayName": "Rachel",
                    "language": "en",
                    "source": "cloned",
                    "status": "processing",
                }
            },
            status=201,
        )
    ]
    file = harness.slack.host_file(HostedFile("F1", "a.wav", "audio/wav", WAV))
    await harness.bot.share_file(file, text="<@UBOT> Rachel")
    [answer] = await harness.slack.wait_for("chat.update")
    button = next(
        e
        for b in answer.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.USE_IN_AGENT_ACTION
    )
    await harness.bot.click(button, answer.args["channel"], message_ts=answer.args["ts"])
    refusal = await harness.slack.wait_for_response()
    assert "RevRing says its status is *processing*, not ready" in refusal["text"]
    await harness.settled()
    assert harness.slack.calls_to("views.open") == [] and harness.revring.agent_reads == 0


async def test_405_says_the_account_cannot_update_agents_and_shows_the_voice_id(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    dialog = await dialog_for(harness, made)
    harness.revring.next_answers["update_agent"] = ["not_allowed"]
    result = await choose(harness, dialog, agent.id)
    assert "cannot update agents through the API" in result and f"`{made.voice_id}`" in result
    assert harness.revring.agent(agent.id).voice_id == "revring-adam"


@pytest.mark.parametrize(
    ("mode", "words"),
    [
        ("invalid_body", "RevRing refused to give agent *Support line* the voice: voiceId: Unknown voice"),
        ("billing_inactive", "billing is inactive"),
        ("not_found", "That agent no longer exists in RevRing"),
        ("rate_limited", "RevRing is busy right now"),
        ("server_error", "it may or may not have happened"),
    ],
)
async def test_revrings_failures_on_the_update_are_told_in_the_dialog(harness: Harness, mode: str, words: str):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    dialog = await dialog_for(harness, made)
    harness.revring.next_answers["update_agent"] = [mode] * 3
    result = await choose(harness, dialog, agent.id)
    assert words in result
    assert "Undo" not in json.dumps([c.args for c in harness.slack.calls_to("chat.postMessage")])


async def test_a_refused_key_when_listing_agents_is_told_in_the_dialog(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    harness.revring.keys.clear()  # the key no longer works: 401
    dialog = await dialog_for(harness, made)
    assert "RevRing turned down the bot's API key" in json.dumps(dialog["blocks"])
    assert "submit" not in dialog


async def test_no_agents_says_how_to_create_one(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    dialog = await dialog_for(harness, made)
    assert "no agents yet" in json.dumps(dialog["blocks"]) and "New agent" in json.dumps(dialog["blocks"])
    assert "submit" not in dialog


async def test_past_100_agents_the_dialog_searches(harness: Harness):
    for n in range(101):
        harness.revring.add_agent(f"Agent {n:03d}", "revring-adam")
    support = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    dialog = await dialog_for(harness, made)
    element = next(b for b in dialog["blocks"] if b.get("block_id") == ids.AGENT_BLOCK)["element"]
    assert element["type"] == "external_select" and "options" not in element
    found = await harness.bot.interaction(slack_payloads.block_suggestion("supp", dialog))
    assert found.body == {
        "options": [{"text": {"type": "plain_text", "text": "Support line (now: revring-adam)"}, "value": support.id}]
    }
    everything = await harness.bot.interaction(slack_payloads.block_suggestion("", dialog))
    assert len(everything.body["options"]) == 100
    await choose(harness, dialog, support.id)
    assert harness.revring.agent(support.id).voice_id == made.voice_id


async def test_from_the_home_tab_too(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    home = await open_home(harness)
    [button] = home_buttons(home, ids.USE_IN_AGENT_ACTION)
    await click_home(harness, home, button)
    [update] = await harness.slack.wait_for("views.update")
    await choose(harness, harness.slack.views[update.args["view_id"]], agent.id)
    assert harness.revring.agent(agent.id).voice_id == made.voice_id


async def test_an_undo_that_fails_can_be_tried_again_and_others_may_not_undo(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    posted = len(harness.slack.calls_to("chat.postMessage"))
    await choose(harness, await dialog_for(harness, made), agent.id)
    note = (await harness.slack.wait_for("chat.postMessage", posted + 1))[posted]
    [undo] = [e for b in note.args["blocks"] if b["type"] == "actions" for e in b["elements"]]

    await harness.bot.click(undo, made.channel, message_ts="1700000000.000777", user="U0MALLORY")
    assert "Only <@U0ALICE>" in (await harness.slack.wait_for_response())["text"]
    harness.revring.next_answers["update_agent"] = ["billing_inactive"]
    await harness.bot.click(undo, made.channel, message_ts="1700000000.000777")
    await harness.slack.wait_until(lambda: len(harness.slack.responses) == 2)
    assert "give agent *Support line* its old voice back" in harness.slack.responses[-1]["text"]
    assert harness.revring.agent(agent.id).voice_id == made.voice_id
    edits = len(harness.slack.calls_to("chat.update"))
    await harness.bot.click(undo, made.channel, message_ts="1700000000.000777")
    await harness.slack.wait_for("chat.update", edits + 1)
    assert harness.revring.agent(agent.id).voice_id == "revring-adam"


async def test_an_agent_that_already_speaks_with_the_voice_is_left_alone(harness: Harness):
    made = await clone(harness, "Rachel", file_id="F1")
    agent = harness.revring.add_agent("Sales", made.voice_id)
    result = await choose(harness, await dialog_for(harness, made), agent.id)
    assert "already speaks with *Rachel*" in result
    assert harness.revring.calls("PATCH", "/v1/agents/") == []
