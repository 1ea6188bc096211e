"""Why a clone stopped, in one place: the words for the person, the cause for the logs, whether the answer
offers *Try again* (worth another go once RevRing, Slack or the billing is back), and which service failed (for
the metrics)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.cloning.audio import AudioLimits, AudioNote, AudioProblem, NotAudio, PreparedAudio, TooShort
from bot.messages import clone as clone_text
from bot.messages import clone_failures
from bot.messages import design as design_text
from bot.revring import (
    BillingInactive,
    InvalidBody,
    NotAllowed,
    NotFound,
    OutcomeUnknown,
    RevRingError,
    TooLarge,
    Unauthorized,
    Unavailable,
    UnexpectedAnswer,
    Unprocessable,
    VoiceIdMissing,
)
from bot.slack.files import (
    DownloadFailed,
    FileNotAccessible,
    FileNotDownloadable,
    FileOutOfReach,
    FileTooLarge,
    SlackFileError,
)


@dataclass(frozen=True)
class Explained:
    """A failure as the person reads it (`text`, mrkdwn-safe) and as the logs record it (`cause`)."""

    text: str
    cause: str
    retryable: bool = False
    upstream: tuple[str, str] | None = None  # (service, cause) for metrics when Slack or RevRing failed, not the audio


def explain(error: AudioProblem | SlackFileError | RevRingError, *, name: str, max_audio_mb: int) -> Explained:
    """What a failure of the pipeline (see `bot.cloning.pipeline.PIPELINE_FAILURES`) means for the clone of `name`."""
    text, retryable = _words(error, name, max_audio_mb)
    return Explained(text, error.cause, retryable, _upstream(error))


def _words(error: Exception, name: str, max_audio_mb: int) -> tuple[str, bool]:
    match error:
        case TooShort():
            return clone_failures.too_short(error.duration_seconds, error.min_seconds), False
        case NotAudio():
            return clone_failures.not_audio(), False
        case FileTooLarge():
            return clone_failures.too_large(error.size, max_audio_mb), False
        case FileNotDownloadable():
            return clone_failures.file_not_downloadable(), False
        case FileNotAccessible():
            return clone_failures.file_not_accessible(), False
        case FileOutOfReach():
            return clone_failures.file_out_of_reach(), False
        case SlackFileError():
            return clone_failures.download_failed(), True
        case VoiceIdMissing():
            # The voice probably exists: trying again could make a second one.
            return clone_failures.revring_created_without_id(name), False
        case InvalidBody():
            return clone_failures.revring_invalid_body(error.details), False
        case TooLarge():
            return clone_failures.revring_too_large(error.details), False
        case Unprocessable():
            return clone_failures.revring_unprocessable(error.details), False
        case Unauthorized():
            return clone_failures.revring_unauthorized(), False
        case BillingInactive():
            return clone_failures.revring_billing_inactive(), True
        case OutcomeUnknown():
            return clone_failures.revring_outcome_unknown(name, error.reason), True
        case Unavailable():
            return clone_failures.revring_unavailable(error.reason), True
    return clone_failures.internal_error(), True


def explain_design(error: RevRingError) -> Explained:
    """Why `POST /voices/design` gave no candidates. Nothing is made by a design (a candidate becomes a voice only
    when it is saved), so every answer can say so, and trying again is always safe."""
    match error:
        case InvalidBody():
            text = design_text.design_invalid_body(error.details)
        case Unauthorized():
            text = design_text.design_unauthorized()
        case BillingInactive():
            text = design_text.design_billing_inactive()
        case NotFound() | NotAllowed():
            text = design_text.design_not_offered()
        case Unavailable():
            text = design_text.design_unavailable(error.reason)
        case OutcomeUnknown():
            text = design_text.design_no_answer(error.reason)
        case UnexpectedAnswer():
            text = design_text.design_unreadable()
        case _:
            text = design_text.design_failed()
    upstream = ("revring", "error") if isinstance(error, UnexpectedAnswer) else _upstream(error)
    return Explained(text, error.cause, retryable=False, upstream=upstream)


def _upstream(error: Exception) -> tuple[str, str] | None:
    """Which service failed and how, in the words of `bot.ops.metrics`; None when the file or the audio was the
    problem (too short, too large, refused by RevRing as it is, out of the bot's reach)."""
    match error:
        case DownloadFailed():
            return "slack", error.reason
        case Unavailable():
            return "revring", {"busy": "ratelimited", "unreachable": "unavailable"}.get(error.reason, "error")
        case OutcomeUnknown():
            return "revring", {"timeout": "timeout", "dropped": "unavailable"}.get(error.reason, "error")
        case Unauthorized():
            return "revring", "unauthorized"
        case BillingInactive():
            return "revring", "billing"
        case VoiceIdMissing():
            return "revring", "error"
    return None


def crashed(*, name: str, uploading: bool) -> Explained:
    """A bug cut the clone off. While sending, RevRing may have made the voice, so that is said rather than
    "nothing was created"."""
    text = clone_failures.crashed_during_upload(name) if uploading else clone_failures.internal_error()
    return Explained(text, "internal error", retryable=True)


def interrupted_by_restart(name: str) -> Explained:
    """A restart cut the clone off while it was being sent: RevRing may or may not have made the voice."""
    return Explained(clone_failures.interrupted_during_upload(name), "interrupted during upload", retryable=True)


def no_revring_key() -> Explained:
    """The workspace has connected no RevRing key and the server lends none: nothing was downloaded or sent."""
    return Explained(clone_failures.no_revring_key(), "no RevRing key for the workspace")


def audio_note(prepared: PreparedAudio, limits: AudioLimits) -> str | None:
    """What to tell about audio that was used anyway: the excerpt sent instead, or a length outside the ideal."""
    if prepared.note is AudioNote.EXCERPT:
        return clone_text.used_an_excerpt(prepared.original_seconds, limits.excerpt_seconds, prepared.length_known)
    if prepared.note is AudioNote.OUTSIDE_IDEAL:
        return clone_text.outside_ideal(prepared.original_seconds, limits.ideal_min_seconds, limits.ideal_max_seconds)
    return None
