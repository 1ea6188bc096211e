"""The voice library in SQL: a workspace's voices are its rows of `jobs` that made one and were not deleted;
a deletion or an undo is claimed with one UPDATE, so of two clicks one wins.

The Home tab reads a page of it after clones, so reading and the permalinks are plain driver calls
(bot.store.sql.plain); the rest is SQLAlchemy Core."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import ColumnElement, select, update

from bot.records import AgentChange, Job
from bot.store import rows
from bot.store.schema import agent_changes, jobs
from bot.store.sql.base import SQLAggregate
from bot.store.sql.job_rows import read_jobs
from bot.store.sql.plain import Command, Plan, Query

# A workspace's voices.
_VOICES = "team_id = :team_id AND voice_id IS NOT NULL AND deleted_at IS NULL"


def _voices(team_id: str) -> tuple[ColumnElement[bool], ...]:
    return jobs.c.team_id == team_id, jobs.c.voice_id.is_not(None), jobs.c.deleted_at.is_(None)


class SQLVoiceLibrary(SQLAggregate):
    """VoiceLibrary in SQLite or PostgreSQL."""

    async def voice_library(
        self, team_id: str, *, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[Job], int]:
        return await self._run(_library_page(team_id, user_id, offset, limit), writes=False)

    async def voice_of(self, team_id: str, job_id: str) -> Job | None:
        return await self._run(_voice_of(team_id, job_id), writes=False)

    async def voice_names(self, team_id: str, voice_ids: list[str]) -> dict[str, str]:
        if not voice_ids:
            return {}
        async with self._transaction() as conn:
            found = await conn.execute(
                select(jobs.c.voice_id, jobs.c.request).where(*_voices(team_id), jobs.c.voice_id.in_(voice_ids))
            )
            return {voice_id: rows.clone_request(request).name for voice_id, request in found.all()}

    async def set_permalink(self, job_id: str, url: str) -> None:
        await self._one(Command("UPDATE jobs SET permalink = :url WHERE id = :id", {"id": job_id, "url": url}))

    async def claim_deletion(self, team_id: str, job_id: str, user_id: str) -> bool:
        claiming = (
            update(jobs)
            .where(jobs.c.id == job_id, *_voices(team_id))
            .values(deleted_by=user_id, deleted_at=self.clock())
        )
        async with self._transaction() as conn:
            return (await conn.execute(claiming)).rowcount == 1

    async def release_deletion(self, team_id: str, job_id: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id, jobs.c.team_id == team_id)
                .values(deleted_by=None, deleted_at=None)
            )

    # --- voices put on RevRing agents, and undone --------------------------------------------------

    async def record_agent_change(self, change: AgentChange) -> None:
        async with self._transaction() as conn:
            await conn.execute(agent_changes.insert(), asdict(change))

    async def agent_change(self, team_id: str, change_id: str) -> AgentChange | None:
        async with self._transaction() as conn:
            row = (
                (
                    await conn.execute(
                        select(agent_changes).where(agent_changes.c.id == change_id, agent_changes.c.team_id == team_id)
                    )
                )
                .mappings()
                .first()
            )
        return None if row is None else rows.agent_change(row)

    async def claim_undo(self, team_id: str, change_id: str, user_id: str) -> bool:
        claiming = (
            update(agent_changes)
            .where(
                agent_changes.c.id == change_id, agent_changes.c.team_id == team_id, agent_changes.c.undone_at.is_(None)
            )
            .values(undone_by=user_id, undone_at=self.clock())
        )
        async with self._transaction() as conn:
            return (await conn.execute(claiming)).rowcount == 1

    async def release_undo(self, team_id: str, change_id: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(
                update(agent_changes)
                .where(agent_changes.c.id == change_id, agent_changes.c.team_id == team_id)
                .values(undone_by=None, undone_at=None)
            )


def _library_page(team_id: str, user_id: str | None, offset: int, limit: int) -> Plan[tuple[list[Job], int]]:
    where = _VOICES + (" AND user_id = :user_id" if user_id is not None else "")
    params = {"team_id": team_id, "user_id": user_id, "offset": offset, "limit": limit}
    total = yield Query(f"SELECT COUNT(*) AS total FROM jobs WHERE {where}", params)  # noqa: S608
    found = yield Query(
        f"SELECT * FROM jobs WHERE {where} ORDER BY created_at DESC, id LIMIT :limit OFFSET :offset",  # noqa: S608
        params,
    )
    return (yield from read_jobs(found)), int(total[0]["total"])


def _voice_of(team_id: str, job_id: str) -> Plan[Job | None]:
    found = yield Query("SELECT * FROM jobs WHERE id = :id AND team_id = :team_id", {"id": job_id, "team_id": team_id})
    return (yield from read_jobs(found))[0] if found else None
