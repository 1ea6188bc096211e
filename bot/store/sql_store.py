"""`RequestStore` on SQLAlchemy's async Core: one implementation for SQLite (aiosqlite) and PostgreSQL (asyncpg).

Every method is one transaction. What must hold under concurrency holds on both engines:
- one taker: DELETE … RETURNING, INSERT … ON CONFLICT, UPDATE … RETURNING are single atomic statements;
- admission reads the rules and then writes, so on PostgreSQL it first takes transaction-scoped advisory locks on
  (team, file) and on (team, person), always in that order: concurrent requests for the same file or by the same
  person queue there, and each sees what the one before it committed (READ COMMITTED reads afresh per statement).
  On SQLite the one connection and BEGIN IMMEDIATE serialise every transaction anyway;
- taking a job reads the oldest takeable row with FOR UPDATE SKIP LOCKED (PostgreSQL), so two runners never get the
  same job and neither waits for the other.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, case, delete, func, or_, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.records import (
    RETRYABLE,
    UNFINISHED,
    Admission,
    Admitted,
    AgentChange,
    CloneRequest,
    DesignCandidate,
    Job,
    PendingCommand,
    RecentAudio,
    Stage,
)
from bot.store import rows
from bot.store.database import (
    DEFAULT_POOL_SIZE,
    DEFAULT_STATEMENT_TIMEOUT_SECONDS,
    Database,
    create_engine,
    is_database_down,
    parse_database_url,
    sqlite_folder,
    unavailable,
)
from bot.store.errors import StoreUnavailable
from bot.store.inbox import CLAIM_SECONDS
from bot.store.jobs import DEFAULT_LEASE_SECONDS
from bot.store.schema import (
    agent_changes,
    claims,
    clone_starts,
    design_candidates,
    jobs,
    pending,
    recent_audio,
    revring_keys,
    upgrade,
)

_HOUR = 3600.0
# An expired design candidate is kept this long, so that saving it says "expired" rather than "unknown".
_CANDIDATE_KEPT_EXPIRED = 86400.0
# Key spaces of pg_advisory_xact_lock(int, int): one for files, one for people.
_FILE_LOCK, _PERSON_LOCK = 1, 2


class SQLStore:
    """RequestStore in SQLite or PostgreSQL. Waiting commands and recent audio expire after `ttl_seconds`; the
    same file is not cloned twice within `dedupe_seconds`."""

    def __init__(self, database: Database, engine: AsyncEngine, ttl_seconds: float, *,
                 dedupe_seconds: float = 600.0, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.ttl_seconds = ttl_seconds
        self.dedupe_seconds = dedupe_seconds
        self.clock = clock
        self._engine = engine
        self._insert = postgresql.insert if database.is_postgres else sqlite.insert

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

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction; a database that is down surfaces as StoreUnavailable, never as a driver's error."""
        try:
            async with self._engine.begin() as conn:
                yield conn
        except Exception as error:
            if is_database_down(error):
                raise unavailable(self.database, error) from error
            raise

    # --- waiting commands and recent audio ---------------------------------------------------------

    async def save_pending(self, command: PendingCommand) -> None:
        await self._put(pending, (command.team_id, command.channel_id, command.user_id), asdict(command),
                        command.enterprise_id)

    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None:
        data = await self._take(pending, (team_id, channel_id, user_id))
        return rows.pending_command(data) if data else None

    async def save_recent_audio(self, audio: RecentAudio) -> None:
        await self._put(recent_audio, (audio.team_id, audio.channel_id, audio.user_id), asdict(audio),
                        audio.enterprise_id)

    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None:
        data = await self._take(recent_audio, (team_id, channel_id, user_id))
        return rows.recent_audio(data) if data else None

    async def _put(self, table: Table, key: tuple[str, str, str], data: dict[str, Any],
                   enterprise_id: str | None) -> None:
        insert = self._insert(table).values(
            team_id=key[0], channel_id=key[1], user_id=key[2], data=rows.dump(data), saved_at=self.clock(),
            enterprise_id=enterprise_id,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[table.c.team_id, table.c.channel_id, table.c.user_id],
            set_={"data": insert.excluded.data, "saved_at": insert.excluded.saved_at,
                  "enterprise_id": insert.excluded.enterprise_id},
        )
        async with self._transaction() as conn:
            await conn.execute(upsert)

    async def _take(self, table: Table, key: tuple[str, str, str]) -> str | None:
        """Read and delete in one statement, so two requests can never take the same entry."""
        taking = (
            delete(table)
            .where(table.c.team_id == key[0], table.c.channel_id == key[1], table.c.user_id == key[2])
            .returning(table.c.data, table.c.saved_at)
        )
        async with self._transaction() as conn:
            row = (await conn.execute(taking)).first()
        if row is None or self.clock() - row.saved_at > self.ttl_seconds:
            return None
        return row.data

    # --- deduplication -----------------------------------------------------------------------------

    async def claim(self, key: str) -> bool:
        now = self.clock()
        insert = self._insert(claims).values(key=key, claimed_at=now)
        # New, or an expired claim taken afresh: either way one row comes back, and only to one caller.
        claiming = insert.on_conflict_do_update(
            index_elements=[claims.c.key],
            set_={"claimed_at": insert.excluded.claimed_at},
            where=claims.c.claimed_at < now - CLAIM_SECONDS,
        ).returning(claims.c.key)
        async with self._transaction() as conn:
            return (await conn.execute(claiming)).first() is not None

    # --- admission ---------------------------------------------------------------------------------

    async def admit(self, request: CloneRequest, *, per_user_per_hour: int, runner: str,
                    lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Admitted:
        job_id = uuid.uuid4().hex[:16]
        async with self._transaction() as conn:
            await self._lock_rules(conn, request)
            now = self.clock()
            refusal = await self._refusal(conn, request, job_id, created_at=now, now=now, limit=per_user_per_hour)
            if refusal is not None:
                return refusal
            job = Job(id=job_id, request=request, stage=Stage.RECEIVED, created_at=now, fence=1)
            await conn.execute(jobs.insert(), {
                "id": job.id, "team_id": request.team_id, "enterprise_id": request.enterprise_id,
                "user_id": request.user_id, "file_id": request.file.id,
                "request": rows.dump(asdict(request)), "stage": str(job.stage), "created_at": now, "queued_at": now,
                "updated_at": now, "retries": 0, "owner": runner, "lease_until": now + lease_seconds, "fence": 1,
            })
            await self._count_start(conn, job.id, request, now, retry=False)
        return Admitted(Admission.ACCEPTED, job)

    async def reopen_job(self, job_id: str, *, per_user_per_hour: int, runner: str,
                         lease_seconds: float = DEFAULT_LEASE_SECONDS) -> Admitted | None:
        async with self._transaction() as conn:
            found = await self._get(conn, job_id)
            if found is None:
                return None
            await self._lock_rules(conn, found.request)
            current = await self._get(conn, job_id)  # as it is now that nothing else can decide on it
            if current is None:
                return None
            if current.stage not in RETRYABLE:
                return Admitted(Admission.DUPLICATE, existing=current)  # running again already, or done
            now = self.clock()
            refusal = await self._refusal(conn, current.request, job_id, created_at=current.created_at, now=now,
                                          limit=per_user_per_hour)
            if refusal is not None:
                return refusal
            reopening = update(jobs).where(jobs.c.id == job_id, jobs.c.stage.in_([str(s) for s in RETRYABLE])).values(
                stage=str(Stage.RECEIVED), failure=None, answer=None, retries=jobs.c.retries + 1, queued_at=now,
                updated_at=now, owner=runner, lease_until=now + lease_seconds, fence=jobs.c.fence + 1,
            )
            if (await conn.execute(reopening)).rowcount != 1:  # a writer without the locks moved it meanwhile
                return Admitted(Admission.DUPLICATE, existing=await self._get(conn, job_id))
            await self._count_start(conn, job_id, current.request, now, retry=True)
            reopened = await self._get(conn, job_id)
        return Admitted(Admission.ACCEPTED, reopened)

    async def _lock_rules(self, conn: AsyncConnection, request: CloneRequest) -> None:
        """PostgreSQL: hold the file and the person until commit (always in this order, so never a deadlock)."""
        if not self.database.is_postgres:
            return
        for space, key in ((_FILE_LOCK, request.file.id), (_PERSON_LOCK, request.user_id)):
            await conn.execute(text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"),
                               {"space": space, "key": f"{request.team_id}\x1f{key}"})

    async def _refusal(self, conn: AsyncConnection, request: CloneRequest, job_id: str, *, created_at: float,
                       now: float, limit: int) -> Admitted | None:
        """Why `request` may not start now, or None. The same file: another job of it is running, or made a voice
        recently or since this request was made. The person: `limit` clones started in the last hour."""
        same_file = (
            select(jobs)
            .where(jobs.c.team_id == request.team_id, jobs.c.file_id == request.file.id, jobs.c.id != job_id,
                   or_(jobs.c.stage.in_([str(s) for s in UNFINISHED]),
                       and_(jobs.c.stage == str(Stage.DONE),
                            or_(jobs.c.created_at >= now - self.dedupe_seconds, jobs.c.created_at > created_at))))
            .order_by(jobs.c.created_at.desc())
            .limit(1)
        )
        row = (await conn.execute(same_file)).mappings().first()
        if row is not None:
            return Admitted(Admission.DUPLICATE, existing=(await self._jobs(conn, [row]))[0])
        started = (await conn.execute(
            select(clone_starts.c.started_at)
            .where(clone_starts.c.team_id == request.team_id, clone_starts.c.user_id == request.user_id,
                   clone_starts.c.started_at >= now - _HOUR)
            .order_by(clone_starts.c.started_at.desc())
            .limit(limit)
        )).scalars().all()
        if len(started) < limit:
            return None
        oldest_counted = started[-1] if started else now
        return Admitted(Admission.RATE_LIMITED, retry_after_seconds=max(oldest_counted + _HOUR - now, 0))

    async def _count_start(self, conn: AsyncConnection, job_id: str, request: CloneRequest, now: float, *,
                           retry: bool) -> None:
        await conn.execute(clone_starts.insert(), {"job_id": job_id, "team_id": request.team_id,
                                                   "user_id": request.user_id, "started_at": now, "retry": int(retry)})

    # --- running jobs ------------------------------------------------------------------------------

    def _takeable(self, now: float) -> ColumnElement[bool]:
        """Work left to do (unfinished, or an answer not yet shown) that nobody holds under a live lease."""
        return and_(
            or_(jobs.c.stage.in_([str(s) for s in UNFINISHED]), jobs.c.answer.is_not(None)),
            or_(jobs.c.owner.is_(None), jobs.c.lease_until < now),
        )

    async def take_next(self, runner: str, lease_seconds: float) -> Job | None:
        async with self._transaction() as conn:
            now = self.clock()
            oldest = (
                select(jobs.c.id, jobs.c.owner).where(self._takeable(now)).order_by(jobs.c.queued_at, jobs.c.id)
                .limit(1).with_for_update(skip_locked=True)  # PostgreSQL; SQLite runs one transaction at a time
            )
            found = (await conn.execute(oldest)).first()
            if found is None:
                return None
            taking = (
                update(jobs).where(jobs.c.id == found.id)
                .values(owner=runner, lease_until=now + lease_seconds, fence=jobs.c.fence + 1)
                .returning(*jobs.c)
            )
            row = (await conn.execute(taking)).mappings().one()
            job = (await self._jobs(conn, [row]))[0]
            # Someone held it and stopped renewing: a takeover (a released job has no owner).
            return replace(job, taken_over=found.owner is not None)

    async def renew(self, job_id: str, fence: int, lease_seconds: float) -> bool:
        async with self._transaction() as conn:
            result = await conn.execute(
                update(jobs).where(*self._held(job_id, fence)).values(lease_until=self.clock() + lease_seconds)
            )
        return result.rowcount == 1

    async def release(self, job_id: str, fence: int) -> bool:
        async with self._transaction() as conn:
            result = await conn.execute(update(jobs).where(*self._held(job_id, fence)).values(owner=None,
                                                                                              lease_until=None))
        return result.rowcount == 1

    @staticmethod
    def _held(job_id: str, fence: int) -> tuple[ColumnElement[bool], ...]:
        """The job is still held by the runner that took it with `fence` (not taken over, not released)."""
        return jobs.c.id == job_id, jobs.c.fence == fence, jobs.c.owner.is_not(None)

    async def update_job(self, job: Job, fence: int | None = None) -> bool:
        writing = update(jobs).where(jobs.c.id == job.id).values(**rows.job_progress(job), updated_at=self.clock())
        if fence is not None:
            writing = writing.where(*self._held(job.id, fence))
        async with self._transaction() as conn:
            result = await conn.execute(writing)
        return result.rowcount == 1

    async def set_reply(self, job_id: str, channel: str, ts: str) -> bool:
        async with self._transaction() as conn:
            result = await conn.execute(
                update(jobs).where(jobs.c.id == job_id).values(reply_channel=channel, reply_ts=ts)
            )
        return result.rowcount == 1

    async def get_job(self, job_id: str) -> Job | None:
        async with self._transaction() as conn:
            return await self._get(conn, job_id)

    async def queue_position(self, job_id: str) -> int:
        async with self._transaction() as conn:
            me = (await conn.execute(select(jobs.c.queued_at).where(jobs.c.id == job_id))).first()
            if me is None:
                return 0
            ahead = select(func.count()).select_from(jobs).where(
                jobs.c.stage.in_([str(s) for s in UNFINISHED]),
                or_(jobs.c.queued_at < me.queued_at, and_(jobs.c.queued_at == me.queued_at, jobs.c.id < job_id)),
            )
            return int((await conn.execute(ahead)).scalar_one())

    async def job_counts(self) -> dict[str, int]:
        now = self.clock()
        running = and_(jobs.c.owner.is_not(None), jobs.c.lease_until >= now)
        counting = select(
            func.coalesce(func.sum(case((running, 1), else_=0)), 0),
            func.coalesce(func.sum(case((running, 0), else_=1)), 0),
        ).where(jobs.c.stage.in_([str(s) for s in UNFINISHED]))
        async with self._transaction() as conn:
            row = (await conn.execute(counting)).one()
        return {"waiting": int(row[1]), "running": int(row[0])}

    async def expire_leases_of_others(self, runner: str) -> int:
        async with self._transaction() as conn:
            result = await conn.execute(
                update(jobs)
                .where(or_(jobs.c.stage.in_([str(s) for s in UNFINISHED]), jobs.c.answer.is_not(None)),
                       jobs.c.owner.is_not(None), jobs.c.owner != runner)
                .values(lease_until=0.0)
            )
        return result.rowcount

    # --- reading jobs ------------------------------------------------------------------------------

    async def recent_jobs(self, team_id: str, limit: int) -> list[Job]:
        async with self._transaction() as conn:
            found = await conn.execute(
                select(jobs).where(jobs.c.team_id == team_id).order_by(jobs.c.created_at.desc()).limit(limit)
            )
            return await self._jobs(conn, found.mappings().all())

    async def _get(self, conn: AsyncConnection, job_id: str) -> Job | None:
        row = (await conn.execute(select(jobs).where(jobs.c.id == job_id))).mappings().first()
        return None if row is None else (await self._jobs(conn, [row]))[0]

    async def _jobs(self, conn: AsyncConnection, found: Iterable[Mapping[str, Any]]) -> list[Job]:
        """Jobs from their rows, with the times of their Try agains (one more query for all of them)."""
        found = list(found)
        retried: dict[str, list[float]] = {row["id"]: [] for row in found}
        if found:
            starts = await conn.execute(
                select(clone_starts.c.job_id, clone_starts.c.started_at)
                .where(clone_starts.c.job_id.in_(list(retried)), clone_starts.c.retry == 1)
                .order_by(clone_starts.c.started_at)
            )
            for job_id, started_at in starts.all():
                retried[job_id].append(started_at)
        return [rows.job(row, tuple(retried[row["id"]])) for row in found]

    # --- designed voices -----------------------------------------------------------------------------

    async def add_candidate(
        self, *, team_id: str, user_id: str, file_id: str, index: int, channel_id: str, thread_ts: str,
        keep_seconds: float,
    ) -> DesignCandidate:
        now = self.clock()
        candidate = DesignCandidate(uuid.uuid4().hex, team_id, user_id, file_id, index, channel_id, thread_ts,
                                    created_at=now, expires_at=now + keep_seconds)
        async with self._transaction() as conn:
            await conn.execute(design_candidates.insert(), {
                "id": candidate.id, "team_id": team_id, "user_id": user_id, "file_id": file_id,
                "candidate_index": index, "channel_id": channel_id, "thread_ts": thread_ts,
                "created_at": candidate.created_at, "expires_at": candidate.expires_at,
            })
        return candidate

    async def get_candidate(self, team_id: str, candidate_id: str) -> DesignCandidate | None:
        found = select(design_candidates).where(design_candidates.c.id == candidate_id,
                                                design_candidates.c.team_id == team_id)
        async with self._transaction() as conn:
            row = (await conn.execute(found)).mappings().first()
        if row is None:
            return None
        return DesignCandidate(
            id=row["id"], team_id=row["team_id"], user_id=row["user_id"], file_id=row["file_id"],
            index=row["candidate_index"], channel_id=row["channel_id"], thread_ts=row["thread_ts"],
            created_at=row["created_at"], expires_at=row["expires_at"], expired=self.clock() >= row["expires_at"],
        )
    # --- the voice library ------------------------------------------------------------------------

    @staticmethod
    def _voices(team_id: str) -> tuple[ColumnElement[bool], ...]:
        return jobs.c.team_id == team_id, jobs.c.voice_id.is_not(None), jobs.c.deleted_at.is_(None)

    async def voice_library(self, team_id: str, *, user_id: str | None, offset: int, limit: int
                            ) -> tuple[list[Job], int]:
        where = [*self._voices(team_id)] + ([jobs.c.user_id == user_id] if user_id is not None else [])
        async with self._transaction() as conn:
            total = (await conn.execute(select(func.count()).select_from(jobs).where(*where))).scalar_one()
            found = await conn.execute(
                select(jobs).where(*where).order_by(jobs.c.created_at.desc(), jobs.c.id).offset(offset).limit(limit)
            )
            return await self._jobs(conn, found.mappings().all()), int(total)

    async def voice_of(self, team_id: str, job_id: str) -> Job | None:
        async with self._transaction() as conn:
            row = (await conn.execute(
                select(jobs).where(jobs.c.id == job_id, jobs.c.team_id == team_id)
            )).mappings().first()
            return None if row is None else (await self._jobs(conn, [row]))[0]

    async def voice_names(self, team_id: str, voice_ids: list[str]) -> dict[str, str]:
        if not voice_ids:
            return {}
        async with self._transaction() as conn:
            found = await conn.execute(
                select(jobs.c.voice_id, jobs.c.request).where(*self._voices(team_id), jobs.c.voice_id.in_(voice_ids))
            )
            return {voice_id: rows.clone_request(request).name for voice_id, request in found.all()}

    async def set_permalink(self, job_id: str, url: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(update(jobs).where(jobs.c.id == job_id).values(permalink=url))

    async def claim_deletion(self, team_id: str, job_id: str, user_id: str) -> bool:
        claiming = update(jobs).where(jobs.c.id == job_id, *self._voices(team_id)).values(
            deleted_by=user_id, deleted_at=self.clock())
        async with self._transaction() as conn:
            return (await conn.execute(claiming)).rowcount == 1

    async def release_deletion(self, team_id: str, job_id: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.team_id == team_id)
                               .values(deleted_by=None, deleted_at=None))

    async def record_agent_change(self, change: AgentChange) -> None:
        async with self._transaction() as conn:
            await conn.execute(agent_changes.insert(), asdict(change))

    async def agent_change(self, team_id: str, change_id: str) -> AgentChange | None:
        async with self._transaction() as conn:
            row = (await conn.execute(select(agent_changes).where(
                agent_changes.c.id == change_id, agent_changes.c.team_id == team_id))).mappings().first()
        return None if row is None else rows.agent_change(row)

    async def claim_undo(self, team_id: str, change_id: str, user_id: str) -> bool:
        claiming = update(agent_changes).where(
            agent_changes.c.id == change_id, agent_changes.c.team_id == team_id, agent_changes.c.undone_at.is_(None)
        ).values(undone_by=user_id, undone_at=self.clock())
        async with self._transaction() as conn:
            return (await conn.execute(claiming)).rowcount == 1

    async def release_undo(self, team_id: str, change_id: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(update(agent_changes).where(
                agent_changes.c.id == change_id, agent_changes.c.team_id == team_id
            ).values(undone_by=None, undone_at=None))

    # --- forgetting --------------------------------------------------------------------------------

    async def prune(self, job_cutoff: float) -> int:
        """Drop what has expired: old finished jobs, stale waiting commands and audio, old dedupe keys, design
        candidates a day after their hour."""
        now = self.clock()
        old_finished = select(jobs.c.id).where(jobs.c.created_at < job_cutoff,
                                               jobs.c.stage.not_in([str(s) for s in UNFINISHED]))
        async with self._transaction() as conn:
            for table in (pending, recent_audio):
                await conn.execute(delete(table).where(table.c.saved_at < now - self.ttl_seconds))
            await conn.execute(delete(claims).where(claims.c.claimed_at < now - CLAIM_SECONDS))
            await conn.execute(delete(design_candidates)
                               .where(design_candidates.c.expires_at < now - _CANDIDATE_KEPT_EXPIRED))
            await conn.execute(delete(clone_starts).where(clone_starts.c.job_id.in_(old_finished)))
            await conn.execute(delete(agent_changes).where(agent_changes.c.job_id.in_(old_finished)))
            result = await conn.execute(delete(jobs).where(jobs.c.id.in_(old_finished)))
        return result.rowcount


    # --- workspaces (distribution mode) -------------------------------------------------------------

    async def save_revring_key(self, owner: str, ciphertext: str, connected_by: str) -> None:
        insert = self._insert(revring_keys).values(owner=owner, ciphertext=ciphertext, connected_by=connected_by,
                                                   connected_at=self.clock())
        upsert = insert.on_conflict_do_update(
            index_elements=[revring_keys.c.owner],
            set_={"ciphertext": insert.excluded.ciphertext, "connected_by": insert.excluded.connected_by,
                  "connected_at": insert.excluded.connected_at},
        )
        async with self._transaction() as conn:
            await conn.execute(upsert)

    async def revring_key(self, owner: str) -> str | None:
        async with self._transaction() as conn:
            found = await conn.execute(select(revring_keys.c.ciphertext).where(revring_keys.c.owner == owner))
            return found.scalar()

    async def delete_revring_key(self, owner: str) -> bool:
        async with self._transaction() as conn:
            result = await conn.execute(delete(revring_keys).where(revring_keys.c.owner == owner))
        return result.rowcount > 0

    async def forget_workspace(self, team_id: str | None, enterprise_id: str | None) -> int:
        if team_id:
            owner, of = team_id, lambda table: table.c.team_id == team_id
        elif enterprise_id:  # an org-wide install: every workspace of the org
            owner, of = enterprise_id, lambda table: table.c.enterprise_id == enterprise_id
        else:
            return 0
        async with self._transaction() as conn:
            await conn.execute(delete(revring_keys).where(revring_keys.c.owner == owner))
            for table in (pending, recent_audio):
                await conn.execute(delete(table).where(of(table)))
            their_jobs = select(jobs.c.id).where(of(jobs))
            await conn.execute(delete(clone_starts).where(clone_starts.c.job_id.in_(their_jobs)))
            result = await conn.execute(delete(jobs).where(of(jobs)))
        return result.rowcount

    # --- what slack_sdk's stores need -----------------------------------------------------------------

    @property
    def engine(self) -> AsyncEngine:
        """The engine slack_sdk's installation and OAuth state stores share (bot.store.slack_oauth)."""
        return self._engine

