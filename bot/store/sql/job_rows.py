"""Reading jobs back, for the job queue and the voice library alike: a row of `jobs` and its Try agains, as steps
of a plain-driver transaction (bot.store.sql.plain)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.records import Job
from bot.store import rows
from bot.store.sql.plain import Plan, Query


def read_job(job_id: str) -> Plan[Job | None]:
    found = yield Query("SELECT * FROM jobs WHERE id = :id", {"id": job_id})
    if not found:
        return None
    return (yield from read_jobs(found))[0]


def read_jobs(found: Sequence[Mapping[Any, Any]]) -> Plan[list[Job]]:
    """Jobs from their rows, with the times of their Try agains (one more query for those tried again, if any)."""
    retried: dict[str, list[float]] = {row["id"]: [] for row in found if row["retries"]}
    if retried:
        ids = list(retried)
        names = ", ".join(f":job{n}" for n in range(len(ids)))
        starts = yield Query(
            f"SELECT job_id, started_at FROM clone_starts WHERE retry = 1 AND job_id IN ({names}) "  # noqa: S608
            "ORDER BY started_at",
            {f"job{n}": job_id for n, job_id in enumerate(ids)},
        )
        for start in starts:
            retried[start["job_id"]].append(start["started_at"])
    return [rows.job(row, tuple(retried.get(row["id"], ()))) for row in found]
