"""Who may save a designed candidate (issue 20 §2): the person who asked for the design, or an admin of its
workspace; anyone else is told so in a line and nothing goes to RevRing, whether they click *Save as a voice…* or
submit the dialog they never were shown. An admin of another organisation is nobody's admin here."""

from __future__ import annotations

from typing import Any

import pytest

from bot.messages import ids
from tests import slack_payloads
from tests.conftest import CHANNEL, Harness
from tests.helpers import option
from tests.test_design import button_of, click_save, designed, save_buttons

ONLY = "Only <@U0ALICE>, who asked for this design, or a workspace admin can save it."


def save_values(name: str) -> dict[str, Any]:
    return {
        ids.NAME_BLOCK: {ids.FIELD_ACTION: {"type": "plain_text_input", "value": name}},
        ids.LANGUAGE_BLOCK: {ids.FIELD_ACTION: {"type": "static_select", "selected_option": option("en")}},
    }


async def submit_as(harness: Harness, view: dict[str, Any], user: str, name: str, *, team: str | None = None) -> Any:
    """`user` submits the *Save as a voice…* dialog `view` (as the bot opened it for someone); Slack's answer."""
    payload = slack_payloads.view_submission(save_values(name), view=view, user=user)
    if team is not None:
        payload["user"]["team_id"] = team
    return (await harness.bot.interaction(payload)).body


async def test_only_who_asked_for_the_design_or_an_admin_saves_a_candidate(harness: Harness):
    await designed(harness)  # by U0ALICE
    first, second = save_buttons(harness)[:2]

    # Bob clicks *Save as a voice…*: told who may, in a line; no dialog.
    await click_save(harness, first, user="U0BOB")
    response = await harness.slack.wait_for_response()
    assert (response["text"], response["response_type"]) == (ONLY, "ephemeral")
    assert harness.slack.calls_to("views.open") == []

    # Bob submits the dialog Alice was shown (a forged submission): refused on its field.
    await click_save(harness, first)
    [opened] = await harness.slack.wait_for("views.open")
    view = opened.args["view"]
    assert await submit_as(harness, view, "U0BOB", "Stolen") == {
        "response_action": "errors",
        "errors": {ids.NAME_BLOCK: ONLY},
    }

    # An admin of the workspace may save someone's candidate, from the button or the dialog.
    harness.slack.admins.add("U0CAROL")
    await click_save(harness, second, user="U0CAROL")
    [_, carols] = await harness.slack.wait_for("views.open", 2)
    assert await submit_as(harness, carols.args["view"], "U0CAROL", "Support line") is None
    await harness.slack.wait_until(lambda: any("voice-0001" in t for t in harness.slack.thread_texts()))
    assert [voice.display_name for voice in harness.revring.received] == ["Support line"]  # Bob's never went


@pytest.mark.parametrize("harness", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_an_admin_of_another_organisation_cannot_save_a_candidate(harness: Harness):
    await designed(harness)
    first = save_buttons(harness)[0]
    harness.slack.strangers.add("U0MALLORY")  # an owner of their own workspace, in a channel shared with ours
    harness.slack.owners.add("U0MALLORY")
    harness.slack.user_teams["U0MALLORY"] = "T0OTHER"
    click = harness.bot.click_payload(button_of(first), CHANNEL, message_ts=first.answer["ts"], user="U0MALLORY")
    click["user"]["team_id"] = "T0OTHER"
    await harness.bot.interaction(click)
    assert (await harness.slack.wait_for_response())["text"] == ONLY
    await click_save(harness, first)
    [opened] = await harness.slack.wait_for("views.open")
    answer = await submit_as(harness, opened.args["view"], "U0MALLORY", "Stolen", team="T0OTHER")
    assert answer == {"response_action": "errors", "errors": {ids.NAME_BLOCK: ONLY}}
    assert harness.revring.received == [] and harness.revring.attempts == 0
