"""The inbox in SQL: waiting commands and recent audio (taken with DELETE … RETURNING, so one taker gets each),
and dedupe keys (claimed with INSERT … ON CONFLICT, so one claimer wins)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.records import PendingCommand, RecentAudio
from bot.store import rows
from bot.store.database import Database
from bot.store.inbox import CLAIM_SECONDS
from bot.store.schema import claims, pending, recent_audio
from bot.store.sql.base import SQLAggregate


class SQLInbox(SQLAggregate):
    """Inbox in SQLite or PostgreSQL. Waiting commands and recent audio expire after `ttl_seconds`."""

    def __init__(self, database: Database, engine: AsyncEngine, *, ttl_seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        SQLAggregate.__init__(self, database, engine, clock=clock)
        self.ttl_seconds = ttl_seconds

    async def save_pending(self, command: PendingCommand) -> None:
        await self._put(pending, (command.team_id, command.channel_id, command.user_id), asdict(command),
                        command.enterprise_id)

    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None:
        data = await self._take(pending, (team_id, channel_id, user_id))
        return rows.pending_command(data) if data else None

    async def save_recent_audio(self, audio: RecentAudio) -> None:
        await self._put(recent_audio, (audio.team_id, audio.channel_id, audio.user_id), asdict(audio),
                        audio.enterprise_id)

    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None:
        data = await self._take(recent_audio, (team_id, channel_id, user_id))
        return rows.recent_audio(data) if data else None

    async def _put(self, table: Table, key: tuple[str, str, str], data: dict[str, Any],
                   enterprise_id: str | None) -> None:
        insert = self._insert(table).values(
            team_id=key[0], channel_id=key[1], user_id=key[2], data=rows.dump(data), saved_at=self.clock(),
            enterprise_id=enterprise_id,
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[table.c.team_id, table.c.channel_id, table.c.user_id],
            set_={"data": insert.excluded.data, "saved_at": insert.excluded.saved_at,
                  "enterprise_id": insert.excluded.enterprise_id},
        )
        async with self._transaction() as conn:
            await conn.execute(upsert)

    async def _take(self, table: Table, key: tuple[str, str, str]) -> str | None:
        """Read and delete in one statement, so two requests can never take the same entry."""
        taking = (
            delete(table)
            .where(table.c.team_id == key[0], table.c.channel_id == key[1], table.c.user_id == key[2])
            .returning(table.c.data, table.c.saved_at)
        )
        async with self._transaction() as conn:
            row = (await conn.execute(taking)).first()
        if row is None or self.clock() - row.saved_at > self.ttl_seconds:
            return None
        return row.data

    # --- deduplication -----------------------------------------------------------------------------

    async def claim(self, key: str) -> bool:
        now = self.clock()
        insert = self._insert(claims).values(key=key, claimed_at=now)
        # New, or an expired claim taken afresh: either way one row comes back, and only to one caller.
        claiming = insert.on_conflict_do_update(
            index_elements=[claims.c.key],
            set_={"claimed_at": insert.excluded.claimed_at},
            where=claims.c.claimed_at < now - CLAIM_SECONDS,
        ).returning(claims.c.key)
        async with self._transaction() as conn:
            return (await conn.execute(claiming)).first() is not None
