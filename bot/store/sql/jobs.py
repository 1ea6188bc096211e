"""The job queue in SQL: admission under the rules, the oldest job taken by one runner, leases and fences.

What must hold under concurrency holds on both engines:
- admission reads the rules and then writes, so on PostgreSQL it first takes transaction-scoped advisory locks on
  (team, file) and on (team, person), always in that order: concurrent requests for the same file or by the same
  person queue there, and each sees what the one before it committed (READ COMMITTED reads afresh per statement).
  On SQLite the one connection and BEGIN IMMEDIATE serialise every transaction anyway;
- taking a job reads the oldest takeable row with FOR UPDATE SKIP LOCKED (PostgreSQL), so two runners never get the
  same job and neither waits for the other; UPDATE … RETURNING writes and reads it in one statement;
- every fenced write is one UPDATE whose WHERE names the fence: it changes the row only while the writer holds it.

A clone passes through here several times, so these are plain driver calls (bot.store.sql.plain), one transaction
each, most of them a single statement.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.records import RETRYABLE, Admission, Admitted, CloneRequest, Consent, Job, Stage
from bot.store import rows
from bot.store.database import Database
from bot.store.jobs import DEFAULT_LEASE_SECONDS
from bot.store.sql.base import SQLAggregate
from bot.store.sql.consents import insert_consent
from bot.store.sql.job_rows import BUSY as _BUSY
from bot.store.sql.job_rows import UNFINISHED_STAGES as _UNFINISHED
from bot.store.sql.job_rows import SQLJobReads, listed, read_job, read_jobs
from bot.store.sql.plain import Command, Plan, Query

_HOUR = 3600.0
# Key spaces of pg_advisory_xact_lock(int, int): one for files, one for people.
_FILE_LOCK, _PERSON_LOCK = 1, 2

_RETRYABLE = listed(RETRYABLE)
# Work left to do (unfinished, or an answer not yet shown) that nobody holds under a live lease.
_TAKEABLE = f"(stage IN ({_UNFINISHED}) OR answer IS NOT NULL) AND (owner IS NULL OR lease_until < :now)"
# The job is still held by the runner that took it with this fence (not taken over, not released).
_HELD = "id = :id AND fence = :fence AND owner IS NOT NULL"

_LOCK = "SELECT pg_advisory_xact_lock(:space, hashtext(:key))"
_SAME_FILE = (
    "SELECT * FROM jobs WHERE team_id = :team_id AND file_id = :file_id AND id <> :id "  # noqa: S608
    f"AND (stage IN ({_BUSY}) OR (stage = '{Stage.DONE}' "
    "AND (created_at >= :recent OR created_at > :created_at))) ORDER BY created_at DESC LIMIT 1"
)
# The start that would drop out of the hour first if `limit` were reached: none while under the limit.
_LIMIT_REACHED = (
    "SELECT started_at FROM clone_starts WHERE team_id = :team_id AND user_id = :user_id AND started_at >= :since "
    "ORDER BY started_at DESC LIMIT 1 OFFSET :skip"
)
_INSERT_JOB = (
    "INSERT INTO jobs (id, team_id, enterprise_id, user_id, file_id, request, stage, created_at, queued_at, "
    "updated_at, retries, owner, lease_until, fence) VALUES (:id, :team_id, :enterprise_id, :user_id, :file_id, "
    ":request, :stage, :now, :now, :now, 0, :owner, :lease_until, :fence)"
)
_COUNT_START = (
    "INSERT INTO clone_starts (job_id, team_id, user_id, started_at, retry) "
    "VALUES (:job_id, :team_id, :user_id, :now, :retry)"
)
_REOPEN = (
    f"UPDATE jobs SET stage = '{Stage.RECEIVED}', failure = NULL, answer = NULL, retries = retries + 1, "  # noqa: S608
    "queued_at = :now, updated_at = :now, owner = :owner, lease_until = :lease_until, fence = fence + 1 "
    f"WHERE id = :id AND stage IN ({_RETRYABLE})"
)
_REOPEN_WITH_REQUEST = _REOPEN.replace("retries = retries + 1, ", "retries = retries + 1, request = :request, ")
_PROGRESS = (
    "stage = :stage, voice_id = :voice_id, voice_status = :voice_status, failure = :failure, answer = :answer, "
    "request = :request"
)
_REPLY = ", reply_channel = :reply_channel, reply_ts = :reply_ts"
_UPDATES = {  # (with the reply, fenced) -> the statement; the reply is written only once known (never unset)
    (reply, fenced): f"UPDATE jobs SET {_PROGRESS}{_REPLY if reply else ''}, updated_at = :now "  # noqa: S608
    f"WHERE {_HELD if fenced else 'id = :id'}"
    for reply in (False, True)
    for fenced in (False, True)
}
_TAKE_OLDEST = f"SELECT id, owner FROM jobs WHERE {_TAKEABLE} ORDER BY queued_at, id LIMIT 1"  # noqa: S608
_TAKE = "UPDATE jobs SET owner = :owner, lease_until = :lease_until, fence = fence + 1 WHERE id = :id RETURNING *"
_FIRST_LEASE_END = (
    f"SELECT MIN(lease_until) AS ends FROM jobs WHERE (stage IN ({_UNFINISHED}) OR answer IS NOT NULL) "  # noqa: S608
    "AND owner IS NOT NULL AND owner <> :owner"
)
_RENEW = f"UPDATE jobs SET lease_until = :lease_until WHERE {_HELD}"  # noqa: S608
_RELEASE = f"UPDATE jobs SET owner = NULL, lease_until = NULL WHERE {_HELD}"  # noqa: S608
_RELEASE_WITH_REPLY = (
    "UPDATE jobs SET owner = NULL, lease_until = NULL, reply_channel = :channel, reply_ts = :ts "  # noqa: S608
    f"WHERE {_HELD}"
)
_ADOPT = (
    "UPDATE jobs SET owner = :owner, lease_until = :lease_until, fence = fence + 1 "  # noqa: S608
    "WHERE id = :id AND retries = :retries AND voice_id IS NULL "
    f"AND stage IN ('{Stage.UPLOADING}', '{Stage.INTERRUPTED}') RETURNING fence"
)
_TAKE_WAITING = (
    "UPDATE jobs SET owner = :owner, lease_until = :lease_until, fence = fence + 1 "  # noqa: S608
    f"WHERE id = :id AND stage = '{Stage.RECEIVED}' AND answer IS NULL AND (owner IS NULL OR lease_until < :now) "
    "RETURNING *"
)
_EXPIRE_OTHERS = (
    f"UPDATE jobs SET lease_until = 0.0 WHERE (stage IN ({_UNFINISHED}) OR answer IS NOT NULL) "  # noqa: S608
    "AND owner IS NOT NULL AND owner <> :owner"
)


class SQLJobQueue(SQLJobReads):
    """JobQueue in SQLite or PostgreSQL. The same file is not cloned twice within `dedupe_seconds`."""

    def __init__(
        self,
        database: Database,
        engine: AsyncEngine,
        *,
        dedupe_seconds: float = 600.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        SQLAggregate.__init__(self, database, engine, clock=clock)
        self.dedupe_seconds = dedupe_seconds

    # --- admission ---------------------------------------------------------------------------------

    async def admit(
        self,
        request: CloneRequest,
        *,
        per_user_per_hour: int,
        runner: str,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        consent: Consent | None = None,
    ) -> Admitted:
        job_id = uuid.uuid4().hex[:16]
        return await self._run(self._admit(request, job_id, per_user_per_hour, runner, lease_seconds, consent))

    def _admit(
        self, request: CloneRequest, job_id: str, limit: int, runner: str, lease_seconds: float, consent: Consent | None
    ) -> Plan[Admitted]:
        yield from self._lock_rules(request)
        now = self.clock()
        refusal = yield from self._refusal(request, job_id, created_at=now, now=now, limit=limit)
        if refusal is not None:
            return refusal
        yield Command(
            _INSERT_JOB,
            {
                "id": job_id,
                "team_id": request.team_id,
                "enterprise_id": request.enterprise_id,
                "user_id": request.user_id,
                "file_id": request.file.id,
                "request": rows.dump(asdict(request)),
                "stage": str(Stage.RECEIVED if consent is None else Stage.AWAITING_CONSENT),
                "now": now,
                # A job waiting for its speaker is nobody's to run (fence 0) until the speaker agrees.
                "owner": runner if consent is None else None,
                "lease_until": now + lease_seconds if consent is None else None,
                "fence": 1 if consent is None else 0,
            },
        )
        yield from self._count_start(job_id, request, now, retry=False)
        if consent is not None:  # its wait counted from the store's clock, as long as asked
            wait = consent.expires_at - consent.asked_at
            yield from insert_consent(replace(consent, job_id=job_id, asked_at=now, expires_at=now + wait))
            job = Job(id=job_id, request=request, stage=Stage.AWAITING_CONSENT, created_at=now, fence=0)
            return Admitted(Admission.ACCEPTED, job)
        return Admitted(
            Admission.ACCEPTED, Job(id=job_id, request=request, stage=Stage.RECEIVED, created_at=now, fence=1)
        )

    async def reopen_job(
        self,
        job_id: str,
        *,
        per_user_per_hour: int,
        runner: str,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        request: CloneRequest | None = None,
    ) -> Admitted | None:
        return await self._run(self._reopen(job_id, per_user_per_hour, runner, lease_seconds, request))

    def _reopen(
        self, job_id: str, limit: int, runner: str, lease_seconds: float, request: CloneRequest | None
    ) -> Plan[Admitted | None]:
        found = yield from read_job(job_id)
        if found is None:
            return None
        yield from self._lock_rules(found.request)
        current = yield from read_job(job_id)  # as it is now that nothing else can decide on it
        if current is None:
            return None
        if current.stage not in RETRYABLE:
            return Admitted(Admission.DUPLICATE, existing=current)  # running again already, or done
        now = self.clock()
        refusal = yield from self._refusal(current.request, job_id, created_at=current.created_at, now=now, limit=limit)
        if refusal is not None:
            return refusal
        values = {"id": job_id, "now": now, "owner": runner, "lease_until": now + lease_seconds}
        if request is None:
            reopened = yield Command(_REOPEN, values)
        else:  # Clone anyway: the request goes again, marked accepted, in the same write
            reopened = yield Command(_REOPEN_WITH_REQUEST, {**values, "request": rows.dump(asdict(request))})
        if reopened != 1:  # a writer without the locks moved it meanwhile
            return Admitted(Admission.DUPLICATE, existing=(yield from read_job(job_id)))
        yield from self._count_start(job_id, current.request, now, retry=True)
        return Admitted(Admission.ACCEPTED, (yield from read_job(job_id)))

    def _lock_rules(self, request: CloneRequest) -> Plan[None]:
        """PostgreSQL: hold the file and the person until commit (always in this order, so never a deadlock)."""
        if not self.database.is_postgres:
            return
        for space, key in ((_FILE_LOCK, request.file.id), (_PERSON_LOCK, request.user_id)):
            yield Query(_LOCK, {"space": space, "key": f"{request.team_id}\x1f{key}"})

    def _refusal(
        self, request: CloneRequest, job_id: str, *, created_at: float, now: float, limit: int
    ) -> Plan[Admitted | None]:
        """Why `request` may not start now, or None. The same file: another job of it is running, or made a voice
        recently or since this request was made. The person: `limit` clones started in the last hour."""
        same_file = yield Query(
            _SAME_FILE,
            {
                "team_id": request.team_id,
                "file_id": request.file.id,
                "id": job_id,
                "recent": now - self.dedupe_seconds,
                "created_at": created_at,
            },
        )
        if same_file:
            return Admitted(Admission.DUPLICATE, existing=(yield from read_jobs(same_file))[0])
        if limit <= 0:
            return Admitted(Admission.RATE_LIMITED, retry_after_seconds=_HOUR)
        reached = yield Query(
            _LIMIT_REACHED,
            {"team_id": request.team_id, "user_id": request.user_id, "since": now - _HOUR, "skip": limit - 1},
        )
        if not reached:
            return None
        return Admitted(Admission.RATE_LIMITED, retry_after_seconds=max(reached[0]["started_at"] + _HOUR - now, 0))

    @staticmethod
    def _count_start(job_id: str, request: CloneRequest, now: float, *, retry: bool) -> Plan[None]:
        yield Command(
            _COUNT_START,
            {"job_id": job_id, "team_id": request.team_id, "user_id": request.user_id, "now": now, "retry": int(retry)},
        )

    # --- running jobs ------------------------------------------------------------------------------

    async def take_next(self, runner: str, lease_seconds: float) -> Job | None:
        return await self._run(self._take_next(runner, lease_seconds), background=True)

    def _take_next(self, runner: str, lease_seconds: float) -> Plan[Job | None]:
        now = self.clock()
        # FOR UPDATE SKIP LOCKED: PostgreSQL; SQLite runs one transaction at a time.
        lock = " FOR UPDATE SKIP LOCKED" if self.database.is_postgres else ""
        found = yield Query(_TAKE_OLDEST + lock, {"now": now})
        if not found:
            return None
        taken = yield Query(_TAKE, {"id": found[0]["id"], "owner": runner, "lease_until": now + lease_seconds})
        job = (yield from read_jobs(taken))[0]
        # Someone held it and stopped renewing: a takeover (a released job has no owner).
        return replace(job, taken_over=found[0]["owner"] is not None)

    async def seconds_until_a_lease_ends(self, runner: str) -> float | None:
        found = await self._one(Query(_FIRST_LEASE_END, {"owner": runner}), background=True)
        ends = found[0]["ends"]
        return None if ends is None else max(ends - self.clock(), 0.0)

    async def renew(self, job_id: str, fence: int, lease_seconds: float) -> bool:
        return (
            await self._one(
                Command(_RENEW, {"id": job_id, "fence": fence, "lease_until": self.clock() + lease_seconds})
            )
            == 1
        )

    async def release(self, job_id: str, fence: int, reply: tuple[str, str] | None = None) -> bool:
        if reply is None:
            return await self._one(Command(_RELEASE, {"id": job_id, "fence": fence}), background=True) == 1
        releasing = {"id": job_id, "fence": fence, "channel": reply[0], "ts": reply[1]}
        return await self._one(Command(_RELEASE_WITH_REPLY, releasing), background=True) == 1

    async def update_job(self, job: Job, fence: int | None = None) -> bool:
        values: dict[str, Any] = {**rows.job_progress(job), "id": job.id, "fence": fence, "now": self.clock()}
        writing = _UPDATES["reply_channel" in values, fence is not None]
        return await self._one(Command(writing, values), background=True) == 1

    async def adopt(self, job_id: str, *, retries: int, runner: str, lease_seconds: float) -> int | None:
        adopted = await self._one(
            Query(
                _ADOPT, {"id": job_id, "retries": retries, "owner": runner, "lease_until": self.clock() + lease_seconds}
            )
        )
        return int(adopted[0]["fence"]) if adopted else None

    async def take_waiting(self, job_id: str, *, runner: str, lease_seconds: float) -> Job | None:
        return await self._run(self._take_waiting(job_id, runner, lease_seconds))

    def _take_waiting(self, job_id: str, runner: str, lease_seconds: float) -> Plan[Job | None]:
        now = self.clock()
        taken = yield Query(
            _TAKE_WAITING, {"id": job_id, "owner": runner, "lease_until": now + lease_seconds, "now": now}
        )
        return (yield from read_jobs(taken))[0] if taken else None

    async def expire_leases_of_others(self, runner: str) -> int:
        return await self._one(Command(_EXPIRE_OTHERS, {"owner": runner}))
