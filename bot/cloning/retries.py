"""What became of a *Try again* (or *Clone anyway*): the cloner's answer to the button, for the listener to word."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.records import Job


class Retry(Enum):
    STARTED = "started"
    ALREADY_RUNNING = "already_running"  # a double click, or a retry that already started
    ALREADY_CLONED = "already_cloned"  # the same file has made a voice since: that is the answer
    FILE_BUSY = "file_busy"  # another request for the same file is running
    RATE_LIMITED = "rate_limited"  # a Try again counts toward the hourly limit like any clone
    NOT_YOURS = "not_yours"
    NO_CONSENT = "no_consent"  # the speaker declined, or did not answer in time: a new request must ask again
    NOT_HELD = "not_held"  # *Clone anyway* on a job the quality check did not hold back
    UNKNOWN = "unknown"  # the bot no longer has the request


@dataclass(frozen=True)
class Retried:
    outcome: Retry
    voice: Job | None = None  # ALREADY_CLONED: the job that made the voice
    retry_after_seconds: float = 0.0  # RATE_LIMITED
