"""Storage: one small protocol per aggregate, and their implementation for SQLite and PostgreSQL (sql/).

- `Inbox` (inbox.py): waiting commands, recent audio, dedupe keys;
- `JobQueue` (jobs.py): admission, the shared queue, leases and fences;
- `VoiceLibrary` (library.py): a workspace's voices, deletions, agent changes;
- `DesignCandidates` (design.py): designed voices' previews before they are saved;
- `ConsentBook` (consents.py): the speakers' consents (CONSENT on), decided once;
- `Workspaces` (workspaces.py): RevRing keys, first installers, forgetting a workspace that uninstalls;
- `RequestStore` (interface.py): all of them, with pruning and a ping; `SQLStore` (sql/store.py) implements it.

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
    Consent,
    ConsentStatus,
    ConsentWay,
    DesignCandidate,
    Job,
    PendingCommand,
    RecentAudio,
    SharedFile,
    Stage,
)
from bot.store.consents import ConsentBook
from bot.store.database import (
    DEFAULT_POOL_SIZE,
    DEFAULT_STATEMENT_TIMEOUT_SECONDS,
    Database,
    parse_database_url,
)
from bot.store.design import DesignCandidates
from bot.store.errors import SchemaTooNew, StoreUnavailable
from bot.store.inbox import CLAIM_SECONDS, Inbox
from bot.store.interface import RequestStore
from bot.store.jobs import DEFAULT_LEASE_SECONDS, JobQueue
from bot.store.library import VoiceLibrary
from bot.store.schema import LATEST as SCHEMA_VERSION
from bot.store.sql import SQLStore
from bot.store.workspaces import StoredKey, Workspaces, owner_of

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
    "Consent",
    "ConsentBook",
    "ConsentStatus",
    "ConsentWay",
    "Database",
    "DesignCandidate",
    "DesignCandidates",
    "Inbox",
    "Job",
    "JobQueue",
    "PendingCommand",
    "RecentAudio",
    "RequestStore",
    "SQLStore",
    "SchemaTooNew",
    "SharedFile",
    "Stage",
    "StoreUnavailable",
    "StoredKey",
    "VoiceLibrary",
    "Workspaces",
    "owner_of",
    "parse_database_url",
]
