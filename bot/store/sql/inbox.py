"""The inbox in SQL: waiting commands and recent audio (taken with DELETE … RETURNING, so one taker gets each),
and dedupe keys (claimed with INSERT … ON CONFLICT, so one claimer wins). Every shared file passes through here,
so these are plain driver calls (bot.store.sql.plain), one statement each."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.records import PendingCommand, RecentAudio
from bot.store import rows
from bot.store.database import Database
from bot.store.inbox import CLAIM_SECONDS
from bot.store.sql.base import SQLAggregate
from bot.store.sql.plain import Command, Plan, Query

_KEY = "team_id = :team_id AND channel_id = :channel_id AND user_id = :user_id"
_PUT = (
    "INSERT INTO {table} (team_id, channel_id, user_id, data, saved_at, enterprise_id) "
    "VALUES (:team_id, :channel_id, :user_id, :data, :saved_at, :enterprise_id) "
    "ON CONFLICT (team_id, channel_id, user_id) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at, "
    "enterprise_id = excluded.enterprise_id"
)
_TAKE = f"DELETE FROM {{table}} WHERE {_KEY} RETURNING data, saved_at"  # noqa: S608
_TABLES = ("pending", "recent_audio")
# pg_advisory_xact_lock(int, int)'s key space for a person's inbox in a channel (jobs use 1 and 2, designs 3).
_INBOX_LOCK = 4
_PERSON_LOCK = f"SELECT pg_advisory_xact_lock({_INBOX_LOCK}, hashtext(:key))"
_PUTS, _TAKES = ({table: sql.format(table=table) for table in _TABLES} for sql in (_PUT, _TAKE))
# New, or an expired claim taken afresh: either way one row comes back, and only to one caller.
_CLAIM = (
    'INSERT INTO claims ("key", claimed_at) VALUES (:key, :now) ON CONFLICT ("key") '
    "DO UPDATE SET claimed_at = excluded.claimed_at WHERE claims.claimed_at < :stale RETURNING 1"
)


class SQLInbox(SQLAggregate):
    """Inbox in SQLite or PostgreSQL. Waiting commands and recent audio expire after `ttl_seconds`."""

    def __init__(
        self, database: Database, engine: AsyncEngine, *, ttl_seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        SQLAggregate.__init__(self, database, engine, clock=clock)
        self.ttl_seconds = ttl_seconds

    async def save_pending(self, command: PendingCommand) -> None:
        await self._put(
            "pending", (command.team_id, command.channel_id, command.user_id), asdict(command), command.enterprise_id
        )

    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None:
        data = await self._take("pending", (team_id, channel_id, user_id))
        return rows.pending_command(data) if data else None

    async def save_recent_audio(self, audio: RecentAudio) -> None:
        await self._put(
            "recent_audio", (audio.team_id, audio.channel_id, audio.user_id), asdict(audio), audio.enterprise_id
        )

    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None:
        data = await self._take("recent_audio", (team_id, channel_id, user_id))
        return rows.recent_audio(data) if data else None

    async def take_recent_audio_or_wait(
        self, team_id: str, channel_id: str, user_id: str, waiting: PendingCommand | None
    ) -> RecentAudio | None:
        data = await self._run(self._take_or_wait((team_id, channel_id, user_id), waiting))
        return rows.recent_audio(data) if data else None

    def _take_or_wait(self, key: tuple[str, str, str], waiting: PendingCommand | None) -> Plan[str | None]:
        yield from self._one_at_a_time(key)
        data = self._fresh((yield self._take_step("recent_audio", key)))
        if data is None and waiting is not None:
            yield self._put_step("pending", key, asdict(waiting), waiting.enterprise_id)
        return data

    async def take_pending_or_keep_audio(
        self, team_id: str, channel_id: str, user_id: str, audio: RecentAudio | None
    ) -> PendingCommand | None:
        data = await self._run(self._take_or_keep((team_id, channel_id, user_id), audio))
        return rows.pending_command(data) if data else None

    def _take_or_keep(self, key: tuple[str, str, str], audio: RecentAudio | None) -> Plan[str | None]:
        yield from self._one_at_a_time(key)
        data = self._fresh((yield self._take_step("pending", key)))
        if data is None and audio is not None:
            yield self._put_step("recent_audio", key, asdict(audio), audio.enterprise_id)
        return data

    def _one_at_a_time(self, key: tuple[str, str, str]) -> Plan[None]:
        """A command and a file of one person in one channel meet, never pass each other: on SQLite every writing
        transaction has the file to itself (BEGIN IMMEDIATE); on PostgreSQL the two take this person's lock."""
        if self.database.is_postgres:
            yield Query(_PERSON_LOCK, {"key": ":".join(key)})

    async def _put(
        self, table: str, key: tuple[str, str, str], data: dict[str, Any], enterprise_id: str | None
    ) -> None:
        await self._one(self._put_step(table, key, data, enterprise_id))

    def _put_step(
        self, table: str, key: tuple[str, str, str], data: dict[str, Any], enterprise_id: str | None
    ) -> Command:
        return Command(
            _PUTS[table],
            {
                "team_id": key[0],
                "channel_id": key[1],
                "user_id": key[2],
                "data": rows.dump(data),
                "saved_at": self.clock(),
                "enterprise_id": enterprise_id,
            },
        )

    async def _take(self, table: str, key: tuple[str, str, str]) -> str | None:
        """Read and delete in one statement, so two requests can never take the same entry."""
        return self._fresh(await self._one(self._take_step(table, key)))

    @staticmethod
    def _take_step(table: str, key: tuple[str, str, str]) -> Query:
        return Query(_TAKES[table], {"team_id": key[0], "channel_id": key[1], "user_id": key[2]})

    def _fresh(self, taken: Any) -> str | None:
        if not taken or self.clock() - taken[0]["saved_at"] > self.ttl_seconds:
            return None
        return taken[0]["data"]

    # --- deduplication -----------------------------------------------------------------------------

    async def claim(self, key: str) -> bool:
        now = self.clock()
        return bool(await self._one(Query(_CLAIM, {"key": key, "now": now, "stale": now - CLAIM_SECONDS})))
