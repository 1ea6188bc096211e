"""*Use in an agent*: the dialog that picks one of the organisation's RevRing agents, what the voice's thread says
when an agent speaks with it (and *Undo*), and why a voice cannot be given to an agent."""

from __future__ import annotations

from typing import Any

from bot.messages.ids import (
    AGENT_BLOCK,
    AGENT_DIALOG_CALLBACK_ID,
    AGENT_SEARCH_ACTION,
    FIELD_ACTION,
    UNDO_AGENT_CHANGE_ACTION,
)
from bot.messages.library import notice_modal
from bot.messages.mrkdwn import bold, escape, person

AGENT_DIALOG_TITLE = "Use in an agent"
MAX_STATIC_OPTIONS = 100


def agents_loading_modal(name: str) -> dict[str, Any]:
    return notice_modal(
        AGENT_DIALOG_TITLE, f":hourglass_flowing_sand: Looking up your RevRing agents for {bold(name)}…"
    )


def _agent_option(agent_id: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label[:75]}, "value": agent_id[:150]}


def agent_option_label(agent_name: str, current_voice: str | None) -> str:
    """`Support line (now: Rachel)`: an agent and the voice it speaks with now (a name we know, else its id)."""
    now = current_voice if current_voice else "no voice"
    return f"{agent_name or 'Unnamed agent'} (now: {now})"


def agent_options(labels: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """(agent id, label) pairs as select options."""
    return [_agent_option(agent_id, label) for agent_id, label in labels]


def agent_dialog(name: str, metadata: str, labels: list[tuple[str, str]]) -> dict[str, Any]:
    """Pick the agent: a static select, or a searchable external one past Slack's 100 options."""
    if len(labels) <= MAX_STATIC_OPTIONS:
        element: dict[str, Any] = {"type": "static_select", "action_id": FIELD_ACTION, "options": agent_options(labels)}
    else:
        element = {"type": "external_select", "action_id": AGENT_SEARCH_ACTION, "min_query_length": 0}
    element["placeholder"] = {"type": "plain_text", "text": "Choose an agent"}
    return {
        "type": "modal",
        "callback_id": AGENT_DIALOG_CALLBACK_ID,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": AGENT_DIALOG_TITLE},
        "submit": {"type": "plain_text", "text": "Use this voice"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": (
                        f"Which RevRing agent should speak with {bold(name)}? Its current voice is replaced; "
                        "you can undo it from the voice's thread."
                    ),
                },
            },
            {
                "type": "input",
                "block_id": AGENT_BLOCK,
                "label": {"type": "plain_text", "text": "Agent"},
                "element": element,
            },
        ],
    }


def no_agents(name: str) -> str:
    return (
        f"Your RevRing organisation has no agents yet, so there is nothing to give {bold(name)} to. "
        "Create an agent in the RevRing dashboard (*Agents → New agent*), then press *Use in an agent* again."
    )


def agent_working() -> str:
    return ":hourglass_flowing_sand: Giving the voice to that agent…"


def agent_dialog_needs_agent() -> str:
    return "Choose an agent."


def agent_gone() -> str:
    return "That agent no longer exists in RevRing. Close this and press *Use in an agent* again to pick another."


def agent_now_speaks(agent_name: str, name: str, previous_voice_id: str | None) -> str:
    before = f"it used `{escape(previous_voice_id)}` before" if previous_voice_id else "it had no voice before"
    return f"Agent {bold(agent_name)} now speaks with {bold(name)} ({before})"


def agent_now_speaks_blocks(
    agent_name: str, name: str, previous_voice_id: str | None, change_id: str, user_id: str
) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": (
                    f":telephone_receiver: {agent_now_speaks(agent_name, name, previous_voice_id)}, "
                    f"set by {person(user_id)}."
                ),
            },
        },
    ]
    if previous_voice_id:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": UNDO_AGENT_CHANGE_ACTION,
                        "value": change_id,
                        "text": {"type": "plain_text", "text": "Undo"},
                    },
                ],
            }
        )
    return blocks


def agent_already_speaks(agent_name: str, name: str) -> str:
    return f"Agent {bold(agent_name)} already speaks with {bold(name)}; nothing to change."


def agent_change_done(agent_name: str, name: str, previous_voice_id: str | None) -> str:
    done = agent_now_speaks(agent_name, name, previous_voice_id)
    return f":white_check_mark: {done}. *Undo* is in the voice's thread."


def agent_change_undone(agent_name: str, previous_voice_id: str, user_id: str) -> str:
    return (
        f":leftwards_arrow_with_hook: Agent {bold(agent_name)} speaks with `{escape(previous_voice_id)}` "
        f"again: {person(user_id)} undid the change."
    )


def agent_change_already_undone() -> str:
    return "That change was already undone."


def agent_change_gone() -> str:
    return "I no longer have a record of that change, so I can't undo it. Set the agent's voice in RevRing instead."


def voice_not_ready(name: str, status: str) -> str:
    return (
        f"{bold(name)} can't be given to an agent yet: RevRing says its status is {bold(status)}, not ready. "
        "Wait until it is ready (or clone it again if it failed)."
    )


def agent_updates_off() -> str:
    return "Giving voices to agents from Slack is turned off here (the bot's `AGENT_UPDATES` setting)."


def agent_updates_admins_only() -> str:
    """AGENT_UPDATES=admins: giving voices to agents (and undoing it) is for admins."""
    return (
        "Only a workspace admin or owner can give voices to agents here, or undo that (the bot's `AGENT_UPDATES` "
        "setting is `admins`)."
    )


def agent_updates_not_allowed(voice_id: str) -> str:
    return (
        "This RevRing account cannot update agents through the API, so I couldn't give it the voice. "
        f"Paste this voiceId into the agent's settings in the RevRing dashboard instead: `{escape(voice_id)}`"
    )
