"""Every way a RevRing call can fail, as values: `cause` is for logs, the type and its fields are for people.

Two families matter most to callers. `Unavailable`: nothing changed at RevRing, so trying again is safe.
`OutcomeUnknown`: a call that changes something was sent, but no usable answer came back, so the change
may or may not have happened.
"""

from __future__ import annotations

from typing import Any


class RevRingError(Exception):
    """Base of every RevRing failure; `cause` is for logs, never for people. `status` is the HTTP status RevRing
    answered with, None when no answer came back (or it was a success that could not be used)."""

    status: int | None = None

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class InvalidBody(RevRingError):
    """400 invalid_body: RevRing refused what we sent; `details` says why."""

    status = 400

    def __init__(self, details: dict[str, Any]) -> None:
        super().__init__(f"400 invalid_body: {details!r}")
        self.details = details


class Unauthorized(RevRingError):
    """401: the API key is wrong or revoked."""

    status = 401


class BillingInactive(RevRingError):
    """402 billing_inactive: the RevRing subscription needs attention."""

    status = 402


class NotFound(RevRingError):
    """404: RevRing has no `kind` ("agent", "agents", "voice design") with this `id` for this API key."""

    status = 404

    def __init__(self, kind: str, id: str | None = None) -> None:
        super().__init__(f"404: {kind}{f' {id!r}' if id is not None else ''} not found")
        self.kind = kind
        self.id = id


class NotAllowed(RevRingError):
    """405: RevRing does not let this account make this call through the API."""

    status = 405


class UpdateNotAllowed(NotAllowed):
    """405 on Update Agent: this account cannot update agents through the API (the voiceId must be pasted)."""


class VoiceIdMissing(RevRingError):
    """201 Created, but no readable voice id: the voice probably exists, so this must never be retried."""


class UnexpectedAnswer(RevRingError):
    """A success status whose body is not what RevRing documents (not JSON, the wrong shape, or too big to read)."""


class TooLarge(RevRingError):
    """413: the audio is bigger than RevRing takes; nothing was created. `details` is what RevRing said, if anything."""

    status = 413

    def __init__(self, details: Any) -> None:
        super().__init__(f"413 too large: {details!r}")
        self.details = details


class Unprocessable(RevRingError):
    """422: RevRing could not process the audio; nothing was created. `details` is what RevRing said, if anything."""

    status = 422

    def __init__(self, details: Any) -> None:
        super().__init__(f"422 unprocessable: {details!r}")
        self.details = details


class Unavailable(RevRingError):
    """Nothing changed at RevRing, so trying again is safe. `reason`: "busy" (429 on every attempt), "unreachable"
    (no connection, so nothing was sent) or "refused" (a 3xx or 4xx it doesn't document); for reads, which change
    nothing, also "timeout", "server_error" or "dropped" once the one retry failed too. What broke, when it was not
    an answer (a refused connection, a timeout), is its `__cause__`."""

    def __init__(self, cause: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(cause)
        self.reason = reason
        self.status = status


class OutcomeUnknown(RevRingError):
    """A call that changes something was sent but no usable answer came back, so the change may have happened
    (a voice may exist, an agent may use the new voice, a voice may be gone). `reason`: "timeout", "server_error"
    (5xx), "dropped" (the connection broke) or "unclear" (a 2xx other than the documented one)."""

    def __init__(self, cause: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(cause)
        self.reason = reason
        self.status = status
