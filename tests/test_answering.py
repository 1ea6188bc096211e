"""Slack's answer goes out as soon as a listener acknowledges: what it does afterwards never holds the answer back.
A failure after the answer is still told to the person: tests/test_database_trouble.py (a button, a file share)."""

from __future__ import annotations

import asyncio

from slack_bolt.listener.async_listener import AsyncCustomListener

from bot.app import BOLT
from bot.listeners.answering import answers_on_ack
from bot.messages import ids
from tests.conftest import CHANNEL, Harness


async def test_a_command_is_answered_before_its_dialog_opens(harness: Harness):
    harness.slack.held["views.open"] = release = asyncio.Event()
    try:
        answer = await asyncio.wait_for(harness.bot.command(""), 5)  # views.open is still waiting
        assert answer.status == 200
        assert len(await harness.slack.wait_for("views.open")) == 1
    finally:
        release.set()
    await harness.settled()
    assert harness.slack.views, "the dialog opened once Slack answered"


async def test_a_button_is_answered_before_what_it_starts_is_done(harness: Harness):
    await harness.bot.command("Rachel")  # waits for a file; its answer has the dialog button
    harness.slack.held["views.open"] = release = asyncio.Event()
    button = {"type": "button", "action_id": ids.OPEN_DIALOG_ACTION, "value": '{"name": "Rachel"}'}
    try:
        answer = await asyncio.wait_for(harness.bot.interaction(harness.bot.click_payload(button, CHANNEL)), 5)
        assert answer.status == 200
        await harness.slack.wait_for("views.open")
    finally:
        release.set()
    await harness.settled()


def test_every_listener_answers_when_it_acknowledges(harness: Harness):
    assert harness.web_app is not None
    listeners = [
        listener for listener in harness.web_app[BOLT]._async_listeners if isinstance(listener, AsyncCustomListener)
    ]
    assert listeners
    unwrapped = [listener.ack_function.__name__ for listener in listeners if not answers_on_ack(listener.ack_function)]
    assert unwrapped == [], "register listeners through bot.listeners.answering.answered"
