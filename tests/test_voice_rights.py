"""Who may act on a voice: the person who cloned it and this workspace's own admins. An admin of another workspace,
met in a Slack Connect channel, is nobody's admin here, even where outsiders may clone (ALLOW_EXTERNAL_USERS)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.messages import agents as agents_text
from bot.messages import ids
from tests import slack_payloads
from tests.conftest import Harness
from tests.voices import Made, click, clone

STRANGER, THEIR_TEAM = "U0MALLORY", "T0OTHER"  # an admin of their own workspace, in a channel shared with ours


async def click_as_stranger(harness: Harness, made: Made, button: dict[str, Any], *, message_ts: str) -> str:
    """The stranger clicks `button` in the shared channel (Slack names their own team in `user`); the answer."""
    payload = harness.bot.click_payload(button, made.channel, message_ts=message_ts, user=STRANGER)
    payload["user"]["team_id"] = THEIR_TEAM
    before = len(harness.slack.responses)
    await harness.bot.interaction(payload)
    await harness.slack.wait_until(lambda: len(harness.slack.responses) > before)
    return str(harness.slack.responses[-1]["text"])


@pytest.mark.parametrize("harness", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_an_admin_of_another_workspace_cannot_delete_a_voice_use_it_in_an_agent_or_undo(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    # users.info: an admin (is_admin true) whose team is not this workspace.
    harness.slack.admins.add(STRANGER)
    harness.slack.user_teams[STRANGER] = THEIR_TEAM

    refusal = await click_as_stranger(harness, made, made.buttons[ids.DELETE_VOICE_ACTION], message_ts=made.ts)
    assert refusal == "Only <@U0ALICE>, who cloned this voice, or a workspace admin can delete it."
    refusal = await click_as_stranger(harness, made, made.buttons[ids.USE_IN_AGENT_ACTION], message_ts=made.ts)
    assert refusal == "Only <@U0ALICE>, who cloned this voice, or a workspace admin can use it."
    assert harness.slack.calls_to("views.open") == [] and harness.revring.agent_reads == 0

    # The agent dialog submitted by the stranger (as if they had it) is refused the same way.
    job_id = made.buttons[ids.USE_IN_AGENT_ACTION]["value"]
    dialog = {"id": "V0FORGED", **agents_text.agent_dialog("Rachel", job_id, [(agent.id, "Support line")])}
    harness.slack.views["V0FORGED"] = dialog
    element = next(b for b in dialog["blocks"] if b.get("block_id") == ids.AGENT_BLOCK)["element"]
    chosen = {"text": {"type": "plain_text", "text": "Support line"}, "value": agent.id}
    values = {ids.AGENT_BLOCK: {element["action_id"]: {"type": element["type"], "selected_option": chosen}}}
    submitted = slack_payloads.view_submission(values, view=dialog, user=STRANGER)
    submitted["user"]["team_id"] = THEIR_TEAM
    answer = await harness.bot.interaction(submitted)
    assert answer.status == 200 and answer.body["response_action"] == "update"
    [ended] = await harness.slack.wait_for("views.update")
    assert "Only <@U0ALICE>, who cloned this voice, or a workspace admin can use it." in json.dumps(ended.args)

    # Alice gives the voice to the agent herself; the stranger cannot undo it.
    await click(harness, made, ids.USE_IN_AGENT_ACTION)
    [_, filled] = await harness.slack.wait_for("views.update", 2)  # the stranger's ended, then Alice's filled
    mine = harness.slack.views[filled.args["view_id"]]
    posted = len(harness.slack.calls_to("chat.postMessage"))
    await harness.bot.interaction(slack_payloads.view_submission(values, view=mine))
    note = (await harness.slack.wait_for("chat.postMessage", posted + 1))[posted]
    [undo] = [e for b in note.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    refusal = await click_as_stranger(harness, made, undo, message_ts=note.answer["ts"])
    assert refusal == "Only <@U0ALICE>, who cloned this voice, or a workspace admin can undo changes to it."

    assert made.voice_id in harness.revring.voices and harness.revring.calls("DELETE", "/v1/voices/") == []
    assert len(harness.revring.calls("PATCH", "/v1/agents/")) == 1  # Alice's change only
    assert harness.revring.agent(agent.id).voice_id == made.voice_id


# --- in an Enterprise Grid org ------------------------------------------------------------------------------


async def click_in_grid(harness: Harness, made: Made, action: str, user: str, team: str) -> str | None:
    """`user`, whose home workspace is `team`, clicks a button of the voice's message in our workspace of the org
    (the app installed on that workspace); what they are told, or None when the bot acted instead (the voice's
    message edited, or a dialog opened)."""
    payload = slack_payloads.in_enterprise_grid(
        harness.bot.click_payload(made.buttons[action], made.channel, message_ts=made.ts, user=user)
    )
    payload["user"]["team_id"] = team
    responses = len(harness.slack.responses)
    acted = len(harness.slack.calls_to("chat.update")) + len(harness.slack.calls_to("views.open"))
    await harness.bot.interaction(payload)
    await harness.slack.wait_until(
        lambda: (
            len(harness.slack.responses) > responses
            or len(harness.slack.calls_to("chat.update")) + len(harness.slack.calls_to("views.open")) > acted
        )
    )
    return str(harness.slack.responses[-1]["text"]) if len(harness.slack.responses) > responses else None


@pytest.mark.parametrize("harness", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_in_an_org_an_admin_counts_for_their_own_workspace_or_the_whole_org_never_for_a_sibling(harness: Harness):
    slack = harness.slack
    slack.enterprise = dict(slack_payloads.ENTERPRISE)  # our workspace, T0TEAM, is in the org E0ACME
    made = await clone(harness, "Rachel", file_id="F1")
    refused = "Only <@U0ALICE>, who cloned this voice, or a workspace admin can delete it."
    # An admin of the Sales workspace of the same org (user.is_admin, not enterprise_user.is_admin).
    slack.workspace_admins.add("U0SALESADMIN")
    slack.user_teams["U0SALESADMIN"] = "T0SALES"
    assert await click_in_grid(harness, made, ids.DELETE_VOICE_ACTION, "U0SALESADMIN", "T0SALES") == refused
    # An admin and owner of another organisation, met in a shared channel.
    slack.strangers.add("U0MALLORY")
    slack.owners.add("U0MALLORY")
    slack.user_teams["U0MALLORY"] = THEIR_TEAM
    slack.user_enterprises["U0MALLORY"] = {"id": "E0OTHER", "name": "Other Org"}
    assert await click_in_grid(harness, made, ids.DELETE_VOICE_ACTION, "U0MALLORY", THEIR_TEAM) == refused
    # A stranger is nobody's admin here, whatever team users.info names.
    slack.user_teams["U0MALLORY"] = slack_payloads.TEAM
    assert await click_in_grid(harness, made, ids.DELETE_VOICE_ACTION, "U0MALLORY", slack_payloads.TEAM) == refused
    assert harness.revring.calls("DELETE", "/v1/voices/") == [] and made.voice_id in harness.revring.voices

    # An admin of the organisation counts in every workspace of it.
    slack.admins.add("U0ORGBOSS")
    slack.user_teams["U0ORGBOSS"] = "T0SUPPORT"
    assert await click_in_grid(harness, made, ids.DELETE_VOICE_ACTION, "U0ORGBOSS", "T0SUPPORT") is None
    assert made.voice_id not in harness.revring.voices
    assert "by <@U0ORGBOSS>" in slack.calls_to("chat.update")[-1].args["text"]


@pytest.mark.parametrize("harness", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_in_an_org_a_sibling_workspaces_admin_cannot_use_the_voice_in_an_agent(harness: Harness):
    harness.slack.enterprise = dict(slack_payloads.ENTERPRISE)
    harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    harness.slack.workspace_admins.add("U0SALESADMIN")
    harness.slack.user_teams["U0SALESADMIN"] = "T0SALES"
    refusal = await click_in_grid(harness, made, ids.USE_IN_AGENT_ACTION, "U0SALESADMIN", "T0SALES")
    assert refusal == "Only <@U0ALICE>, who cloned this voice, or a workspace admin can use it."
    assert harness.slack.calls_to("views.open") == [] and harness.revring.agent_reads == 0
    # An admin of the voice's own workspace may: the dialog opens.
    harness.slack.workspace_admins.add("U0ADMIN")
    payload = slack_payloads.in_enterprise_grid(
        harness.bot.click_payload(
            made.buttons[ids.USE_IN_AGENT_ACTION], made.channel, message_ts=made.ts, user="U0ADMIN"
        )
    )
    await harness.bot.interaction(payload)
    await harness.slack.wait_for("views.open")
