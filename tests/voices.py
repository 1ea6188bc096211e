"""Voices made through the real bot for the library tests, and the buttons Slack shows with them."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any

from tests import slack_payloads
from tests.conftest import CHANNEL, USER, Answer, Harness
from tests.doubles.fake_slack import HostedFile
from tests.helpers import WAV


@dataclass
class Made:
    """A voice the bot answered: its id at RevRing, the answer message (channel, ts) and its buttons."""

    name: str
    voice_id: str
    channel: str
    ts: str
    thread_ts: str
    buttons: dict[str, dict[str, Any]]  # action_id -> the button as the bot sent it


async def clone(
    harness: Harness, name: str, *, user: str = USER, file_id: str = "F0AUDIO", channel: str = CHANNEL
) -> Made:
    """Share a clip mentioning the bot with `name`; wait for its answer."""
    done_before = len(harness.slack.calls_to("chat.update"))
    published_before = len(harness.slack.calls_to("views.publish"))
    file = harness.slack.host_file(HostedFile(file_id, f"{file_id}.wav", "audio/wav", WAV))
    _, thread_ts = await harness.bot.share_file(file, text=f"<@UBOT> {name}", user=user, channel=channel)
    updates = await harness.slack.wait_for("chat.update", done_before + 1)
    answer = updates[done_before].args
    buttons = {
        element["action_id"]: element
        for block in answer["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }
    # The requester's Home is refreshed beside the answer: wait for it, so later counts are the test's own.
    await harness.slack.wait_for("views.publish", published_before + 1)
    voice_id = next(v.id for v in harness.revring.voices.values() if v.display_name == name)
    return Made(name, voice_id, answer["channel"], answer["ts"], thread_ts, buttons)


async def click(harness: Harness, made: Made, action_id: str, *, user: str = USER) -> Answer:
    """`user` clicks a button of the voice's answer message (after Slack's confirmation, for Delete)."""
    return await harness.bot.click(made.buttons[action_id], made.channel, message_ts=made.ts, user=user)


async def open_home(harness: Harness, user: str = USER, *, tab: str = "home") -> dict[str, Any]:
    """`user` opens the app's Home tab; returns the view published for them."""
    published = len(harness.slack.calls_to("views.publish"))
    envelope = slack_payloads.app_home_opened(
        user=user, tab=tab, event_id=f"EvHOME{time.monotonic_ns()}", event_time=int(time.time())
    )
    answer = await harness.bot.post(json.dumps(envelope), "application/json")
    assert answer.status == 200
    if tab != "home":
        return {}
    calls = await harness.slack.wait_for("views.publish", published + 1)
    return calls[published].args["view"]


def home_buttons(home: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    return [
        element
        for block in home["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == action_id
    ]


async def click_home(harness: Harness, home: dict[str, Any], button: dict[str, Any], *, user: str = USER) -> Answer:
    return await harness.bot.interaction(slack_payloads.block_actions_in_home(button, home, user=user))


def texts(home: dict[str, Any]) -> str:
    return json.dumps(home["blocks"])
