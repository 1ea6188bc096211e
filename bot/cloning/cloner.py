"""The life of a clone job: taken in (a new request or *Try again*), run through the pipeline, and answered
exactly once, whichever instance runs it. The steps live apart: `pipeline` (download, check, send), `presenter`
(what Slack shows), `scheduling` (slots, leases, work shared through the store), `outbox` (outcomes written under
the lease before Slack sees them), `failures` (what went wrong, in words). A job taken over after a restart or
from a stopped instance is resumed here (`_resume`)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from dataclasses import replace

from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning import answers, failures, quality, workflow_step
from bot.cloning.failures import Explained
from bot.cloning.outbox import AnswerHooks, Outbox
from bot.cloning.pipeline import PIPELINE_FAILURES, Pipeline
from bot.cloning.presenter import SlackPresenter
from bot.cloning.retries import Retried, Retry
from bot.cloning.scheduling import LeaseLost, Scheduler, Tasks
from bot.config import Settings
from bot.consent.desk import FAILURES as CONSENT_FAILURES
from bot.consent.desk import ConsentDesk
from bot.messages import clone as clone_text
from bot.ops import logs
from bot.ops.metrics import Metrics
from bot.recording import Report
from bot.records import RETRYABLE, Admission, Admitted, CloneRequest, Job, Stage
from bot.slack.shapes import heard_language
from bot.store import RequestStore, StoreUnavailable
from bot.workspaces.revring_accounts import RevRingAccounts
from bot.workspaces.slack_clients import SlackClients

log = logging.getLogger(__name__)


class Cloner:
    """Takes requests in as jobs in the shared store, runs them (at most `max_concurrent_clones` here at once), and
    always answers once. `shared_database`: other instances may use the same store (PostgreSQL); with a SQLite file
    this is the only process, so what an earlier run held is taken over at once on start. Each job runs with its own
    workspace's Slack client (`slack_clients`) and RevRing key (`accounts`), whichever instance runs it.
    `on_answered`: what else happens with each answer once it is shown (see `AnswerHooks`)."""

    def __init__(
        self,
        settings: Settings,
        store: RequestStore,
        pipeline: Pipeline,
        metrics: Metrics,
        *,
        accounts: RevRingAccounts,
        slack_clients: SlackClients,
        shared_database: bool = False,
        on_answered: AnswerHooks | None = None,
    ) -> None:
        self._settings = settings
        self._store = store
        self._pipeline = pipeline
        self._metrics = metrics
        self._accounts = accounts
        self._slack_clients = slack_clients
        self._shared_database = shared_database
        self._lease_seconds = float(settings.job_lease_seconds)
        # Which runner holds a job, in the store: this process, from start to exit.
        self._runner = uuid.uuid4().hex
        self._tasks = Tasks()
        self._slack = SlackPresenter(self._tasks.spawn, metrics)
        self._outbox = Outbox(
            store,
            self._slack,
            self._tasks,
            runner=self._runner,
            lease_seconds=self._lease_seconds,
            hooks=on_answered,
        )
        self._scheduler = Scheduler(
            store,
            self._runner,
            capacity=settings.max_concurrent_clones,
            lease_seconds=self._lease_seconds,
            tasks=self._tasks,
            run=self._work,
        )
        # CONSENT on: requests wait for their speaker's yes here before they join the queue.
        self.consent = ConsentDesk(
            settings,
            store,
            self._slack,
            self._tasks,
            slack_clients,
            runner=self._runner,
            lease_seconds=self._lease_seconds,
            start=self._begin,
            wake=self._scheduler.wake,
            transcript=pipeline.transcript,
        )

    # --- the instance ----------------------------------------------------------------------------------

    def start_working(self) -> None:
        """Start taking jobs from the store: left by an earlier run, waiting, or whose instance stopped."""
        self._tasks.spawn(self._take_work())

    async def _take_work(self) -> None:
        if not self._shared_database:
            try:
                ended = await self._store.expire_leases_of_others(self._runner)
            except StoreUnavailable as error:
                log.warning(
                    "cannot take over earlier jobs yet: the database is unreachable", extra={"cause": str(error)}
                )
            else:
                if ended:
                    log.info("taking over the jobs an earlier run left", extra={"count": ended})
        await self._scheduler.take_work()

    def stop_taking_work(self) -> None:
        """From now on nothing new starts here: new requests are recorded and handed to other instances (or to the
        next start); running clones go on."""
        self._tasks.closing = True
        self._scheduler.wake()

    async def shutdown(self, grace_seconds: float) -> None:
        """Let running clones finish for up to `grace_seconds`; what is cut off is taken over elsewhere, or
        resumes on the next start."""
        self.stop_taking_work()
        await self._tasks.shutdown(grace_seconds)

    # --- taking work in --------------------------------------------------------------------------------

    async def submit(self, client: AsyncWebClient, request: CloneRequest) -> Admitted:
        """Write the job record, then start it (or, CONSENT on, ask its speaker); a duplicate or a person over the
        limit starts nothing."""
        admitted = await self._store.admit(
            request,
            per_user_per_hour=self._settings.clones_per_hour,
            runner=self._runner,
            lease_seconds=self._lease_seconds,
            consent=self.consent.new_consent(request),
        )
        if admitted.job is not None:
            self._slack.react(client, request, add=clone_text.REACTION_WORKING)
            if admitted.job.stage is Stage.AWAITING_CONSENT:
                self._tasks.spawn(self.consent.ask(client, admitted.job))
            else:
                self._begin(client, admitted.job)
        else:
            log.info("clone not started", extra={"outcome": str(admitted.outcome), "file": request.file.id})
        return admitted

    async def retry(
        self, client: AsyncWebClient, job_id: str, user_id: str, team_id: str | None = None, *, anyway: bool = False
    ) -> Retried:
        """ "Try again": run a failed job again from its record, for the person who asked for it, once, under the
        rules of a new request (the same file, the hourly limit). A job of another workspace is not there.
        `anyway` (*Clone anyway*): a take the quality check held back, sent this time as it is."""
        job = await self._store.get_job(job_id)
        if job is None or (team_id and job.request.team_id != team_id):
            return Retried(Retry.UNKNOWN)
        if job.request.user_id != user_id:
            return Retried(Retry.NOT_YOURS)
        if job.failure in CONSENT_FAILURES:  # consent is per request: a new request asks the speaker again
            return Retried(Retry.NO_CONSENT)
        if anyway and job.stage in RETRYABLE and job.failure != quality.HELD_BACK:
            return Retried(Retry.NOT_HELD)
        admitted = await self._store.reopen_job(
            job_id,
            per_user_per_hour=self._settings.clones_per_hour,
            runner=self._runner,
            lease_seconds=self._lease_seconds,
            request=replace(job.request, recording_accepted=True) if anyway else None,
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
        self._slack.react(client, job.request, add=clone_text.REACTION_WORKING)
        self._begin(client, admitted.job)
        return Retried(Retry.STARTED)

    def _begin(self, client: AsyncWebClient, job: Job) -> None:
        """A job this runner has just taken in: run it in a free slot here, or else tell the person how many are
        ahead and hand it to whichever instance has room first (this one included)."""
        if self._tasks.closing:
            log.info("job recorded during shutdown; another instance or the next start runs it", extra={"job": job.id})
            self._tasks.spawn(self._hand_over(job))
        elif not self._scheduler.start(job):
            self._tasks.spawn(self._queue(client, job))

    async def _queue(self, client: AsyncWebClient, job: Job) -> None:
        # The queued message is posted while this runner still holds the job, so it is the job's one message:
        # whoever runs it later edits it (recorded as the job is handed back, in the same write).
        reply = None
        try:
            ahead = await self._store.queue_position(job.id)
            reply = await self._slack.progress(client, job, clone_text.queued(job.request.name, ahead))
        except StoreUnavailable as error:
            log.warning("queued message not posted: the database is unreachable", extra={"cause": str(error)})
        await self._hand_over(job, None if reply is None else (reply.channel, reply.ts))

    async def _hand_over(self, job: Job, reply: tuple[str, str] | None = None) -> None:
        try:
            await self._store.release(job.id, job.fence, reply)
        except StoreUnavailable:
            log.warning("job not handed back; it is taken over when its lease runs out", extra={"job": job.id})
        self._scheduler.wake()

    # --- one job ---------------------------------------------------------------------------------------

    async def _work(self, job: Job) -> None:
        """What this runner does with a job it holds: a new one runs; one taken over is resumed (`_resume`). It
        runs with its workspace's token; a workspace that uninstalled the app meanwhile gets no answer at all."""
        if job.taken_over:
            self._metrics.takeover()
        client = await self._slack_clients.for_workspace(job.request.team_id, job.request.enterprise_id)
        if client is None:
            log.info("job dropped: its workspace uninstalled the app", extra={"job": job.id})
            try:
                await self._outbox.save(replace(job, stage=Stage.FAILED, failure="workspace uninstalled", answer=None))
            except LeaseLost:
                pass  # its record went with the workspace
            return
        if (late := workflow_step.queued_too_long(job, self._settings.step_queue_seconds)) is not None:
            await self.fail(client, job, late)  # its workflow step would otherwise wait on and on
            return
        await self._resume(client, job)

    async def _resume(self, client: AsyncWebClient, job: Job) -> None:
        """Show an answer Slack never showed; explain a clone cut off while it was being sent (RevRing may have made
        the voice, so it is not sent again blindly); run the rest, from the download."""
        if job.answer is not None:
            log.info("delivering an answer that was cut off", extra={"job": job.id})
            await self._outbox.deliver(client, job)
        elif job.stage is Stage.UPLOADING:
            log.warning("job was cut off during the upload; asking the person", extra={"job": job.id})
            await self.fail(client, job, failures.interrupted_by_restart(job.request.name), Stage.INTERRUPTED)
        else:
            if job.stage is not Stage.RECEIVED:
                log.info("job resumes", extra={"job": job.id, "stage": str(job.stage)})
            await self.run(client, job)

    async def run(self, client: AsyncWebClient, job: Job) -> None:
        request = job.request
        started = time.monotonic()
        logs.bind(
            job=job.id, team=request.team_id, channel=request.channel_id, user=request.user_id, file=request.file.id
        )
        log.info("clone started", extra={"stage": str(job.stage)})
        revring = await self._accounts.client_for(request.team_id, request.enterprise_id)
        if revring is None:
            # Nothing is downloaded or sent: the workspace has no RevRing key (and the server none to lend).
            log.info("clone not started: no RevRing key for the workspace")
            self._metrics.clone_finished("failed", time.monotonic() - started)
            await self.fail(client, job, failures.no_revring_key())
            return
        check = self._settings.quality_check
        heard: str | None = None  # the language Slack's transcription of the clip heard, when it chose it
        report: Report | None = None
        try:
            # The fenced write comes before anything is shown: a runner that lost the job (paused past its lease,
            # taken over) must not touch the message its new holder answers in.
            job = await self._outbox.save(replace(job, stage=Stage.DOWNLOADING))
            shown = clone_text.cloning(request.name, file=request.file)
            reply = await self._slack.progress(client, job, shown)
            if reply is not None:  # a new message: remembered at once, so whoever takes the job over edits it
                job = await self._outbox.save(replace(job, reply_channel=reply.channel, reply_ts=reply.ts))
            file = await self._pipeline.transcribed(client, request.file, wait=not request.language_given)
            heard = None if request.language_given else heard_language(file)
            request = replace(request, file=file, language=heard or request.language)
            job = replace(job, request=request)  # written with the job (the library shows the language)
            if (heard_text := clone_text.cloning(request.name, heard=heard, file=file)) != shown:
                await self._slack.progress(client, job, heard_text)  # what Slack heard, once it is known
            async with self._pipeline.clip(client, file) as clip:
                # A designed voice's preview is what RevRing itself made: there is no recording to judge.
                report = (
                    None
                    if request.designed
                    else await quality.report_for(clip.audio, self._settings.audio_limits, check)
                )
                if quality.holds_back(report, check, accepted=request.recording_accepted):
                    voice = None
                else:
                    # From here on RevRing may act on what it receives: nobody may send it again blindly, and only
                    # the runner that still holds the job may send it at all. The fenced write is that proof.
                    job = await self._outbox.save(replace(job, stage=Stage.UPLOADING))
                    voice = await self._pipeline.send(revring, clip, name=request.name, language=request.language)
        except asyncio.CancelledError:
            # Shutdown's grace ran out (another instance, or the next start, goes on with it), or the lease was lost.
            self._metrics.clone_finished("interrupted", time.monotonic() - started)
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
        except LeaseLost:
            raise
        except Exception:
            log.exception("clone crashed")
            self._metrics.clone_finished("failed", time.monotonic() - started)
            await self.fail(client, job, failures.crashed(name=request.name, uploading=job.stage is Stage.UPLOADING))
            return
        seconds = time.monotonic() - started
        if voice is None:
            assert report is not None
            log.info("clone held back: a poor recording", extra={"problems": [p.value for p in report.problems]})
            self._metrics.clone_finished("held", seconds)
            await self._hold(client, job, report)
            return
        log.info("clone done", extra={"voice": voice.id, "voice_status": voice.status, "seconds": round(seconds, 3)})
        self._metrics.clone_finished("done", seconds)
        job, answer = answers.voice_made(self._settings, job, voice, clip.audio, report, heard)
        # Shielded: once the voice exists its answer is written and shown, even if this runner's lease keeper gives
        # up on the job meanwhile (the database was down past the lease): see Outbox.answer_with_voice.
        if not await asyncio.shield(self._tasks.spawn(self._outbox.answer_with_voice(client, job, answer))):
            raise LeaseLost(job.id)

    async def _hold(self, client: AsyncWebClient, job: Job, report: Report) -> None:
        await self._outbox.answer(client, *answers.held_back(job, report))

    async def fail(self, client: AsyncWebClient, job: Job, failure: Explained, stage: Stage = Stage.FAILED) -> None:
        """End `job` with `failure`'s answer (and a *Try again* button when it is worth another go)."""
        await self._outbox.answer(client, *answers.failed(job, failure, stage))
