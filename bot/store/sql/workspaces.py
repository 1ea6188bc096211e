"""Workspaces in SQL: RevRing keys (one row per owner, replaced with INSERT … ON CONFLICT), and an uninstall, which
reaches into the other aggregates' tables in one transaction so that a workspace goes at once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, Table, delete, select

from bot.store.schema import clone_starts, jobs, pending, recent_audio, revring_keys
from bot.store.sql.base import SQLAggregate


class SQLWorkspaces(SQLAggregate):
    """Workspaces in SQLite or PostgreSQL."""

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
        of: Callable[[Table], ColumnElement[bool]]
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
