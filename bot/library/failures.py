"""Why a library call to RevRing (list the agents, give an agent a voice, delete a voice, undo) did not work, in
one place: the sentence for the person (mrkdwn-safe) and the cause for the logs, as `failures` does for clones."""

from __future__ import annotations

from bot import messages
from bot.cloning.failures import Explained
from bot.revring import (
    BillingInactive,
    InvalidBody,
    NotAllowed,
    NotFound,
    OutcomeUnknown,
    RevRingError,
    Unauthorized,
    Unavailable,
    UnexpectedAnswer,
    UpdateNotAllowed,
)

LIST_AGENTS = "list your RevRing agents"


def give_voice(agent_name: str) -> str:
    return f"give agent *{messages.escape(agent_name)}* the voice"


def delete_voice(name: str) -> str:
    return f"delete *{messages.escape(name)}*"


def undo_change(agent_name: str) -> str:
    return f"give agent *{messages.escape(agent_name)}* its old voice back"


def explain(error: RevRingError, what: str, *, voice_id: str | None = None) -> Explained:
    """What `error` means for `what` (one of the phrases above); `voice_id` is shown to paste on a 405 from
    Update Agent (this account cannot update agents through the API)."""
    return Explained(_words(error, what, voice_id), error.cause)


def _words(error: RevRingError, what: str, voice_id: str | None) -> str:
    match error:
        case UpdateNotAllowed() if voice_id:
            return messages.agent_updates_not_allowed(voice_id)
        case NotAllowed():
            return messages.revring_not_allowed(what)
        case NotFound() if error.kind == "agent":
            return messages.agent_gone()
        case InvalidBody():
            return messages.revring_refused_call(what, error.details)
        case Unauthorized():
            return messages.revring_key_refused(what)
        case BillingInactive():
            return messages.revring_billing_stopped(what)
        case OutcomeUnknown():
            return messages.revring_maybe_changed(what, error.reason)
        case Unavailable():
            return messages.revring_busy_or_away(what, error.reason)
        case UnexpectedAnswer():
            return messages.revring_odd_answer(what)
    return messages.revring_busy_or_away(what, "refused")
