"""The job queue in SQL: admission under the rules, the oldest job taken by one runner, leases and fences.

What must hold under concurrency holds on both engines:
- admission reads the rules and then writes, so on PostgreSQL it first takes transaction-scoped advisory locks on
  (team, file) and on (team, person), always in that order: concurrent requests for the same file or by the same
  person queue there, and each sees what the one before it committed (READ COMMITTED reads afresh per statement).
  On SQLite the one connection and BEGIN IMMEDIATE serialise every transaction anyway;
- taking a job reads the oldest takeable row with FOR UPDATE SKIP LOCKED (PostgreSQL), so two runners never get the
  same job and neither waits for the other; UPDATE … RETURNING writes and reads it in one statement.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace

from sqlalchemy import ColumnElement, and_, case, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.records import RETRYABLE, UNFINISHED, Admission, Admitted, CloneRequest, Job, Stage
from bot.store import rows
from bot.store.database import Database
from bot.store.jobs import DEFAULT_LEASE_SECONDS
from bot.store.schema import clone_starts, jobs
from bot.store.sql.base import SQLAggregate
from bot.store.sql.job_rows import read_job, read_jobs

_HOUR = 3600.0
# Key spaces of pg_advisory_xact_lock(int, int): one for files, one for people.
_FILE_LOCK, _PERSON_LOCK = 1, 2


class SQLJobQueue(SQLAggregate):
    """JobQueue in SQLite or PostgreSQL. The same file is not cloned twice within `dedupe_seconds`."""

    def __init__(self, database: Database, engine: AsyncEngine, *, dedupe_seconds: float = 600.0,
                 clock: Callable[[], float] = time.time) -> None:
        SQLAggregate.__init__(self, database, engine, clock=clock)
        self.dedupe_seconds = dedupe_seconds

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
                         lease_seconds: float = DEFAULT_LEASE_SECONDS,
                         request: CloneRequest | None = None) -> Admitted | None:
        async with self._transaction() as conn:
            found = await read_job(conn, job_id)
            if found is None:
                return None
            await self._lock_rules(conn, found.request)
            current = await read_job(conn, job_id)  # as it is now that nothing else can decide on it
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
                **({} if request is None else {"request": rows.dump(asdict(request))}),
            )
            if (await conn.execute(reopening)).rowcount != 1:  # a writer without the locks moved it meanwhile
                return Admitted(Admission.DUPLICATE, existing=await read_job(conn, job_id))
            await self._count_start(conn, job_id, current.request, now, retry=True)
            reopened = await read_job(conn, job_id)
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
            return Admitted(Admission.DUPLICATE, existing=(await read_jobs(conn, [row]))[0])
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

    @staticmethod
    def _takeable(now: float) -> ColumnElement[bool]:
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
            job = (await read_jobs(conn, [row]))[0]
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

    async def adopt(self, job_id: str, *, retries: int, runner: str, lease_seconds: float) -> int | None:
        async with self._transaction() as conn:
            adopted = (await conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.retries == retries, jobs.c.voice_id.is_(None),
                       jobs.c.stage.in_([str(Stage.UPLOADING), str(Stage.INTERRUPTED)]))
                .values(owner=runner, lease_until=self.clock() + lease_seconds, fence=jobs.c.fence + 1)
                .returning(jobs.c.fence)
            )).first()
        return None if adopted is None else int(adopted.fence)

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

    async def get_job(self, job_id: str) -> Job | None:
        async with self._transaction() as conn:
            return await read_job(conn, job_id)

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

    async def recent_jobs(self, team_id: str, limit: int) -> list[Job]:
        async with self._transaction() as conn:
            found = await conn.execute(
                select(jobs).where(jobs.c.team_id == team_id).order_by(jobs.c.created_at.desc()).limit(limit)
            )
            return await read_jobs(conn, found.mappings().all())
