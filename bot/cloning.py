"""The life of a clone job: taken in (a new request or *Try again*), run through the pipeline in a slot, and
answered exactly once. The steps live apart: `pipeline` (download, check, send), `presenter` (what Slack shows),
`scheduling` (slots, tasks, shutdown), `recovery` (after a restart), `failures` (what went wrong, in words)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import dataclass, replace
from enum import Enum

from slack_sdk.web.async_client import AsyncWebClient

from bot import failures, logs, messages
from bot.config import Settings
from bot.failures import Explained
from bot.metrics import Metrics
from bot.pipeline import PIPELINE_FAILURES, Pipeline
from bot.presenter import SlackPresenter
from bot.records import Admission, Admitted, Answer, CloneRequest, Job, Stage
from bot.recovery import recover
from bot.scheduling import Slots, Tasks
from bot.store import RequestStore

log = logging.getLogger(__name__)


class Retry(Enum):
    STARTED = "started"
    ALREADY_RUNNING = "already_running"  # a double click, or a retry that already started
    ALREADY_CLONED = "already_cloned"  # the same file has made a voice since: that is the answer
    FILE_BUSY = "file_busy"  # another request for the same file is running
    RATE_LIMITED = "rate_limited"  # a Try again counts toward the hourly limit like any clone
    NOT_YOURS = "not_yours"
    UNKNOWN = "unknown"  # the bot no longer has the request


@dataclass(frozen=True)
class Retried:
    outcome: Retry
    voice: Job | None = None  # ALREADY_CLONED: the job that made the voice
    retry_after_seconds: float = 0.0  # RATE_LIMITED


class Cloner:
    """Runs jobs in the background, at most `max_concurrent_clones` at once, and always answers."""

    def __init__(self, settings: Settings, store: RequestStore, pipeline: Pipeline, metrics: Metrics) -> None:
        self._settings = settings
        self._store = store
        self._pipeline = pipeline
        self._metrics = metrics
        self._tasks = Tasks()
        self._slots = Slots(settings.max_concurrent_clones)
        self._slack = SlackPresenter(self._tasks.spawn, metrics)
        # Which runner holds a job, in the store: this process, from start to exit. A job is started only by the
        # runner that took it (admitted, reopened or taken over from an earlier run), so never twice.
        self._runner = uuid.uuid4().hex

    # --- taking work ---------------------------------------------------------------------------------

    async def submit(self, client: AsyncWebClient, request: CloneRequest) -> Admitted:
        """Write the job record, then start it; a duplicate or a person over the limit starts nothing."""
        admitted = await self._store.admit(
            request, per_user_per_hour=self._settings.clones_per_hour, runner=self._runner
        )
        if admitted.job is not None:
            self.start(client, admitted.job)
        else:
            log.info("clone not started", extra={"outcome": str(admitted.outcome), "file": request.file.id})
        return admitted

    async def retry(self, client: AsyncWebClient, job_id: str, user_id: str) -> Retried:
        """"Try again": run a failed job again from its record, for the person who asked for it, once, under the
        rules of a new request (the same file, the hourly limit)."""
        job = await self._store.get_job(job_id)
        if job is None:
            return Retried(Retry.UNKNOWN)
        if job.request.user_id != user_id:
            return Retried(Retry.NOT_YOURS)
        admitted = await self._store.reopen_job(
            job_id, per_user_per_hour=self._settings.clones_per_hour, runner=self._runner
        )
        if admitted is None:
            return Retried(Retry.UNKNOWN)
        if admitted.outcome is Admission.RATE_LIMITED:
            return Retried(Retry.RATE_LIMITED, retry_after_seconds=admitted.retry_after_seconds)
        existing = admitted.existing
        if existing is not None and existing.stage is Stage.DONE and existing.voice_id:
            return Retried(Retry.ALREADY_CLONED, voice=existing)
        if existing is not None:
            return Retried(Retry.ALREADY_RUNNING if existing.id == job_id else Retry.FILE_BUSY)
        assert admitted.job is not None
        self.start(client, admitted.job)
        return Retried(Retry.STARTED)

    def resume_in_background(self, client: AsyncWebClient) -> None:
        """After a restart: run again what never reached RevRing; explain what was cut off mid-upload."""
        self._tasks.spawn(recover(self, self._store, self._runner, client, self._metrics))

    def start(self, client: AsyncWebClient, job: Job) -> None:
        """Run `job` in the background; during shutdown it stays recorded and starts on the next start."""
        if self._tasks.closing:
            log.info("job recorded during shutdown; it starts on the next start", extra={"job": job.id})
            return
        self._tasks.spawn(self.run(client, job))

    def stop_taking_work(self) -> None:
        """From now on a job is recorded but not started (SIGTERM: the next start, or another instance, runs it)."""
        self._tasks.closing = True

    async def shutdown(self, grace_seconds: float) -> None:
        """Let running clones finish for up to `grace_seconds`; what is cut off stays resumable."""
        await self._tasks.shutdown(grace_seconds)

    # --- one job ---------------------------------------------------------------------------------------

    async def run(self, client: AsyncWebClient, job: Job) -> None:
        request = job.request
        started = time.monotonic()
        logs.bind(job=job.id, team=request.team_id, channel=request.channel_id, user=request.user_id,
                  file=request.file.id)
        log.info("clone started", extra={"stage": str(job.stage)})

        async def queued(ahead: int) -> None:
            nonlocal job
            job = await self._progress(client, job, messages.queued(request.name, ahead))

        try:
            self._slack.react(client, request, add=messages.REACTION_WORKING)
            async with self._slots.slot(queued):
                job = await self._progress(client, job, messages.cloning(request.name))
                job = await self._advance(job, Stage.DOWNLOADING)
                async with self._pipeline.clip(client, request.file) as clip:
                    # From here on RevRing may act on what it receives: a restart must not send it again blindly.
                    job = await self._advance(job, Stage.UPLOADING)
                    voice = await self._pipeline.send(clip, name=request.name, language=request.language)
        except asyncio.CancelledError:
            self._metrics.clone_finished("interrupted", time.monotonic() - started)  # by shutdown; it resumes
            raise
        except PIPELINE_FAILURES as error:
            failure = failures.explain(error, name=request.name, max_audio_mb=self._settings.max_audio_mb)
            seconds = time.monotonic() - started
            log.info("clone failed", extra={"cause": failure.cause, "seconds": round(seconds, 3)})
            self._metrics.clone_finished("failed", seconds)
            if failure.upstream is not None:
                self._metrics.upstream_failure(*failure.upstream)
            await self.fail(client, job, failure)
            return
        except Exception:
            log.exception("clone crashed")
            self._metrics.clone_finished("failed", time.monotonic() - started)
            await self.fail(client, job, failures.crashed(name=request.name, uploading=job.stage is Stage.UPLOADING))
            return
        seconds = time.monotonic() - started
        log.info("clone done", extra={"voice": voice.id, "voice_status": voice.status, "seconds": round(seconds, 3)})
        self._metrics.clone_finished("done", seconds)
        language = voice.language or request.language
        note = messages.audio_note(clip.audio, self._settings.audio_limits)
        job = replace(job, stage=Stage.DONE, voice_id=voice.id, voice_status=voice.status, failure=None)
        answer = Answer(
            messages.voice_ready_text(request.name, voice.id, language, voice.status),
            messages.voice_ready_blocks(request.name, voice.id, language, voice.status, note=note),
            ok=True,
        )
        await self._answer(client, job, answer)

    async def fail(self, client: AsyncWebClient, job: Job, failure: Explained, stage: Stage = Stage.FAILED) -> None:
        """End `job` with `failure`'s answer (and a *Try again* button when it is worth another go)."""
        blocks = messages.failed_blocks(failure.text, retry_job_id=job.id if failure.retryable else None)
        job = replace(job, stage=stage, failure=failure.cause[:200])
        await self._answer(client, job, Answer(failure.text, blocks, ok=False))

    async def _advance(self, job: Job, stage: Stage) -> Job:
        job = replace(job, stage=stage)
        await self._store.update_job(job)
        return job

    async def _progress(self, client: AsyncWebClient, job: Job, text: str) -> Job:
        """Show progress in the job's one message, and remember where a new one was posted."""
        reply = await self._slack.progress(client, job, text)
        if reply is None:
            return job
        job = replace(job, reply_channel=reply.channel, reply_ts=reply.ts)
        await self._store.update_job(job)
        return job

    async def _answer(self, client: AsyncWebClient, job: Job, answer: Answer) -> None:
        """Record the job's outcome together with the answer still to be shown, then show it.

        Written first, so that if Slack fails or the process dies before the answer is out, the next start
        delivers it: a finished clone is never left looking like "Cloning…".
        """
        job = replace(job, answer=answer)
        await self._store.update_job(job)
        await self.deliver(client, job)

    async def deliver(self, client: AsyncWebClient, job: Job) -> None:
        """Show the job's recorded answer; once Slack has shown it, it is no longer kept to be shown."""
        if job.answer is None:
            return
        if not await self._slack.answer(client, job, job.answer):
            log.error("answer not delivered; it is retried on the next start")
            return
        await self._store.update_job(replace(job, answer=None))
