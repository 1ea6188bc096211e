"""Storage: the `RequestStore` interface (interface.py) and its implementations beside it.

The records are re-exported here so that `from bot.store import Job` keeps working.
"""

from bot.records import (
    RETRYABLE,
    UNFINISHED,
    Admission,
    Admitted,
    Answer,
    CloneRequest,
    Job,
    PendingCommand,
    RecentAudio,
    SharedFile,
    Stage,
)
from bot.store.interface import CLAIM_SECONDS, RequestStore
from bot.store.sqlite import SQLiteStore

__all__ = [
    "CLAIM_SECONDS",
    "RETRYABLE",
    "UNFINISHED",
    "Admission",
    "Admitted",
    "Answer",
    "CloneRequest",
    "Job",
    "PendingCommand",
    "RecentAudio",
    "RequestStore",
    "SQLiteStore",
    "SharedFile",
    "Stage",
]
