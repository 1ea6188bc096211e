"""AGENT_UPDATES=admins (issue 20 §2): *Use in an agent* changes what a live agent sounds like on calls, so a
workspace may keep it for its admins and owners. The voice's maker is refused (the button, a forged dialog, *Undo*);
an admin may. And the setting is read as documented: on, admins or off."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from bot.config import AgentUpdates, ConfigError, Settings
from bot.messages import agents as agents_text
from bot.messages import ids
from tests.conftest import Harness, make_env
from tests.test_use_in_agent import choose
from tests.voices import Made, click, clone

ADMINS_ONLY = agents_text.agent_updates_admins_only()
FAKES = SimpleNamespace(api_url="http://127.0.0.1:9/")  # settings only: nothing is called


async def dialog_for(harness: Harness, made: Made, user: str) -> dict[str, Any]:
    """`user` clicks *Use in an agent*; the dialog once the bot has filled it in."""
    opened, updated = len(harness.slack.calls_to("views.open")), len(harness.slack.calls_to("views.update"))
    await click(harness, made, ids.USE_IN_AGENT_ACTION, user=user)
    await harness.slack.wait_for("views.open", opened + 1)
    filled = (await harness.slack.wait_for("views.update", updated + 1))[updated]
    return harness.slack.views[filled.args["view_id"]]


@pytest.mark.parametrize("harness", [{"AGENT_UPDATES": "admins"}], indirect=True)
async def test_with_agent_updates_admins_only_an_admin_gives_a_voice_to_an_agent_or_undoes_it(harness: Harness):
    agent = harness.revring.add_agent("Support line", "revring-adam")
    made = await clone(harness, "Rachel", file_id="F1")  # by U0ALICE, no admin
    assert ids.USE_IN_AGENT_ACTION in made.buttons  # shown: admins use it too

    # The maker clicks it: told, and no dialog, no agent read.
    await click(harness, made, ids.USE_IN_AGENT_ACTION)
    assert (await harness.slack.wait_for_response())["text"] == ADMINS_ONLY
    assert harness.slack.calls_to("views.open") == [] and harness.revring.agent_reads == 0

    # An admin's dialog, submitted by the maker (forged): refused, the agent unchanged.
    harness.slack.admins.add("U0CAROL")
    dialog = await dialog_for(harness, made, user="U0CAROL")
    assert ADMINS_ONLY in await choose(harness, dialog, agent.id)
    assert harness.revring.calls("PATCH", "/v1/agents/") == []

    # The admin gives it (from a dialog of her own: that one was used); the maker cannot undo it, the admin can.
    posted = len(harness.slack.calls_to("chat.postMessage"))
    dialog = await dialog_for(harness, made, user="U0CAROL")
    assert "now speaks with *Rachel*" in await choose(harness, dialog, agent.id, user="U0CAROL")
    note = (await harness.slack.wait_for("chat.postMessage", posted + 1))[posted]
    [undo] = [e for b in note.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    responses = len(harness.slack.responses)
    await harness.bot.click(undo, made.channel, message_ts=note.answer["ts"])
    await harness.slack.wait_until(lambda: len(harness.slack.responses) > responses)
    assert harness.slack.responses[-1]["text"] == ADMINS_ONLY
    assert harness.revring.agent(agent.id).voice_id == made.voice_id
    edits = len(harness.slack.calls_to("chat.update"))
    await harness.bot.click(undo, made.channel, message_ts=note.answer["ts"], user="U0CAROL")
    await harness.slack.wait_for("chat.update", edits + 1)
    assert harness.revring.agent(agent.id).voice_id == "revring-adam"


@pytest.mark.parametrize(
    ("given", "read"),
    [
        (None, AgentUpdates.ON),
        ("on", AgentUpdates.ON),
        ("true", AgentUpdates.ON),
        ("Admins", AgentUpdates.ADMINS),
        ("off", AgentUpdates.OFF),
        ("false", AgentUpdates.OFF),
    ],
)
def test_agent_updates_is_on_admins_or_off(given: str | None, read: AgentUpdates):
    env = make_env(FAKES, FAKES, **({"AGENT_UPDATES": given} if given else {}))
    settings = Settings.from_env(env)
    assert settings.agent_updates_mode is read
    assert settings.agent_updates is (read is not AgentUpdates.OFF)  # whether the button is shown


def test_a_wrong_agent_updates_says_what_it_takes():
    with pytest.raises(ConfigError) as wrong:
        Settings.from_env(make_env(FAKES, FAKES, AGENT_UPDATES="maybe"))
    assert wrong.value.problems == ["AGENT_UPDATES must be on, admins or off (default on); it is 'maybe'."]
