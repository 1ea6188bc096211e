"""Why an action on a voice (list the agents, give an agent a voice, delete a voice, undo) was not done, in one place:
refused before RevRing was asked (`Refused` and its kinds), or failed at RevRing (`explain`); the sentence for the
person (mrkdwn-safe) and the cause for the logs, as `failures` does for clones."""

from __future__ import annotations

from bot.cloning.failures import Explained
from bot.messages import agents as agents_text
from bot.messages import library as library_text
from bot.messages import library_failures
from bot.messages import revring_connection as connection_text
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


class Refused(Exception):
    """The action was refused before anything was asked of RevRing; `refusal(error)` says why, to the person."""


class VoiceGone(Refused):
    """No voice of this workspace by that id (never made, or its record is gone)."""


class VoiceDeleted(Refused):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


class RightsUnknown(Refused):
    """Slack could not say who the person is in the workspace."""


class NotTheirs(Refused):
    """Neither the person who cloned the voice nor an admin of the workspace; `verb` is what they tried."""

    def __init__(self, verb: str, owner_id: str) -> None:
        super().__init__(verb, owner_id)
        self.verb, self.owner_id = verb, owner_id


class AdminsOnly(Refused):
    """AGENT_UPDATES=admins (agents are changed by admins only), and the person is not an admin of the workspace."""


class VoiceNotReady(Refused):
    def __init__(self, name: str, status: str) -> None:
        super().__init__(name, status)
        self.name, self.status = name, status


class NotConnected(Refused):
    """No RevRing key serves the workspace."""


class AgentUpdatesOff(Refused):
    """AGENT_UPDATES=off: nobody gives voices to agents from Slack."""


def refusal(error: Refused) -> str:
    match error:
        case VoiceDeleted():
            return library_text.voice_already_deleted(error.name)
        case RightsUnknown():
            return library_text.rights_not_checked()
        case NotTheirs():
            return library_text.only_owner_or_admin(error.verb, error.owner_id)
        case AdminsOnly():
            return agents_text.agent_updates_admins_only()
        case VoiceNotReady():
            return agents_text.voice_not_ready(error.name, error.status)
        case NotConnected():
            return connection_text.revring_not_connected()
        case AgentUpdatesOff():
            return agents_text.agent_updates_off()
    return library_text.voice_gone()


def explain(error: RevRingError, what: str, *, voice_id: str | None = None) -> Explained:
    """What `error` means for `what` (one of the phrases above); `voice_id` is shown to paste on a 405 from
    Update Agent (this account cannot update agents through the API)."""
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
