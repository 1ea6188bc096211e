"""Design candidates in SQL: one row each, read only within their workspace; and a row per design asked for, counted
for DESIGNS_PER_HOUR as clone starts are for CLONES_PER_HOUR (bot.store.sql.jobs): on PostgreSQL under a
transaction-scoped advisory lock on the person, so concurrent requests of one person are counted one after another."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text

from bot.records import DesignCandidate
from bot.store.schema import design_candidates, design_starts
from bot.store.sql.base import SQLAggregate

# An expired design candidate is kept this long, so that saving it says "expired" rather than "unknown".
CANDIDATE_KEPT_EXPIRED = 86400.0
DESIGN_WINDOW_SECONDS = 3600.0  # DESIGNS_PER_HOUR counts the designs asked for in this long
_DESIGNER_LOCK = 3  # pg_advisory_xact_lock(int, int)'s key space for people designing (jobs use 1 and 2)


class SQLDesignCandidates(SQLAggregate):
    """DesignCandidates in SQLite or PostgreSQL (the expired ones, and old design starts, go in `SQLStore.prune`)."""

    async def start_design(
        self, *, team_id: str, enterprise_id: str | None, user_id: str, per_user_per_hour: int
    ) -> float | None:
        async with self._transaction() as conn:
            if self.database.is_postgres:
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:space, hashtext(:key))"),
                    {"space": _DESIGNER_LOCK, "key": f"{team_id}\x1f{user_id}"},
                )
            now = self.clock()
            started = (
                (
                    await conn.execute(
                        select(design_starts.c.started_at)
                        .where(
                            design_starts.c.team_id == team_id,
                            design_starts.c.user_id == user_id,
                            design_starts.c.started_at > now - DESIGN_WINDOW_SECONDS,
                        )
                        .order_by(design_starts.c.started_at.desc())
                        .limit(per_user_per_hour)
                    )
                )
                .scalars()
                .all()
            )
            if len(started) >= per_user_per_hour:
                return max(started[-1] + DESIGN_WINDOW_SECONDS - now, 0.0)
            await conn.execute(
                design_starts.insert(),
                {"team_id": team_id, "enterprise_id": enterprise_id, "user_id": user_id, "started_at": now},
            )
        return None

    async def add_candidate(
        self,
        *,
        team_id: str,
        user_id: str,
        file_id: str,
        index: int,
        channel_id: str,
        thread_ts: str,
        keep_seconds: float,
        enterprise_id: str | None = None,
    ) -> DesignCandidate:
        now = self.clock()
        candidate = DesignCandidate(
            uuid.uuid4().hex,
            team_id,
            user_id,
            file_id,
            index,
            channel_id,
            thread_ts,
            created_at=now,
            expires_at=now + keep_seconds,
        )
        async with self._transaction() as conn:
            await conn.execute(
                design_candidates.insert(),
                {
                    "id": candidate.id,
                    "team_id": team_id,
                    "enterprise_id": enterprise_id,
                    "user_id": user_id,
                    "file_id": file_id,
                    "candidate_index": index,
                    "channel_id": channel_id,
                    "thread_ts": thread_ts,
                    "created_at": candidate.created_at,
                    "expires_at": candidate.expires_at,
                },
            )
        return candidate

    async def get_candidate(self, team_id: str, candidate_id: str) -> DesignCandidate | None:
        found = select(design_candidates).where(
            design_candidates.c.id == candidate_id, design_candidates.c.team_id == team_id
        )
        async with self._transaction() as conn:
            row = (await conn.execute(found)).mappings().first()
        if row is None:
            return None
        return DesignCandidate(
            id=row["id"],
            team_id=row["team_id"],
            user_id=row["user_id"],
            file_id=row["file_id"],
            index=row["candidate_index"],
            channel_id=row["channel_id"],
            thread_ts=row["thread_ts"],
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            expired=self.clock() >= row["expires_at"],
        )
