"""Design candidates in SQL: one row each, read only within their workspace."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from bot.records import DesignCandidate
from bot.store.schema import design_candidates
from bot.store.sql.base import SQLAggregate

# An expired design candidate is kept this long, so that saving it says "expired" rather than "unknown".
CANDIDATE_KEPT_EXPIRED = 86400.0


class SQLDesignCandidates(SQLAggregate):
    """DesignCandidates in SQLite or PostgreSQL (the expired ones go in `SQLStore.prune`)."""

    async def add_candidate(
        self, *, team_id: str, user_id: str, file_id: str, index: int, channel_id: str, thread_ts: str,
        keep_seconds: float,
    ) -> DesignCandidate:
        now = self.clock()
        candidate = DesignCandidate(uuid.uuid4().hex, team_id, user_id, file_id, index, channel_id, thread_ts,
                                    created_at=now, expires_at=now + keep_seconds)
        async with self._transaction() as conn:
            await conn.execute(design_candidates.insert(), {
                "id": candidate.id, "team_id": team_id, "user_id": user_id, "file_id": file_id,
                "candidate_index": index, "channel_id": channel_id, "thread_ts": thread_ts,
                "created_at": candidate.created_at, "expires_at": candidate.expires_at,
            })
        return candidate

    async def get_candidate(self, team_id: str, candidate_id: str) -> DesignCandidate | None:
        found = select(design_candidates).where(design_candidates.c.id == candidate_id,
                                                design_candidates.c.team_id == team_id)
        async with self._transaction() as conn:
            row = (await conn.execute(found)).mappings().first()
        if row is None:
            return None
        return DesignCandidate(
            id=row["id"], team_id=row["team_id"], user_id=row["user_id"], file_id=row["file_id"],
            index=row["candidate_index"], channel_id=row["channel_id"], thread_ts=row["thread_ts"],
            created_at=row["created_at"], expires_at=row["expires_at"], expired=self.clock() >= row["expires_at"],
        )
