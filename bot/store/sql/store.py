"""`SQLStore`: every aggregate on one SQLite (aiosqlite) or PostgreSQL (asyncpg) database, opened once by the app.

One object is each of the aggregates (`SQLInbox`, `SQLJobQueue`, `SQLVoiceLibrary`, `SQLDesignCandidates`,
`SQLWorkspaces`), so the app factory opens one store and hands each part of the bot the protocol it uses
(bot.store.inbox, jobs, library, design, workspaces). What spans them (opening, pruning, ping) is here.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import and_, delete, not_, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.records import UNFINISHED, Stage
from bot.store.database import (
    DEFAULT_POOL_SIZE,
    DEFAULT_STATEMENT_TIMEOUT_SECONDS,
    Database,
    create_engine,
    parse_database_url,
    sqlite_folder,
)
from bot.store.errors import StoreUnavailable
from bot.store.inbox import CLAIM_SECONDS
from bot.store.schema import (
    agent_changes,
    claims,
    clone_starts,
    consents,
    design_candidates,
    design_starts,
    jobs,
    pending,
    recent_audio,
    slack_oauth_states,
    upgrade,
)
from bot.store.sql.consents import SQLConsentBook
from bot.store.sql.design import CANDIDATE_KEPT_EXPIRED, DESIGN_WINDOW_SECONDS, SQLDesignCandidates
from bot.store.sql.inbox import SQLInbox
from bot.store.sql.jobs import SQLJobQueue
from bot.store.sql.library import SQLVoiceLibrary
from bot.store.sql.workspaces import SQLWorkspaces


class SQLStore(SQLInbox, SQLJobQueue, SQLVoiceLibrary, SQLDesignCandidates, SQLWorkspaces, SQLConsentBook):
    """RequestStore in SQLite or PostgreSQL. Waiting commands and recent audio expire after `ttl_seconds`; the
    same file is not cloned twice within `dedupe_seconds`."""

    def __init__(
        self,
        database: Database,
        engine: AsyncEngine,
        ttl_seconds: float,
        *,
        dedupe_seconds: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # The aggregates with settings of their own; each sets the shared database, engine and clock alike.
        SQLInbox.__init__(self, database, engine, ttl_seconds=ttl_seconds, clock=clock)
        SQLJobQueue.__init__(self, database, engine, dedupe_seconds=dedupe_seconds, clock=clock)

    @classmethod
    async def open(
        cls,
        url: str | None,
        ttl_seconds: float,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        statement_timeout_seconds: float = DEFAULT_STATEMENT_TIMEOUT_SECONDS,
        dedupe_seconds: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> SQLStore:
        """Connect to DATABASE_URL's database (see `parse_database_url`) and upgrade its schema if it is older.

        Raises ValueError for a URL it cannot read, StoreUnavailable when the database cannot be opened, and
        SchemaTooNew when a newer bot has upgraded it; each message is one line, with the password masked.
        """
        database = parse_database_url(url)
        folder = sqlite_folder(database)
        if folder is not None:
            try:
                await asyncio.to_thread(folder.mkdir, parents=True, exist_ok=True)
            except OSError as error:
                raise StoreUnavailable(
                    f"Cannot create the folder {folder} for the database at {database.display()} "
                    f"({error.strerror or type(error).__name__})."
                ) from None
        engine = create_engine(database, pool_size=pool_size, statement_timeout_seconds=statement_timeout_seconds)
        store = cls(database, engine, ttl_seconds, dedupe_seconds=dedupe_seconds, clock=clock)
        try:
            async with store._transaction() as conn:
                await upgrade(conn, database.display())
        except BaseException:
            await engine.dispose()
            raise
        return store

    async def close(self) -> None:
        await self._engine.dispose()

    async def ping(self) -> None:
        async with self._transaction() as conn:
            await conn.execute(text("SELECT 1"))

    async def prune(self, job_cutoff: float) -> int:
        """Drop what has expired: old finished jobs, stale waiting commands and audio, old dedupe keys, design
        candidates a day after their hour, designs no longer counted, and OAuth states past their 10 minutes (each
        GET /slack/install writes one, and only a finished install takes its own away)."""
        now = self.clock()
        # slack_sdk writes a state's expiry in UTC without a time zone.
        states_expired = datetime.fromtimestamp(now, UTC).replace(tzinfo=None)
        # A voice that still exists keeps its job while it has a consent record: that record is its audit trail.
        living_with_consent = and_(
            jobs.c.voice_id.is_not(None), jobs.c.deleted_at.is_(None), jobs.c.id.in_(select(consents.c.job_id))
        )
        old_finished = select(jobs.c.id).where(
            jobs.c.created_at < job_cutoff,
            jobs.c.stage.not_in([str(s) for s in (*UNFINISHED, Stage.AWAITING_CONSENT)]),
            not_(living_with_consent),
        )
        async with self._transaction() as conn:
            for table in (pending, recent_audio):
                await conn.execute(delete(table).where(table.c.saved_at < now - self.ttl_seconds))
            await conn.execute(delete(claims).where(claims.c.claimed_at < now - CLAIM_SECONDS))
            await conn.execute(
                delete(design_candidates).where(design_candidates.c.expires_at < now - CANDIDATE_KEPT_EXPIRED)
            )
            await conn.execute(delete(design_starts).where(design_starts.c.started_at <= now - DESIGN_WINDOW_SECONDS))
            await conn.execute(delete(slack_oauth_states).where(slack_oauth_states.c.expire_at <= states_expired))
            await conn.execute(delete(clone_starts).where(clone_starts.c.job_id.in_(old_finished)))
            await conn.execute(delete(agent_changes).where(agent_changes.c.job_id.in_(old_finished)))
            await conn.execute(delete(consents).where(consents.c.job_id.in_(old_finished)))
            result = await conn.execute(delete(jobs).where(jobs.c.id.in_(old_finished)))
        return result.rowcount

    @property
    def engine(self) -> AsyncEngine:
        """The engine slack_sdk's installation and OAuth state stores share (bot.store.slack_oauth)."""
        return self._engine
