"""The one thing the rest of the bot knows about storage: the `RequestStore` interface.

Each backend beside this file is a complete implementation of it; nothing outside bot/store looks inside one.
"""

from __future__ import annotations

from typing import Protocol

from bot.records import Admitted, CloneRequest, Job, PendingCommand, RecentAudio

CLAIM_SECONDS = 3600.0  # how long a delivery or message id is remembered for deduplication


class RequestStore(Protocol):
    """What the bot remembers across requests and restarts: waiting commands, recent audio, jobs, dedupe keys."""

    async def save_pending(self, command: PendingCommand) -> None: ...
    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None: ...
    async def save_recent_audio(self, audio: RecentAudio) -> None: ...
    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None: ...
    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed; False while an earlier claim holds (deduplication)."""
        ...

    async def admit(self, request: CloneRequest, *, per_user_per_hour: int, runner: str) -> Admitted:
        """Write a job for `request`, taken by `runner`, unless the same file is already being cloned or the
        person hit the limit."""
        ...

    async def update_job(self, job: Job) -> None: ...
    async def get_job(self, job_id: str) -> Job | None: ...
    async def take_abandoned(self, runner: str) -> list[Job]:
        """Hand `runner` every job an earlier runner left unfinished or with its answer not yet shown, in one
        atomic step: a job `runner` already holds (admitted or reopened by it) is never handed over again."""
        ...

    async def reopen_job(self, job_id: str, *, per_user_per_hour: int, runner: str) -> Admitted | None:
        """Try again: move a failed or interrupted job back to RECEIVED, taken by `runner`, under the rules of
        `admit` (the same file, the hourly limit). DUPLICATE names the job in the way, which is the job itself
        when it is no longer failed (a double click); None if there is no such job."""
        ...

    async def recent_jobs(self, team_id: str, limit: int) -> list[Job]: ...
    async def prune(self, job_cutoff: float) -> int:
        """Drop expired entries and finished jobs created before `job_cutoff`; return how many jobs went."""
        ...

    async def ping(self) -> None:
        """Return once the database has answered a query; raise when it cannot be reached."""
        ...

    async def job_counts(self) -> dict[str, int]:
        """Unfinished jobs: {"waiting": not started yet, "running": downloading or uploading}."""
        ...

    async def close(self) -> None: ...
