"""Why a library call to RevRing (list the agents, give an agent a voice, delete a voice, undo) did not work, in
words (see `bot.library.failures`, which picks them): each sentence says what was tried (`what`, one of the phrases
below) and what to do now."""

from __future__ import annotations

from typing import Any

from bot.messages.mrkdwn import bold
from bot.messages.revring_said import not_answered, said, turned_away

LIST_AGENTS = "list your RevRing agents"


def give_voice(agent_name: str) -> str:
    return f"give agent {bold(agent_name)} the voice"


def delete_voice(name: str) -> str:
    return f"delete {bold(name)}"


def undo_change(agent_name: str) -> str:
    return f"give agent {bold(agent_name)} its old voice back"


def revring_refused_call(what: str, details: dict[str, Any]) -> str:
    return f"RevRing refused to {what}: {said(details)}. Nothing was changed."


def revring_key_refused(what: str) -> str:
    return (
        f"RevRing turned down the bot's API key, so I couldn't {what}. "
        "An admin needs to put a valid key in the bot's `REVRING_API_KEY` setting and restart it."
    )


def revring_billing_stopped(what: str) -> str:
    return (
        f"RevRing says the organisation's billing is inactive, so I couldn't {what}. "
        "An admin can reactivate billing in the RevRing dashboard; then try again."
    )


def revring_busy_or_away(what: str, reason: str) -> str:
    why = not_answered(reason, otherwise=turned_away(reason))
    return f"{why}, so I couldn't {what}. Nothing was changed; please try again in a few minutes."


def revring_maybe_changed(what: str, reason: str) -> str:
    why = not_answered(reason, who="it", otherwise="its answer didn't say whether it worked")
    return (
        f"I asked RevRing to {what}, but {why}, so it may or may not have happened. "
        "Check in the RevRing dashboard, or simply try again: doing it twice does no harm."
    )


def revring_not_allowed(what: str) -> str:
    return f"This RevRing account isn't allowed to {what} through the API. Do it in the RevRing dashboard instead."


def revring_odd_answer(what: str) -> str:
    return f"RevRing answered in a way I didn't understand, so I can't tell whether I could {what}. Please try again."
