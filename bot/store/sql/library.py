"""The voice library in SQL: a workspace's voices are its rows of `jobs` that made one and were not deleted;
a deletion or an undo is claimed with one UPDATE, so of two clicks one wins."""

from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import ColumnElement, func, select, update

from bot.records import AgentChange, Job
from bot.store import rows
from bot.store.schema import agent_changes, jobs
from bot.store.sql.base import SQLAggregate
from bot.store.sql.job_rows import read_jobs


def _voices(team_id: str) -> tuple[ColumnElement[bool], ...]:
    return jobs.c.team_id == team_id, jobs.c.voice_id.is_not(None), jobs.c.deleted_at.is_(None)


class SQLVoiceLibrary(SQLAggregate):
    """VoiceLibrary in SQLite or PostgreSQL."""

    async def voice_library(self, team_id: str, *, user_id: str | None, offset: int, limit: int
                            ) -> tuple[list[Job], int]:
        where = [*_voices(team_id)] + ([jobs.c.user_id == user_id] if user_id is not None else [])
        async with self._transaction() as conn:
            total = (await conn.execute(select(func.count()).select_from(jobs).where(*where))).scalar_one()
            found = await conn.execute(
                select(jobs).where(*where).order_by(jobs.c.created_at.desc(), jobs.c.id).offset(offset).limit(limit)
            )
            return await read_jobs(conn, found.mappings().all()), int(total)

    async def voice_of(self, team_id: str, job_id: str) -> Job | None:
        async with self._transaction() as conn:
            row = (await conn.execute(
                select(jobs).where(jobs.c.id == job_id, jobs.c.team_id == team_id)
            )).mappings().first()
            return None if row is None else (await read_jobs(conn, [row]))[0]

    async def voice_names(self, team_id: str, voice_ids: list[str]) -> dict[str, str]:
        if not voice_ids:
            return {}
        async with self._transaction() as conn:
            found = await conn.execute(
                select(jobs.c.voice_id, jobs.c.request).where(*_voices(team_id), jobs.c.voice_id.in_(voice_ids))
            )
            return {voice_id: rows.clone_request(request).name for voice_id, request in found.all()}

    async def set_permalink(self, job_id: str, url: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(update(jobs).where(jobs.c.id == job_id).values(permalink=url))

    async def claim_deletion(self, team_id: str, job_id: str, user_id: str) -> bool:
        claiming = update(jobs).where(jobs.c.id == job_id, *_voices(team_id)).values(
            deleted_by=user_id, deleted_at=self.clock())
        async with self._transaction() as conn:
            return (await conn.execute(claiming)).rowcount == 1

    async def release_deletion(self, team_id: str, job_id: str) -> None:
        async with self._transaction() as conn:
            await conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.team_id == team_id)
                               .values(deleted_by=None, deleted_at=None))

    # --- voices put on RevRing agents, and undone --------------------------------------------------

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
