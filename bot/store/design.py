"""Designed voices before they are saved: the previews a design thread offers, each kept for an hour; and the count
of designs each person asked for, which DESIGNS_PER_HOUR limits."""

from __future__ import annotations

from typing import Protocol

from bot.records import DesignCandidate


class DesignCandidates(Protocol):
    """The previews of designed voices, per workspace. Raises StoreUnavailable (bot.store.errors) while the database
    is down."""

    async def start_design(
        self, *, team_id: str, enterprise_id: str | None, user_id: str, per_user_per_hour: int
    ) -> float | None:
        """Count a design the person asks for now, unless they asked for `per_user_per_hour` in the last hour: then
        nothing is counted and the seconds until they may ask again are returned. Holds under any number of
        concurrent callers, on any number of instances."""
        ...

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
        """Keep a designed voice's uploaded preview for `keep_seconds` from now; returns it with its new id."""
        ...

    async def get_candidate(self, team_id: str, candidate_id: str) -> DesignCandidate | None:
        """The candidate of this workspace, with `expired` set once its hour is over (kept a day after that);
        None when there is no such candidate here."""
        ...
