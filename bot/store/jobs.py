"""The jobs: one row per clone, admitted under the rules, taken by one runner at a time, written under its fence."""

from __future__ import annotations

from typing import Protocol

from bot.records import Admitted, CloneRequest, Consent, Job

DEFAULT_LEASE_SECONDS = 30.0  # how long a job stays taken without a renewal


class JobQueue(Protocol):
    """Admission, the shared queue, leases and fences.

    A job row is taken by one runner (one start of one bot process) at a time: `owner`, a lease until a time, and
    a `fence` that goes up by one each time a runner takes the job. Writes that pass a fence succeed only while it
    is still the job's fence, so a runner that lost the job can never write over the one that took it.
    Raises StoreUnavailable (bot.store.errors) while the database is down.
    """

    # --- admission -------------------------------------------------------------------------------------

    async def admit(
        self,
        request: CloneRequest,
        *,
        per_user_per_hour: int,
        runner: str,
        lease_seconds: float = ...,
        consent: Consent | None = None,
    ) -> Admitted:
        """Write a job for `request`, born taken by `runner` (fence 1), unless the same file is already being
        cloned (or waits for its speaker) or the person hit the limit. Holds under any number of concurrent callers.
        With `consent`, the job is born AWAITING_CONSENT, held by nobody, with `consent` written beside it (its job
        id and times set here; it waits `expires_at - asked_at` seconds from now)."""
        ...

    async def reopen_job(
        self,
        job_id: str,
        *,
        per_user_per_hour: int,
        runner: str,
        lease_seconds: float = ...,
        request: CloneRequest | None = None,
    ) -> Admitted | None:
        """Try again: move a failed or interrupted job back to RECEIVED, taken by `runner` (fence + 1), under the
        rules of `admit` (the same file, the hourly limit). DUPLICATE names the job in the way, which is the job
        itself when it is no longer failed (a double click); None if there is no such job. `request`, when given,
        replaces the job's in the same write (*Clone anyway* marks the recording accepted)."""
        ...

    # --- running jobs ----------------------------------------------------------------------------------

    async def take_next(self, runner: str, lease_seconds: float) -> Job | None:
        """The job that has waited longest among those nobody holds (waiting, released, or whose lease ran out
        while unfinished or with an answer not yet shown), taken by `runner` with fence + 1; None if there is none.
        The job comes back as it was (its stage tells "never reached RevRing" from "cut off during the upload").
        Two runners never get the same job."""
        ...

    async def seconds_until_a_lease_ends(self, runner: str) -> float | None:
        """How long until the first lease another runner holds on work left to do runs out (0 when one already has);
        None when others hold none. An instance with a free slot looks for work again then: a stopped instance's
        jobs are taken over the moment their leases end."""
        ...

    async def renew(self, job_id: str, fence: int, lease_seconds: float) -> bool:
        """Extend the lease; False when the job was taken over (or released): the caller must stop."""
        ...

    async def release(self, job_id: str, fence: int, reply: tuple[str, str] | None = None) -> bool:
        """Give the job back (no owner): any runner may take it next; with `reply`, the (channel, ts) of the message
        that says it is queued, recorded in the same write (whoever runs it edits that message). False if the fence
        no longer matches: nothing is written."""
        ...

    async def update_job(self, job: Job, fence: int | None = None) -> bool:
        """Write the job's progress and outcome (stage, voice, failure, answer; the reply only when set).
        With `fence`: only while the job still has that fence and an owner. False when nothing was written.
        (Without a fence the write is unconditional: for callers that do not hold leases yet.)"""
        ...

    async def adopt(self, job_id: str, *, retries: int, runner: str, lease_seconds: float) -> int | None:
        """Take back a job whose upload this runner finished after losing it (its lease ran out while the database
        was down): only while its outcome is still unknown (cut off during the upload, or told "may or may not
        have been created"), no voice recorded and no Try again since (`retries`). The new fence, or None when the
        job went on without this runner."""
        ...

    async def take_waiting(self, job_id: str, *, runner: str, lease_seconds: float) -> Job | None:
        """Take this one job for `runner` (fence + 1), only while it has not started and nobody holds it (waiting in
        the queue, or its holder's lease ran out): a Workflow Builder step's limit ends it so. None otherwise."""
        ...

    async def expire_leases_of_others(self, runner: str) -> int:
        """End every other runner's lease at once, so `take_next` hands their jobs over now. For one process per
        database (SQLite) after a restart: whoever held them is gone. Returns how many leases ended."""
        ...

    # --- reading jobs ----------------------------------------------------------------------------------

    async def get_job(self, job_id: str) -> Job | None: ...
    async def queue_position(self, job_id: str) -> int:
        """How many unfinished jobs (running or waiting, on any instance) entered the queue before this one."""
        ...

    async def job_counts(self) -> dict[str, int]:
        """Unfinished jobs for metrics: {"waiting": nobody holds them, "running": held under a live lease,
        "awaiting_consent": waiting for their speaker's yes (CONSENT on)}."""
        ...

    async def recent_jobs(self, team_id: str, limit: int) -> list[Job]:
        """The workspace's newest jobs, whatever became of them (`/clone-voice list`)."""
        ...
