"""The speakers' consents (CONSENT on): one per clone request, written with its job at admission (see
`JobQueue.admit`), answered once, and kept with the job as the audit trail."""

from __future__ import annotations

from typing import Protocol

from bot.records import Answer, Consent, Job


class ConsentBook(Protocol):
    """Consents and the jobs that wait for them. A decision is taken once: whoever changes a waiting consent first
    (a click, a clip, the expiry sweep, on any instance) decides it; the others find it decided and do nothing.
    Raises StoreUnavailable (bot.store.errors) while the database is down."""

    async def consent_for(self, job_id: str) -> Consent | None: ...

    async def note_consent(self, consent: Consent) -> bool:
        """Write what was asked and heard so far (the speaker's name and the statement, where the asking message is,
        the last clip and its transcript, the button offered), only while the consent still waits."""
        ...

    async def note_reply(self, job_id: str, channel: str, ts: str) -> None:
        """The job's one message in its thread (posted while it waits), unless it has one already: whoever runs the
        job once the speaker agrees edits it. Only the reply is written (never the job's stage)."""
        ...

    async def waiting_consents(self, team_id: str, speaker_id: str) -> list[Consent]:
        """The consents `speaker_id` of `team_id` is asked for and has not answered, newest first."""
        ...

    async def consent_by_clip(self, team_id: str, file_id: str) -> Consent | None:
        """The waiting consent whose last clip is `file_id` (Slack's transcription of it may still come)."""
        ...

    async def grant_consent(self, consent: Consent, *, runner: str, lease_seconds: float) -> Job | None:
        """The speaker agreed (`consent` says how and who): the consent is recorded as agreed and its job moves to
        the queue, taken by `runner` (fence + 1), in one transaction. None when it no longer waited, or its time is up
        (`expires_at` passed: a yes that comes too late counts for nothing, though the sweep has not ended it yet)."""
        ...

    async def end_consent(self, consent: Consent, *, failure: str, answer: Answer) -> bool:
        """Declined or expired (`consent.status`): the consent is recorded so, and its job fails with `answer` still
        to be shown, held by nobody (whichever runner looks next shows it). False when it no longer waited."""
        ...

    async def overdue_consents(self) -> list[Consent]:
        """Waiting consents whose time is up."""
        ...

    async def unasked_consents(self, after_seconds: float) -> list[Consent]:
        """Waiting consents made over `after_seconds` ago whose asking message was never recorded (the instance that
        took the request in stopped, or lost the database, before it asked)."""
        ...

    async def consents_of(self, job_ids: list[str]) -> dict[str, Consent]:
        """job id -> its consent, for those of `job_ids` that have one."""
        ...

    async def consent_log(self, team_id: str | None = None) -> list[tuple[Consent, Job | None]]:
        """Every consent (of `team_id`, or of all workspaces), oldest first, with its job."""
        ...
