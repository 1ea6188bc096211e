"""Storage: the `RequestStore` interface (interface.py) and its implementation for SQLite and PostgreSQL beside it.

The records are re-exported here so that `from bot.store import Job` keeps working.
"""

from bot.records import (
    RETRYABLE,
    UNFINISHED,
    Admission,
    Admitted,
    AgentChange,
    Answer,
    CloneRequest,
    DesignCandidate,
    Job,
    PendingCommand,
    RecentAudio,
    SharedFile,
    Stage,
)
from bot.store.database import (
    DEFAULT_POOL_SIZE,
    DEFAULT_STATEMENT_TIMEOUT_SECONDS,
    Database,
    parse_database_url,
)
from bot.store.interface import CLAIM_SECONDS, DEFAULT_LEASE_SECONDS, RequestStore, SchemaTooNew, StoreUnavailable
from bot.store.schema import LATEST as SCHEMA_VERSION
from bot.store.sql_store import SQLStore

__all__ = [
    "CLAIM_SECONDS",
    "DEFAULT_LEASE_SECONDS",
    "DEFAULT_POOL_SIZE",
    "DEFAULT_STATEMENT_TIMEOUT_SECONDS",
    "RETRYABLE",
    "SCHEMA_VERSION",
    "UNFINISHED",
    "Admission",
    "Admitted",
    "AgentChange",
    "Answer",
    "CloneRequest",
    "Database",
    "DesignCandidate",
    "Job",
    "PendingCommand",
    "RecentAudio",
    "RequestStore",
    "SQLStore",
    "SchemaTooNew",
    "SharedFile",
    "Stage",
    "StoreUnavailable",
    "parse_database_url",
]
