"""A job's outcome, written before Slack sees it: the outbox of the cloner.

The answer is recorded together with the job's outcome, fenced by the runner's lease, and only then shown; once
Slack has shown it, it is no longer kept to be shown. Whoever takes a job over delivers an answer that was recorded
but never shown. A refused write is `LeaseLost`: the job is someone else's now. A database outage is waited out
in place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.presenter import SlackPresenter
from bot.cloning.scheduling import LeaseLost, Tasks
from bot.records import Answer, Job
from bot.store import JobQueue, StoreUnavailable

log = logging.getLogger(__name__)

STORE_RETRY_SECONDS = 1.0  # while the database is down, a running clone tries to record its progress this often

# Told each job whose answer Slack has just shown (the app refreshes the requester's Home with it).
OnAnswered = Callable[[AsyncWebClient, Job], Awaitable[None]]
# Hands a shown answer on to whoever else waits for it (a Workflow Builder step); False: not yet, try again later.
HandOn = Callable[[AsyncWebClient, Job], Awaitable[bool]]


@dataclass(frozen=True)
class AnswerHooks:
    """What else happens with an answer once Slack has shown it. `hand_on` is part of the delivery: the answer is
    kept until it returns True, so whoever takes the job next (after a restart, on another instance) hands it on
    again; it must be safe to call twice. `beside` runs afterwards, beside; its failures are logged only."""

    hand_on: HandOn | None = None
    beside: OnAnswered | None = None


class Outbox:
    """Writes jobs under this runner's fence and shows their answers, then runs `hooks` with them."""

    def __init__(
        self,
        store: JobQueue,
        presenter: SlackPresenter,
        tasks: Tasks,
        *,
        runner: str,
        lease_seconds: float,
        hooks: AnswerHooks | None = None,
    ) -> None:
        self._store = store
        self._slack = presenter
        self._tasks = tasks
        self._runner = runner
        self._lease_seconds = lease_seconds
        self._hooks = hooks or AnswerHooks()

    async def save(self, job: Job) -> Job:
        """Write `job` while this runner holds it; through a database outage, wait until it is back."""
        while True:
            try:
                written = await self._store.update_job(job, job.fence)
            except StoreUnavailable as error:
                log.warning(
                    "job not recorded yet: the database is unreachable; trying again", extra={"cause": str(error)}
                )
                await asyncio.sleep(STORE_RETRY_SECONDS)
                continue
            if not written:
                raise LeaseLost(job.id)
            return job

    async def answer(self, client: AsyncWebClient, job: Job, answer: Answer) -> None:
        """Record the job's outcome together with the answer still to be shown, then show it.

        Written first, so that if Slack fails or the process dies before the answer is out, whoever takes the job
        next delivers it: a finished clone is never left looking like "Cloning…". Written only while this runner
        holds the job, so a runner that lost it never answers.
        """
        job = await self.save(replace(job, answer=answer))
        await self.deliver(client, job)

    async def answer_with_voice(self, client: AsyncWebClient, job: Job, answer: Answer) -> bool:
        """`answer` for a job whose voice RevRing has made. The voice is the job's true outcome: if this runner lost
        the job meanwhile (its lease ran out while the database was down, and someone took it over), it takes the
        job back, unless the job has gone on without it (answered with a voice, or tried again), and answers with
        the voice rather than leave the person told it "may or may not" exist. False when the job is someone
        else's: nothing more is written or shown."""
        try:
            await self.answer(client, job, answer)
            return True
        except LeaseLost:
            pass
        fence = await self._adopt(job)
        if fence is None:
            log.warning(
                "voice made, but the job went on without this runner; not answered here",
                extra={"job": job.id, "voice": job.voice_id},
            )
            return False
        log.info("voice made after the lease ran out: the job is taken back to answer with it", extra={"job": job.id})
        try:
            await self.answer(client, replace(job, fence=fence), answer)
        except LeaseLost:
            return False
        return True

    async def _adopt(self, job: Job) -> int | None:
        while True:
            try:
                return await self._store.adopt(
                    job.id, retries=job.retries, runner=self._runner, lease_seconds=self._lease_seconds
                )
            except StoreUnavailable as error:
                log.warning(
                    "voice not recorded yet: the database is unreachable; trying again", extra={"cause": str(error)}
                )
                await asyncio.sleep(STORE_RETRY_SECONDS)

    async def deliver(self, client: AsyncWebClient, job: Job) -> None:
        """Show the job's recorded answer; once Slack has shown it, it is no longer kept to be shown."""
        if job.answer is None:
            return
        # Its holder is proven by the fenced write just before: recording the answer, or taking the job over.
        if not await self._slack.answer(client, job, job.answer):
            log.error("answer not delivered; it is tried again when the job's lease runs out")
            return
        if self._hooks.hand_on is not None and not await self._hooks.hand_on(client, job):
            log.warning("answer not handed on yet; it is tried again when the job's lease runs out")
            return
        await self.save(replace(job, answer=None))
        if self._hooks.beside is not None:
            self._tasks.spawn(self._tell_answered(self._hooks.beside, client, job))

    @staticmethod
    async def _tell_answered(on_answered: OnAnswered, client: AsyncWebClient, job: Job) -> None:
        try:
            await on_answered(client, job)
        except Exception:
            log.exception("after-answer hook failed")
