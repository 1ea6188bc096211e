"""Workspaces in SQL: RevRing keys (one row per owner; a replacement reads who connected the old one in the same
transaction), first installers (the first INSERT wins), and an uninstall, which reaches into the other aggregates'
tables in one transaction so that a workspace goes at once."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, Table, and_, delete, select, update

from bot.store.schema import (
    agent_changes,
    clone_starts,
    consents,
    design_candidates,
    design_starts,
    installers,
    jobs,
    pending,
    recent_audio,
    revring_keys,
    slack_bots,
)
from bot.store.sql.base import SQLAggregate
from bot.store.workspaces import StoredKey

# What an installation leaves behind, each table with a team_id and an enterprise_id (agent changes and clone starts
# go with their jobs).
_OF_A_WORKSPACE = (pending, recent_audio, design_candidates, design_starts)


class SQLWorkspaces(SQLAggregate):
    """Workspaces in SQLite or PostgreSQL."""

    async def save_revring_key(self, owner: str, ciphertext: str, connected_by: str) -> str | None:
        row = {"ciphertext": ciphertext, "connected_by": connected_by, "connected_at": self.clock()}
        # A new row, else (the row exists: on PostgreSQL a concurrent first insert is waited for) the old one, locked,
        # read and replaced; SQLite's BEGIN IMMEDIATE already keeps this transaction alone.
        first = (
            self._insert(revring_keys)
            .values(owner=owner, **row)
            .on_conflict_do_nothing(index_elements=[revring_keys.c.owner])
            .returning(revring_keys.c.owner)
        )
        of_owner = revring_keys.c.owner == owner
        async with self._transaction() as conn:
            if (await conn.execute(first)).first() is not None:
                return None
            found = await conn.execute(select(revring_keys.c.connected_by).where(of_owner).with_for_update())
            previous = found.scalar()
            await conn.execute(update(revring_keys).where(of_owner).values(**row))
        return previous

    async def revring_key(self, owner: str) -> StoredKey | None:
        columns = (revring_keys.c.ciphertext, revring_keys.c.connected_by, revring_keys.c.connected_at)
        async with self._transaction() as conn:
            found = (await conn.execute(select(*columns).where(revring_keys.c.owner == owner))).first()
        return StoredKey(found[0], found[1], float(found[2])) if found is not None else None

    async def delete_revring_key(self, owner: str) -> str | None:
        removing = delete(revring_keys).where(revring_keys.c.owner == owner).returning(revring_keys.c.connected_by)
        async with self._transaction() as conn:
            return (await conn.execute(removing)).scalar()

    async def remember_installer(self, owner: str, user_id: str) -> None:
        kept = (
            self._insert(installers)
            .values(owner=owner, user_id=user_id)
            .on_conflict_do_nothing(index_elements=[installers.c.owner])
        )
        async with self._transaction() as conn:
            await conn.execute(kept)

    async def first_installer(self, owner: str) -> str | None:
        async with self._transaction() as conn:
            return (await conn.execute(select(installers.c.user_id).where(installers.c.owner == owner))).scalar()

    async def forget_workspace(self, team_id: str | None, enterprise_id: str | None) -> int:
        of: Callable[[Table], ColumnElement[bool]]
        if team_id:
            owner, of = team_id, lambda table: table.c.team_id == team_id
        elif enterprise_id:
            # An org-wide install: every workspace of the org, but those that installed the app on their own, whose
            # requests their own installation serves (bot.workspaces.slack_clients.find_bot) and goes on serving.
            installed_alone = select(slack_bots.c.team_id).where(
                slack_bots.c.enterprise_id == enterprise_id, slack_bots.c.team_id.is_not(None)
            )
            owner, of = (
                enterprise_id,
                lambda table: and_(table.c.enterprise_id == enterprise_id, table.c.team_id.not_in(installed_alone)),
            )
        else:
            return 0
        async with self._transaction() as conn:
            await conn.execute(delete(revring_keys).where(revring_keys.c.owner == owner))
            await conn.execute(delete(installers).where(installers.c.owner == owner))
            for table in _OF_A_WORKSPACE:
                await conn.execute(delete(table).where(of(table)))
            their_jobs = select(jobs.c.id).where(of(jobs))
            await conn.execute(delete(clone_starts).where(clone_starts.c.job_id.in_(their_jobs)))
            await conn.execute(delete(agent_changes).where(agent_changes.c.job_id.in_(their_jobs)))
            await conn.execute(delete(consents).where(consents.c.job_id.in_(their_jobs)))
            result = await conn.execute(delete(jobs).where(of(jobs)))
        return result.rowcount
