"""Reading jobs back, for the job queue and the voice library alike: a row of `jobs` and its Try agains."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.records import Job
from bot.store import rows
from bot.store.schema import clone_starts, jobs


async def read_job(conn: AsyncConnection, job_id: str) -> Job | None:
    row = (await conn.execute(select(jobs).where(jobs.c.id == job_id))).mappings().first()
    return None if row is None else (await read_jobs(conn, [row]))[0]


async def read_jobs(conn: AsyncConnection, found: Iterable[Mapping[Any, Any]]) -> list[Job]:
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
