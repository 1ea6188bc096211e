"""Reading jobs back, for the job queue and the voice library alike: a row of `jobs` and its Try agains, as steps
of a plain-driver transaction (bot.store.sql.plain); and the job queue's reads (one job, the queue's order, the counts,
a workspace's newest jobs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.records import UNFINISHED, Job, Stage
from bot.store import rows
from bot.store.sql.base import SQLAggregate
from bot.store.sql.plain import Plan, Query


def listed(stages: tuple[Stage, ...]) -> str:
    return ", ".join(f"'{stage}'" for stage in stages)


UNFINISHED_STAGES = listed(UNFINISHED)
BUSY = listed((*UNFINISHED, Stage.AWAITING_CONSENT))  # a file that is being cloned, or waits for its speaker


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


_QUEUE_POSITION = (
    "SELECT COUNT(*) AS ahead FROM jobs, (SELECT queued_at AS mine FROM jobs WHERE id = :id) AS me "  # noqa: S608
    f"WHERE stage IN ({UNFINISHED_STAGES}) AND (queued_at < mine OR (queued_at = mine AND id < :id))"
)
_COUNTS = (
    "SELECT COALESCE(SUM(CASE WHEN owner IS NOT NULL AND lease_until >= :now THEN 1 ELSE 0 END), 0) "  # noqa: S608
    f"AS running, COALESCE(SUM(CASE WHEN stage = '{Stage.AWAITING_CONSENT}' THEN 1 ELSE 0 END), 0) AS awaiting, "
    f"COUNT(*) AS unfinished FROM jobs WHERE stage IN ({BUSY})"
)


class SQLJobReads(SQLAggregate):
    """The job queue's reads (bot.store.jobs.JobQueue), beside its writes (bot.store.sql.jobs)."""

    async def get_job(self, job_id: str) -> Job | None:
        return await self._run(read_job(job_id), writes=False)

    async def queue_position(self, job_id: str) -> int:
        counted = await self._one(Query(_QUEUE_POSITION, {"id": job_id}), background=True)
        return int(counted[0]["ahead"])

    async def job_counts(self) -> dict[str, int]:
        counted = await self._one(Query(_COUNTS, {"now": self.clock()}))
        running, awaiting = int(counted[0]["running"]), int(counted[0]["awaiting"])
        waiting = int(counted[0]["unfinished"]) - running - awaiting
        return {"waiting": waiting, "running": running, "awaiting_consent": awaiting}

    async def recent_jobs(self, team_id: str, limit: int) -> list[Job]:
        return await self._run(self._recent_jobs(team_id, limit), writes=False)

    @staticmethod
    def _recent_jobs(team_id: str, limit: int) -> Plan[list[Job]]:
        found = yield Query(
            "SELECT * FROM jobs WHERE team_id = :team_id ORDER BY created_at DESC LIMIT :limit",
            {"team_id": team_id, "limit": limit},
        )
        return (yield from read_jobs(found))
