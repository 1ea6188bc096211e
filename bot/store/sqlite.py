"""`RequestStore` in one SQLite file (zero set-up)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import aiosqlite

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
from bot.store.interface import CLAIM_SECONDS

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pending (
    team_id TEXT, channel_id TEXT, user_id TEXT, data TEXT NOT NULL, saved_at REAL NOT NULL,
    PRIMARY KEY (team_id, channel_id, user_id));
CREATE TABLE IF NOT EXISTS recent_audio (
    team_id TEXT, channel_id TEXT, user_id TEXT, data TEXT NOT NULL, saved_at REAL NOT NULL,
    PRIMARY KEY (team_id, channel_id, user_id));
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, claimed_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, file_id TEXT NOT NULL,
    stage TEXT NOT NULL, created_at REAL NOT NULL, updated_at REAL NOT NULL, data TEXT NOT NULL,
    owner TEXT);
CREATE INDEX IF NOT EXISTS jobs_by_file ON jobs (team_id, file_id, created_at);
CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs (team_id, user_id, created_at);
CREATE INDEX IF NOT EXISTS jobs_by_stage ON jobs (stage);
"""


_UNFINISHED_SQL = "(" + ", ".join(f"'{stage}'" for stage in UNFINISHED) + ")"
_RETRYABLE_SQL = "(" + ", ".join(f"'{stage}'" for stage in RETRYABLE) + ")"
# The rules a job is admitted (or reopened) under, with named parameters. The same file: another job of it is
# running, or made a voice recently or since this request was made.
_SAME_FILE = (
    "SELECT data FROM jobs WHERE team_id = :team AND file_id = :file AND id <> :id "  # noqa: S608
    f"AND (stage IN {_UNFINISHED_SQL} OR (stage = '{Stage.DONE}' AND (created_at >= :fresh OR created_at > :created))) "
    "ORDER BY created_at DESC LIMIT 1"
)
# Every clone the person started in the last hour: each job when it was made, and each Try again of one. A job
# retried in the last hour was updated since then, which keeps the second scan to the person's recent jobs.
_STARTS = (
    "SELECT created_at AS started FROM jobs WHERE team_id = :team AND user_id = :user AND created_at >= :since "
    "UNION ALL SELECT retry.value FROM jobs, json_each(jobs.data, '$.retried_at') AS retry "
    "WHERE team_id = :team AND user_id = :user AND updated_at >= :since AND retry.value >= :since"
)
_WITHIN_RULES = f"NOT EXISTS ({_SAME_FILE}) AND (SELECT COUNT(*) FROM ({_STARTS})) < :limit"  # noqa: S608


def _job_to_json(job: Job) -> str:
    return json.dumps(asdict(job), separators=(",", ":"))


def _job_from_json(text: str) -> Job:
    data = json.loads(text)
    request = data.pop("request")
    request["file"] = SharedFile(**request["file"])
    answer = data.pop("answer", None)
    return Job(
        request=CloneRequest(**request),
        answer=Answer(**answer) if answer else None,
        **{**data, "stage": Stage(data["stage"]), "retried_at": tuple(data.get("retried_at") or ())},
    )


@dataclass
class SQLiteStore:
    """RequestStore in one SQLite file (autocommit). Each operation is a single SQL statement, atomic on its own,
    so no lock is needed around the one connection. Waiting commands and recent audio expire after
    `ttl_seconds`; the same file is not cloned twice within `dedupe_seconds`."""

    path: str
    ttl_seconds: float
    dedupe_seconds: float = 600.0
    clock: Callable[[], float] = time.time
    _db: aiosqlite.Connection | None = field(default=None, init=False, repr=False)

    @classmethod
    async def open(cls, path: str, ttl_seconds: float, **kwargs: Any) -> SQLiteStore:
        store = cls(path, ttl_seconds, **kwargs)
        if path != ":memory:":
            await asyncio.to_thread(Path(path).parent.mkdir, parents=True, exist_ok=True)
        store._db = await aiosqlite.connect(path, isolation_level=None)
        await store._db.execute("PRAGMA journal_mode=WAL")
        await store._db.execute("PRAGMA synchronous=NORMAL")
        await store._db.executescript(_SCHEMA)
        async with store._db.execute("SELECT 1 FROM pragma_table_info('jobs') WHERE name = 'owner'") as cursor:
            if await cursor.fetchone() is None:  # a file written before jobs had an owner
                await store._db.execute("ALTER TABLE jobs ADD COLUMN owner TEXT")
        return store

    @property
    def db(self) -> aiosqlite.Connection:
        assert self._db is not None, "SQLiteStore.open() first"
        return self._db

    async def ping(self) -> None:
        if self._db is None:
            raise sqlite3.ProgrammingError("the store is closed")
        async with self._db.execute("SELECT 1") as cursor:
            await cursor.fetchone()

    async def job_counts(self) -> dict[str, int]:
        async with self.db.execute(
            "SELECT stage, COUNT(*) FROM jobs WHERE stage IN (?, ?, ?) GROUP BY stage", UNFINISHED
        ) as cursor:
            by_stage = dict(await cursor.fetchall())
        return {"waiting": by_stage.get(Stage.RECEIVED, 0),
                "running": by_stage.get(Stage.DOWNLOADING, 0) + by_stage.get(Stage.UPLOADING, 0)}

    async def close(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    # --- waiting commands and recent audio ---------------------------------------------------------

    async def save_pending(self, command: PendingCommand) -> None:
        await self._put("pending", (command.team_id, command.channel_id, command.user_id), asdict(command))

    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None:
        data = await self._take("pending", (team_id, channel_id, user_id))
        return PendingCommand(**data) if data else None

    async def save_recent_audio(self, audio: RecentAudio) -> None:
        await self._put("recent_audio", (audio.team_id, audio.channel_id, audio.user_id), asdict(audio))

    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None:
        data = await self._take("recent_audio", (team_id, channel_id, user_id))
        if not data:
            return None
        return RecentAudio(**{**data, "file": SharedFile(**data["file"])})

    async def _put(self, table: str, key: tuple[str, str, str], data: dict[str, Any]) -> None:
        await self.db.execute(
            f"INSERT OR REPLACE INTO {table} (team_id, channel_id, user_id, data, saved_at) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?)",
            (*key, json.dumps(data), self.clock()),
        )

    async def _take(self, table: str, key: tuple[str, str, str]) -> dict[str, Any] | None:
        """Read and delete in one statement, so two requests can never take the same entry."""
        async with self.db.execute(
            f"DELETE FROM {table} WHERE team_id = ? AND channel_id = ? AND user_id = ? "  # noqa: S608
            "RETURNING data, saved_at",
            key,
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or self.clock() - row[1] > self.ttl_seconds:
            return None
        return json.loads(row[0])

    # --- deduplication -----------------------------------------------------------------------------

    async def claim(self, key: str) -> bool:
        now = self.clock()
        await self.db.execute("DELETE FROM claims WHERE claimed_at < ?", (now - CLAIM_SECONDS,))
        async with self.db.execute(
            "INSERT INTO claims (key, claimed_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", (key, now)
        ) as cursor:
            return cursor.rowcount == 1

    # --- jobs ----------------------------------------------------------------------------------------

    async def admit(self, request: CloneRequest, *, per_user_per_hour: int, runner: str) -> Admitted:
        now = self.clock()
        job = Job(id=uuid.uuid4().hex[:16], request=request, stage=Stage.RECEIVED, created_at=now)
        rules = self._rules(job, now, per_user_per_hour)
        # One statement decides and writes, so two requests for the same file can never both get in.
        async with self.db.execute(
            "INSERT INTO jobs (id, team_id, user_id, file_id, stage, created_at, updated_at, data, owner) "
            f"SELECT :id, :team, :user, :file, :stage, :now, :now, :data, :owner WHERE {_WITHIN_RULES}",
            {**rules, "stage": job.stage, "data": _job_to_json(job), "owner": runner},
        ) as cursor:
            if cursor.rowcount == 1:
                return Admitted(Admission.ACCEPTED, job)
        return await self._refusal(rules)

    def _rules(self, job: Job, now: float, per_user_per_hour: int) -> dict[str, Any]:
        """The named parameters of `_WITHIN_RULES` for `job`."""
        request = job.request
        return {"id": job.id, "team": request.team_id, "user": request.user_id, "file": request.file.id,
                "created": job.created_at, "now": now, "fresh": now - self.dedupe_seconds, "since": now - 3600,
                "limit": per_user_per_hour}

    async def _refusal(self, rules: dict[str, Any]) -> Admitted:
        """Why `_WITHIN_RULES` did not hold: the same file's job, or else the hourly limit."""
        async with self.db.execute(_SAME_FILE, rules) as cursor:
            row = await cursor.fetchone()
        if row is not None:
            return Admitted(Admission.DUPLICATE, existing=_job_from_json(row[0]))
        async with self.db.execute(
            f"{_STARTS} ORDER BY started DESC LIMIT 1 OFFSET :offset", {**rules, "offset": max(rules["limit"] - 1, 0)}
        ) as cursor:
            row = await cursor.fetchone()
        now = rules["now"]
        oldest_counted = row[0] if row else now
        return Admitted(Admission.RATE_LIMITED, retry_after_seconds=max(oldest_counted + 3600 - now, 0))

    async def update_job(self, job: Job) -> None:
        await self.db.execute(
            "UPDATE jobs SET stage = ?, updated_at = ?, data = ? WHERE id = ?",
            (job.stage, self.clock(), _job_to_json(job), job.id),
        )

    async def get_job(self, job_id: str) -> Job | None:
        async with self.db.execute("SELECT data FROM jobs WHERE id = ?", (job_id,)) as cursor:
            row = await cursor.fetchone()
        return _job_from_json(row[0]) if row else None

    async def take_abandoned(self, runner: str) -> list[Job]:
        # One statement: it takes each job for `runner` and returns it, so nothing can start in between. Without
        # leases, a job held by another runner was left by an earlier run of the bot (one process per file).
        async with self.db.execute(
            "UPDATE jobs SET owner = ? WHERE (stage IN (?, ?, ?) OR json_extract(data, '$.answer') IS NOT NULL) "
            "AND (owner IS NULL OR owner <> ?) RETURNING data",
            (runner, *UNFINISHED, runner),
        ) as cursor:
            jobs = [_job_from_json(row[0]) for row in await cursor.fetchall()]
        return sorted(jobs, key=lambda job: job.created_at)

    async def reopen_job(self, job_id: str, *, per_user_per_hour: int, runner: str) -> Admitted | None:
        job = await self.get_job(job_id)
        if job is None:
            return None
        now = self.clock()
        reopened = replace(job, stage=Stage.RECEIVED, failure=None, answer=None, retries=job.retries + 1,
                           retried_at=(*job.retried_at, now))
        rules = self._rules(job, now, per_user_per_hour)
        # Like `admit`, one statement decides and writes: of two clicks, or a click and a new request, one wins.
        async with self.db.execute(
            "UPDATE jobs SET stage = :stage, updated_at = :now, data = :data, owner = :owner "  # noqa: S608
            f"WHERE id = :id AND stage IN {_RETRYABLE_SQL} AND {_WITHIN_RULES}",
            {**rules, "stage": reopened.stage, "data": _job_to_json(reopened), "owner": runner},
        ) as cursor:
            if cursor.rowcount == 1:
                return Admitted(Admission.ACCEPTED, reopened)
        current = await self.get_job(job_id)
        if current is None:
            return None
        if current.stage not in RETRYABLE:
            return Admitted(Admission.DUPLICATE, existing=current)  # running again already, or done
        return await self._refusal(rules)

    async def recent_jobs(self, team_id: str, limit: int) -> list[Job]:
        async with self.db.execute(
            "SELECT data FROM jobs WHERE team_id = ? ORDER BY created_at DESC LIMIT ?", (team_id, limit)
        ) as cursor:
            return [_job_from_json(row[0]) for row in await cursor.fetchall()]

    async def prune(self, job_cutoff: float) -> int:
        """Drop what has expired: old finished jobs, stale waiting commands and audio, old dedupe keys."""
        now = self.clock()
        for table in ("pending", "recent_audio"):
            await self.db.execute(f"DELETE FROM {table} WHERE saved_at < ?", (now - self.ttl_seconds,))  # noqa: S608
        await self.db.execute("DELETE FROM claims WHERE claimed_at < ?", (now - CLAIM_SECONDS,))
        async with self.db.execute(
            "DELETE FROM jobs WHERE created_at < ? AND stage NOT IN (?, ?, ?)", (job_cutoff, *UNFINISHED)
        ) as cursor:
            return cursor.rowcount
