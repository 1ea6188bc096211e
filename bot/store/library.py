"""The voice library: the voices a workspace made (its jobs that made one), their deletion, and agent changes."""

from __future__ import annotations

from typing import Protocol

from bot.records import AgentChange, Job


class VoiceLibrary(Protocol):
    """A workspace's voices and what was done with them. A voice is a job that made one and was not deleted; every
    read and claim names the workspace, so another workspace's voice is as missing as one that never was.
    Raises StoreUnavailable (bot.store.errors) while the database is down.
    """

    async def voice_library(
        self, team_id: str, *, user_id: str | None, offset: int, limit: int
    ) -> tuple[list[Job], int]:
        """The workspace's voices (jobs that made one, not deleted), newest first: `limit` of them from `offset`,
        and how many there are in all. With `user_id`, only the ones that person made."""
        ...

    async def voice_of(self, team_id: str, job_id: str) -> Job | None:
        """The job `job_id` if it belongs to `team_id` (a job of another workspace is None, as a missing one)."""
        ...

    async def voice_names(self, team_id: str, voice_ids: list[str]) -> dict[str, str]:
        """voiceId -> the name it was given, for those of `voice_ids` this workspace made (and did not delete)."""
        ...

    async def set_permalink(self, job_id: str, url: str) -> None: ...

    async def claim_deletion(self, team_id: str, job_id: str, user_id: str) -> bool:
        """Mark the voice deleted by `user_id` now; True for the one caller that did (a double click is one)."""
        ...

    async def release_deletion(self, team_id: str, job_id: str) -> None:
        """The deletion failed: the voice is in the library again and may be deleted again."""
        ...

    # --- voices put on RevRing agents, and undone --------------------------------------------------------

    async def record_agent_change(self, change: AgentChange) -> None: ...
    async def agent_change(self, team_id: str, change_id: str) -> AgentChange | None:
        """The change `change_id` if it belongs to `team_id`."""
        ...

    async def claim_undo(self, team_id: str, change_id: str, user_id: str) -> bool:
        """Mark the change undone by `user_id` now; True for the one caller that did."""
        ...

    async def release_undo(self, team_id: str, change_id: str) -> None:
        """The undo failed: it may be tried again."""
        ...
