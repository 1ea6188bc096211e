"""Why a library call to RevRing (list the agents, give an agent a voice, delete a voice, undo) did not work, in
one place: the sentence for the person (mrkdwn-safe) and the cause for the logs, as `failures` does for clones."""

from __future__ import annotations

from bot.cloning.failures import Explained
from bot.messages import agents as agents_text
from bot.messages import library_failures
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


def explain(error: RevRingError, what: str, *, voice_id: str | None = None) -> Explained:
    """What `error` means for `what` (one of the phrases in `bot.messages.library_failures`); `voice_id` is shown
    to paste on a 405 from Update Agent (this account cannot update agents through the API)."""
    return Explained(_words(error, what, voice_id), error.cause)


def _words(error: RevRingError, what: str, voice_id: str | None) -> str:
    match error:
        case UpdateNotAllowed() if voice_id:
            return agents_text.agent_updates_not_allowed(voice_id)
        case NotAllowed():
            return library_failures.revring_not_allowed(what)
        case NotFound() if error.kind == "agent":
            return agents_text.agent_gone()
        case InvalidBody():
            return library_failures.revring_refused_call(what, error.details)
        case Unauthorized():
            return library_failures.revring_key_refused(what)
        case BillingInactive():
            return library_failures.revring_billing_stopped(what)
        case OutcomeUnknown():
            return library_failures.revring_maybe_changed(what, error.reason)
        case Unavailable():
            return library_failures.revring_busy_or_away(what, error.reason)
        case UnexpectedAnswer():
            return library_failures.revring_odd_answer(what)
    return library_failures.revring_busy_or_away(what, "refused")
