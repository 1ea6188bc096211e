"""The one thing the rest of the bot knows about storage: the `RequestStore` interface and its two errors.

Implementations live beside this file; nothing outside bot/store looks inside one.
"""

from __future__ import annotations

from typing import Protocol

from bot.records import Admitted, AgentChange, CloneRequest, DesignCandidate, Job, PendingCommand, RecentAudio

CLAIM_SECONDS = 3600.0  # how long a delivery or message id is remembered for deduplication
DEFAULT_LEASE_SECONDS = 30.0  # how long a job stays taken without a renewal


class StoreUnavailable(Exception):
    """The database cannot be reached or did not answer in time. The message is one line, password masked.

    Every store method raises this (never a driver's exception) while the database is down; the store reconnects by
    itself once it is back.
    """


class SchemaTooNew(Exception):
    """The database was upgraded by a newer bot than this one; the message is one line for the operator."""


class RequestStore(Protocol):
    """What the bot remembers across requests and restarts: waiting commands, recent audio, jobs, dedupe keys.

    A job row is taken by one runner (one start of one bot process) at a time: `owner`, a lease until a time, and
    a `fence` that goes up by one each time a runner takes the job. Writes that pass a fence succeed only while it
    is still the job's fence, so a runner that lost the job can never write over the one that took it.
    """

    # --- waiting commands, recent audio, deduplication ---------------------------------------------

    async def save_pending(self, command: PendingCommand) -> None: ...
    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None:
        """The command waiting here, removed: of two concurrent takers, one gets it."""
        ...

    async def save_recent_audio(self, audio: RecentAudio) -> None: ...
    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None:
        """The audio shared here, removed: of two concurrent takers, one gets it."""
        ...

    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed; False while an earlier claim holds (deduplication)."""
        ...

    # --- admission -------------------------------------------------------------------------------------

    async def admit(
        self, request: CloneRequest, *, per_user_per_hour: int, runner: str, lease_seconds: float = ...
    ) -> Admitted:
        """Write a job for `request`, born taken by `runner` (fence 1), unless the same file is already being
        cloned or the person hit the limit. Holds under any number of concurrent callers."""
        ...

    async def reopen_job(
        self, job_id: str, *, per_user_per_hour: int, runner: str, lease_seconds: float = ...
    ) -> Admitted | None:
        """Try again: move a failed or interrupted job back to RECEIVED, taken by `runner` (fence + 1), under the
        rules of `admit` (the same file, the hourly limit). DUPLICATE names the job in the way, which is the job
        itself when it is no longer failed (a double click); None if there is no such job."""
        ...

    # --- running jobs ----------------------------------------------------------------------------------

    async def take_next(self, runner: str, lease_seconds: float) -> Job | None:
        """The job that has waited longest among those nobody holds (waiting, released, or whose lease ran out
        while unfinished or with an answer not yet shown), taken by `runner` with fence + 1; None if there is none.
        The job comes back as it was (its stage tells "never reached RevRing" from "cut off during the upload").
        Two runners never get the same job."""
        ...

    async def renew(self, job_id: str, fence: int, lease_seconds: float) -> bool:
        """Extend the lease; False when the job was taken over (or released): the caller must stop."""
        ...

    async def release(self, job_id: str, fence: int) -> bool:
        """Give the job back (no owner): any runner may take it next. False if the fence no longer matches."""
        ...

    async def update_job(self, job: Job, fence: int | None = None) -> bool:
        """Write the job's progress and outcome (stage, voice, failure, answer; the reply only when set).
        With `fence`: only while the job still has that fence and an owner. False when nothing was written.
        (Without a fence the write is unconditional: for callers that do not hold leases yet.)"""
        ...

    async def set_reply(self, job_id: str, channel: str, ts: str) -> bool:
        """Record where the job's progress message is, touching nothing else of the job."""
        ...

    async def get_job(self, job_id: str) -> Job | None: ...
    async def queue_position(self, job_id: str) -> int:
        """How many unfinished jobs (running or waiting, on any instance) entered the queue before this one."""
        ...

    async def job_counts(self) -> dict[str, int]:
        """Unfinished jobs for metrics: {"waiting": nobody holds them, "running": held under a live lease}."""
        ...

    async def expire_leases_of_others(self, runner: str) -> int:
        """End every other runner's lease at once, so `take_next` hands their jobs over now. For one process per
        database (SQLite) after a restart: whoever held them is gone. Returns how many leases ended."""
        ...

    # --- designed voices --------------------------------------------------------------------------------

    async def add_candidate(
        self, *, team_id: str, user_id: str, file_id: str, index: int, channel_id: str, thread_ts: str,
        keep_seconds: float,
    ) -> DesignCandidate:
        """Keep a designed voice's uploaded preview for `keep_seconds` from now; returns it with its new id."""
        ...

    async def get_candidate(self, team_id: str, candidate_id: str) -> DesignCandidate | None:
        """The candidate of this workspace, with `expired` set once its hour is over (kept a day after that);
        None when there is no such candidate here."""
    # --- the voice library ------------------------------------------------------------------------------

    async def voice_library(self, team_id: str, *, user_id: str | None, offset: int, limit: int
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

    async def record_agent_change(self, change: AgentChange) -> None: ...
    async def agent_change(self, team_id: str, change_id: str) -> AgentChange | None:
        """The change `change_id` if it belongs to `team_id`."""
        ...

    async def claim_undo(self, team_id: str, change_id: str, user_id: str) -> bool:
        """Mark the change undone by `user_id` now; True for the one caller that did."""
        ...

    async def release_undo(self, team_id: str, change_id: str) -> None:
        """The undo failed: it may be tried again."""
    # --- workspaces (distribution mode) ---------------------------------------------------------------

    async def save_revring_key(self, owner: str, ciphertext: str, connected_by: str) -> None:
        """Connect (or replace) the RevRing key of `owner`: a team id, or an enterprise id for an org-wide install.
        Only ever given the key encrypted (bot.workspaces.key_vault)."""
        ...

    async def revring_key(self, owner: str) -> str | None:
        """The encrypted RevRing key of `owner`; None when none is connected."""
        ...

    async def delete_revring_key(self, owner: str) -> bool: ...
    async def forget_workspace(self, team_id: str | None, enterprise_id: str | None) -> int:
        """The workspace (`team_id`), or with no team the whole org (`enterprise_id`), uninstalled the app: its
        RevRing key, waiting commands, recent audio and job records go at once. Returns how many jobs went; a runner
        still holding one of them finds its next fenced write refused and stops without a word."""
        ...

    # --- the rest --------------------------------------------------------------------------------------

    async def recent_jobs(self, team_id: str, limit: int) -> list[Job]: ...
    async def prune(self, job_cutoff: float) -> int:
        """Drop expired entries (design candidates a day after their hour) and finished jobs created before
        `job_cutoff`; return how many jobs went."""
        ...

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the database answers."""
        ...

    async def close(self) -> None: ...
