"""Attacks on the trust boundaries of one workspace, over HTTP, each as an attacker would try it: someone who is
not the owner clicks the buttons of someone else's voice, failed clone, agent change and designed candidate; a
Slack Connect stranger does, with and without ALLOW_EXTERNAL_USERS; a click whose payload names a team users.info
does not; forged values; double clicks and replays. Each asserts the refusal and that nothing changed at RevRing.
(Two workspaces and Enterprise Grid: tests/test_attacks_workspaces.py.)"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from bot.messages import access as access_text
from bot.messages import agents as agents_text
from bot.messages import clone as clone_text
from bot.messages import ids
from bot.records import AgentChange
from tests import slack_payloads
from tests.conftest import CHANNEL, USER, Harness
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import ApiCall
from tests.helpers import hosted
from tests.test_design import button_of, designed, save_buttons
from tests.test_use_in_agent import choose, dialog_for
from tests.voices import Made, clone

ONLY_MAKER = "Only <@U0ALICE>, who cloned this voice, or a workspace admin can {verb} it."
ONLY_DESIGNER = "Only <@U0ALICE>, who asked for this design, or a workspace admin can save it."
MALLORY, OTHER_TEAM = "U0MALLORY", "T0OTHER"


@dataclass
class Scene:
    """Alice's things in the channel, each with the button anyone there can see."""

    made: Made  # a voice, given to an agent
    agent_id: str
    undo: tuple[dict[str, Any], str]  # the Undo button and the ts of its note
    retry: tuple[dict[str, Any], str]  # a failed clone's Try again and the ts of its answer
    save: tuple[dict[str, Any], str]  # a designed candidate's Save as a voice… and its message


def revring_state(revring: FakeRevRing) -> tuple[Any, ...]:
    """Everything an attack could change at RevRing: voices, agents, and every call that writes."""
    agents = {a.id: a.voice_id for o in revring.organisations.values() for a in o.agents.values()}
    return (sorted(revring.voices), agents, revring.attempts, len(revring.calls("DELETE")), len(revring.calls("PATCH")))


def first_button(call: ApiCall) -> dict[str, Any]:
    return next(b for b in call.args["blocks"] if b["type"] == "actions")["elements"][0]


async def scene(harness: Harness) -> Scene:
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    posted = len(harness.slack.calls_to("chat.postMessage"))
    await choose(harness, await dialog_for(harness, made), agent.id)
    note = (await harness.slack.wait_for("chat.postMessage", posted + 1))[posted]
    harness.revring.answers = ["billing_inactive"]
    updates = len(harness.slack.calls_to("chat.update"))
    await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Paula")
    await harness.slack.wait_until(
        lambda: any("billing is inactive" in c.args["text"] for c in harness.slack.calls_to("chat.update")[updates:])
    )
    failed = next(c for c in harness.slack.calls_to("chat.update")[updates:] if "billing" in c.args["text"])
    await designed(harness)
    await harness.slack.wait_until(lambda: bool(save_buttons(harness)))
    [candidate, *_] = save_buttons(harness)
    await harness.settled()
    return Scene(
        made,
        agent.id,
        (first_button(note), note.answer["ts"]),
        (first_button(failed), failed.args["ts"]),
        (button_of(candidate), candidate.answer["ts"]),
    )


async def attempt(
    harness: Harness, button: dict[str, Any], ts: str, user: str, *, team: str | None = None, channel: str = CHANNEL
) -> str:
    """`user` clicks `button` in the channel (the payload naming `team` as theirs); what they are told."""
    payload = harness.bot.click_payload(button, channel, message_ts=ts, user=user)
    if team is not None:
        payload["user"]["team_id"] = team
    before = len(harness.slack.responses)
    assert (await harness.bot.interaction(payload)).status == 200
    await harness.slack.wait_until(lambda: len(harness.slack.responses) > before)
    return str(harness.slack.responses[-1]["text"])


async def every_button(harness: Harness, seen: Scene, user: str, team: str | None = None) -> list[str]:
    made = seen.made
    return [
        await attempt(harness, made.buttons[ids.DELETE_VOICE_ACTION], made.ts, user, team=team),
        await attempt(harness, made.buttons[ids.USE_IN_AGENT_ACTION], made.ts, user, team=team),
        await attempt(harness, *seen.undo, user, team=team),
        await attempt(harness, *seen.retry, user, team=team),
        await attempt(harness, *seen.save, user, team=team),
    ]


NOT_THEIRS = [
    ONLY_MAKER.format(verb="delete"),
    ONLY_MAKER.format(verb="use"),
    ONLY_MAKER.format(verb="undo changes to"),
    clone_text.retry_not_yours(),
    ONLY_DESIGNER,
]


# --- who clicks ---------------------------------------------------------------------------------------------


async def test_a_plain_member_is_refused_every_button_of_someone_elses(harness: Harness):
    seen = await scene(harness)
    before = revring_state(harness.revring)
    assert await every_button(harness, seen, "U0BOB") == NOT_THEIRS
    await harness.settled()
    assert revring_state(harness.revring) == before
    assert [
        c for c in harness.slack.calls_to("views.open") if c.args["view"].get("callback_id") == ids.SAVE_CALLBACK_ID
    ] == []


async def test_a_stranger_is_stopped_at_the_door_without_allow_external_users(harness: Harness):
    seen = await scene(harness)
    harness.slack.strangers.add(MALLORY)
    harness.slack.owners.add(MALLORY)  # an owner of their own workspace
    harness.slack.user_teams[MALLORY] = OTHER_TEAM
    before, opened = revring_state(harness.revring), len(harness.slack.calls_to("views.open"))
    assert await every_button(harness, seen, MALLORY, OTHER_TEAM) == [access_text.external_user_refused()] * 5
    await harness.settled()
    assert revring_state(harness.revring) == before and len(harness.slack.calls_to("views.open")) == opened


@pytest.mark.parametrize("harness", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_with_allow_external_users_a_strangers_owner_flag_counts_for_nothing(harness: Harness):
    seen = await scene(harness)
    harness.slack.strangers.add(MALLORY)
    harness.slack.owners.add(MALLORY)
    harness.slack.user_teams[MALLORY] = OTHER_TEAM
    before = revring_state(harness.revring)
    assert await every_button(harness, seen, MALLORY, OTHER_TEAM) == NOT_THEIRS
    await harness.settled()
    assert revring_state(harness.revring) == before


@pytest.mark.parametrize("harness", [{}, {"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_a_payload_naming_our_team_does_not_make_an_outsider_one_of_ours(harness: Harness):
    """Slack's users.info says Mallory is an admin of another workspace (no is_stranger flag); the click's payload
    says her team is ours. What users.info says wins: she is a guest, and nobody's admin here."""
    seen = await scene(harness)
    harness.slack.admins.add(MALLORY)
    harness.slack.user_teams[MALLORY] = OTHER_TEAM
    before = revring_state(harness.revring)
    told = await every_button(harness, seen, MALLORY, slack_payloads.TEAM)
    assert told == (NOT_THEIRS if harness.settings.allow_external_users else [access_text.external_user_refused()] * 5)
    await harness.settled()
    assert revring_state(harness.revring) == before


async def test_a_refused_stranger_who_forges_the_key_buttons_is_shown_no_library(harness: Harness):
    """The RevRing key's buttons skip the door (admins not on an allowlist must reach them); a stranger sending
    them anyway gets their Home back: why they may not use the bot, never the workspace's voices."""
    await clone(harness, "Rachel", file_id="F1")
    harness.slack.strangers.add(MALLORY)
    harness.slack.user_teams[MALLORY] = OTHER_TEAM
    for action in (ids.REVRING_CONNECT_ACTION, ids.REVRING_REMOVE_ACTION):
        published = len(harness.slack.calls_to("views.publish"))
        button = {"action_id": action, "type": "button", "value": "x", "text": {"type": "plain_text", "text": "x"}}
        await harness.bot.interaction(slack_payloads.block_actions_in_home(button, user=MALLORY))
        [home] = (await harness.slack.wait_for("views.publish", published + 1))[published:]
        shown = json.dumps(home.args["view"])
        assert home.args["user_id"] == MALLORY and access_text.external_user_refused() in shown
        assert "Rachel" not in shown and "voice-0001" not in shown


# --- forged values ------------------------------------------------------------------------------------------


async def test_forged_ids_in_button_values_find_nothing_to_act_on(harness: Harness):
    seen = await scene(harness)
    before = revring_state(harness.revring)
    failed_job = seen.retry[0]["value"]
    for value in (failed_job, "nope", "", "' OR 1=1 --", "x" * 5000):  # a job with no voice, then made-up ids
        for action in (ids.DELETE_VOICE_ACTION, ids.USE_IN_AGENT_ACTION):
            told = await attempt(harness, {**seen.made.buttons[action], "value": value}, seen.made.ts, USER)
            assert "no longer in the voice library" in told
        assert await attempt(harness, {**seen.undo[0], "value": value}, seen.undo[1], USER) == (
            agents_text.agent_change_gone()
        )
    voice_job = seen.made.buttons[ids.DELETE_VOICE_ACTION]["value"]
    assert await attempt(harness, {**seen.retry[0], "value": voice_job}, seen.retry[1], USER) == (
        clone_text.retry_already_cloned("Rachel", seen.made.voice_id)
    )
    assert await attempt(harness, {**seen.retry[0], "value": "nope"}, seen.retry[1], USER) == (
        clone_text.retry_request_gone()
    )
    await harness.settled()
    assert revring_state(harness.revring) == before


async def test_bobs_agent_dialog_naming_alices_voice_in_its_metadata_is_refused(harness: Harness):
    seen = await scene(harness)
    before = revring_state(harness.revring)
    forged = {
        "id": "V0FORGED",
        **agents_text.agent_dialog(
            "Rachel", seen.made.buttons[ids.USE_IN_AGENT_ACTION]["value"], [(seen.agent_id, "Support line")]
        ),
    }
    harness.slack.views["V0FORGED"] = forged
    assert ONLY_MAKER.format(verb="use") in await choose(harness, forged, seen.agent_id, user="U0BOB")
    assert revring_state(harness.revring) == before


async def search_as(harness: Harness, job_id: str, agent_id: str, user: str, typed: str = "") -> dict[str, Any]:
    """`user` types `typed` in the agent search of a dialog for the voice `job_id`, as if they had been shown it."""
    dialog = {"id": "V0FORGED", **agents_text.agent_dialog("Rachel", job_id, [(agent_id, "Support line")])}
    return (await harness.bot.interaction(slack_payloads.block_suggestion(typed, dialog, user=user))).body


async def test_the_agent_search_of_a_dialog_never_shown_lists_no_agents(harness: Harness):
    """The agent dialog's search (past 100 agents) names every agent of the RevRing account and the voice it speaks
    with. Bob sends it for a dialog naming Alice's voice, as if he had been shown it: nothing."""
    seen = await scene(harness)
    job_id, reads = seen.made.buttons[ids.USE_IN_AGENT_ACTION]["value"], harness.revring.agent_reads
    assert await search_as(harness, job_id, seen.agent_id, "U0BOB") == {"options": []}
    assert harness.revring.agent_reads == reads
    found = await search_as(harness, job_id, seen.agent_id, USER, "supp")  # Alice may: a refusal is not a search
    assert [o["value"] for o in found["options"]] == [seen.agent_id]


@pytest.mark.parametrize("harness", [{"AGENT_UPDATES": "admins"}, {"AGENT_UPDATES": "off"}], indirect=True)
async def test_the_agent_search_follows_agent_updates(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")
    job_id = made.buttons[ids.DELETE_VOICE_ACTION]["value"]
    harness.slack.admins.add("U0CAROL")
    assert await search_as(harness, job_id, agent.id, USER) == {"options": []}  # the maker, no admin
    found = await search_as(harness, job_id, agent.id, "U0CAROL")
    admins = harness.settings.agent_updates
    assert [o["value"] for o in found["options"]] == ([agent.id] if admins else [])
    assert harness.revring.agent_reads == (1 if admins else 0)


# --- double clicks and replays ------------------------------------------------------------------------------


async def test_double_clicks_and_replays_act_once(harness: Harness):
    seen = await scene(harness)
    made, slack, revring = seen.made, harness.slack, harness.revring
    # Try again, twice at once: one clone; then again once it made its voice: told so, nothing sent.
    await asyncio.gather(*(harness.bot.click(seen.retry[0], CHANNEL, message_ts=seen.retry[1]) for _ in range(2)))
    await slack.wait_until(lambda: "Paula" in {v.display_name for v in revring.voices.values()})
    await harness.settled()
    assert revring.attempts == 3  # Rachel, Paula's failure, Paula once more
    paula = next(v.id for v in revring.voices.values() if v.display_name == "Paula")
    await slack.wait_until(lambda: any(paula in c.args["text"] for c in slack.calls_to("chat.update")))
    assert await attempt(harness, *seen.retry, USER) == clone_text.retry_already_cloned("Paula", paula)
    # Undo, twice at once, then replayed: the agent's old voice back once.
    undos = await asyncio.gather(*(harness.bot.click(seen.undo[0], CHANNEL, message_ts=seen.undo[1]) for _ in range(2)))
    assert [u.status for u in undos] == [200, 200]
    await harness.settled()
    assert revring.agent(seen.agent_id).voice_id == "revring-adam" and len(revring.calls("PATCH")) == 2
    assert await attempt(harness, *seen.undo, USER) == agents_text.agent_change_already_undone()
    # Delete, twice at once, then replayed: one DELETE.
    delete = made.buttons[ids.DELETE_VOICE_ACTION]
    await asyncio.gather(*(harness.bot.click(delete, CHANNEL, message_ts=made.ts) for _ in range(2)))
    await harness.settled()
    assert len(revring.calls("DELETE")) == 1 and made.voice_id not in revring.voices
    assert await attempt(harness, delete, made.ts, USER) == "*Rachel* has already been deleted."
    assert len(revring.calls("DELETE")) == 1


async def test_a_save_dialog_submitted_twice_makes_one_voice(harness: Harness):
    seen = await scene(harness)
    opened = len(harness.slack.calls_to("views.open"))
    await harness.bot.click(seen.save[0], CHANNEL, message_ts=seen.save[1])
    view = (await harness.slack.wait_for("views.open", opened + 1))[opened].args["view"]
    values = {ids.NAME_BLOCK: {ids.FIELD_ACTION: {"type": "plain_text_input", "value": "Support"}}}
    submissions = await asyncio.gather(
        *(harness.bot.interaction(slack_payloads.view_submission(values, view=view)) for _ in range(2))
    )
    await harness.slack.wait_until(lambda: any(v.display_name == "Support" for v in harness.revring.voices.values()))
    await harness.settled()
    assert sorted(str(s.body) for s in submissions)[0] == "None"  # one closed the dialog
    assert [v.display_name for v in harness.revring.received].count("Support") == 1
    replay = await harness.bot.interaction(slack_payloads.view_submission(values, view=view))
    assert replay.body["errors"][ids.NAME_BLOCK] in (
        "That candidate is already being saved (or just was): the result is in the design thread.",
    )
    assert [v.display_name for v in harness.revring.received].count("Support") == 1


# --- AGENT_UPDATES=off --------------------------------------------------------------------------------------


@pytest.mark.parametrize("harness", [{"AGENT_UPDATES": "off"}], indirect=True)
async def test_with_agent_updates_off_an_old_undo_button_changes_no_agent(harness: Harness):
    """A change made while AGENT_UPDATES was on, its Undo still in the thread after the operator turned it off:
    README says Undo follows the setting, so nobody may, not even who made the change."""
    agent = harness.revring.add_agent("Support line", "revring-rachel")
    made = await clone(harness, "Rachel", file_id="F1")
    change = AgentChange(
        "c0ffee0000000001",
        slack_payloads.TEAM,
        made.buttons[ids.DELETE_VOICE_ACTION]["value"],
        agent.id,
        "Support line",
        made.voice_id,
        "revring-adam",
        USER,
        time.time(),
    )
    await harness.services.store.record_agent_change(change)
    undo = next(
        e
        for b in agents_text.agent_now_speaks_blocks("Support line", "Rachel", "revring-adam", change.id, USER)
        if b["type"] == "actions"
        for e in b["elements"]
    )
    harness.slack.admins.add("U0CAROL")
    for user in (USER, "U0CAROL"):
        assert await attempt(harness, undo, "1700000000.000777", user) == agents_text.agent_updates_off()
    await harness.settled()
    assert harness.revring.calls("PATCH") == [] and harness.revring.agent(agent.id).voice_id == "revring-rachel"
