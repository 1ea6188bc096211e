"""The pipeline: a clone request -> download from Slack -> check the audio -> RevRing -> reply in thread."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs, messages
from bot.audio import AudioLimits, AudioNote, NotAudio, PreparedAudio, TooShort, prepare_audio
from bot.config import Settings
from bot.records import Admission, Admitted, Answer, CloneRequest, Job, SharedFile, Stage
from bot.revring import (
    BillingInactive,
    InvalidBody,
    OutcomeUnknown,
    RevRingClient,
    RevRingError,
    TooLarge,
    Unauthorized,
    Unavailable,
    Unprocessable,
    Voice,
    VoiceIdMissing,
)
from bot.slack_api import SLACK_FAILURES, error_code
from bot.slack_files import FileNotAccessible, FileOutOfReach, FileTooLarge, SlackFileError, download_slack_file
from bot.slack_shapes import shared_file
from bot.store import RequestStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Prepared:
    """Checked audio and the work directory it lives in (removed when the job ends)."""

    audio: PreparedAudio
    workdir: Path


@dataclass(frozen=True)
class Reply:
    """Where the progress message went: the channel asked for, or the person's DM with the bot."""

    channel: str
    ts: str


# Slack's answers when the bot may not post in a conversation; the person is answered in a DM instead.
_CANNOT_POST_HERE = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cant_post"}


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


class CloneFailed(Exception):
    """A clone stopped for a reason the person can act on; `text` is already mrkdwn-safe.

    `retryable` failures (RevRing or Slack had a bad minute, RevRing billing was off) get a "Try again" button.
    """

    def __init__(self, text: str, cause: str, *, retryable: bool = False) -> None:
        super().__init__(cause)
        self.text = text
        self.cause = cause
        self.retryable = retryable


class Cloner:
    """Runs jobs in the background, at most `max_concurrent_clones` at once, and always answers."""

    def __init__(
        self,
        settings: Settings,
        session: aiohttp.ClientSession,
        revring: RevRingClient,
        store: RequestStore,
    ) -> None:
        self._settings = settings
        self._session = session
        self._revring = revring
        self._store = store
        self._tasks: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(settings.max_concurrent_clones)
        self._waiting = 0
        self._closing = False
        # Which runner holds a job, in the store: this process, from start to exit. A job is started only by the
        # runner that took it (admitted, reopened or taken over from an earlier run), so never twice.
        self._runner = uuid.uuid4().hex

    # --- taking work ---------------------------------------------------------------------------------

    async def submit(self, client: AsyncWebClient, request: CloneRequest) -> Admitted:
        """Write the job record, then start it; a duplicate or a person over the limit starts nothing."""
        admitted = await self._store.admit(
            request, per_user_per_hour=self._settings.clones_per_hour, runner=self._runner
        )
        if admitted.job is not None and self._closing:
            log.info("job recorded during shutdown; it starts on the next start", extra={"job": admitted.job.id})
        elif admitted.job is not None:
            self._start(client, admitted.job)
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
        self._start(client, admitted.job)
        return Retried(Retry.STARTED)

    def resume_in_background(self, client: AsyncWebClient) -> None:
        """After a restart: run again what never reached RevRing; explain what was cut off mid-upload."""
        self._track(asyncio.create_task(self._resume(client)))

    async def _resume(self, client: AsyncWebClient) -> None:
        # Only what an earlier run left is taken: a request admitted (or a Try again) since this start is this
        # runner's already and is not touched, however long the deliveries below take.
        for job in await self._store.take_abandoned(self._runner):
            if job.answer is not None:
                log.info("delivering an answer that a restart cut off", extra={"job": job.id})
                await self._deliver(client, job)
            elif job.stage is Stage.UPLOADING:
                log.warning("job was cut off during the upload; asking the person", extra={"job": job.id})
                text = messages.interrupted_during_upload(job.request.name)
                job = replace(job, stage=Stage.INTERRUPTED, failure="interrupted during upload")
                await self._answer(client, job, text, messages.failed_blocks(text, retry_job_id=job.id), ok=False)
            else:
                log.info("job resumes", extra={"job": job.id, "stage": str(job.stage)})
                self._start(client, job)

    def _start(self, client: AsyncWebClient, job: Job) -> None:
        self._track(asyncio.create_task(self.run(client, job)))

    def _track(self, task: asyncio.Task[None]) -> None:
        # Keep a reference (the loop holds tasks weakly) and know what shutdown must wait for.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def shutdown(self, grace_seconds: float) -> None:
        """Let running clones finish for up to `grace_seconds`; what is cut off stays resumable."""
        self._closing = True
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                log.warning("clones cut off by shutdown; they resume on the next start", extra={"count": len(pending)})
                await asyncio.gather(*pending, return_exceptions=True)

    # --- one job ---------------------------------------------------------------------------------------

    async def run(self, client: AsyncWebClient, job: Job) -> None:
        request = job.request
        started = time.monotonic()
        logs.bind(job=job.id, team=request.team_id, channel=request.channel_id, user=request.user_id,
                  file=request.file.id)
        log.info("clone started", extra={"stage": str(job.stage)})
        try:
            self._react_soon(client, request, add=messages.REACTION_WORKING)
            if self._slots.locked():
                self._waiting += 1
                # Everyone running, plus those who queued earlier, is ahead of this one.
                ahead = self._settings.max_concurrent_clones + self._waiting - 1
                try:
                    job = await self._progress(client, job, messages.queued(request.name, ahead))
                    await self._slots.acquire()
                finally:
                    self._waiting -= 1
            else:
                await self._slots.acquire()
            prepared: _Prepared | None = None
            try:
                job = await self._progress(client, job, messages.cloning(request.name))
                job = await self._advance(job, Stage.DOWNLOADING)
                file, prepared = await self._fetch_audio(client, job)
                # From here on RevRing may act on what it receives: a restart must not send it again blindly.
                job = await self._advance(job, Stage.UPLOADING)
                voice = await self._upload(job, file, prepared)
            finally:
                self._slots.release()
                if prepared is not None:
                    await asyncio.to_thread(shutil.rmtree, prepared.workdir, True)
        except CloneFailed as failure:
            log.info("clone failed", extra={"cause": failure.cause, "seconds": round(time.monotonic() - started, 3)})
            blocks = messages.failed_blocks(failure.text, retry_job_id=job.id if failure.retryable else None)
            job = replace(job, stage=Stage.FAILED, failure=failure.cause[:200])
            await self._answer(client, job, failure.text, blocks, ok=False)
            return
        except Exception:
            log.exception("clone crashed")
            # Cut off while sending: RevRing may have made the voice, so say so rather than "nothing was created".
            uploading = job.stage is Stage.UPLOADING
            text = messages.interrupted_during_upload(request.name) if uploading else messages.internal_error()
            job = replace(job, stage=Stage.FAILED, failure="internal error")
            await self._answer(client, job, text, messages.failed_blocks(text, retry_job_id=job.id), ok=False)
            return
        log.info("clone done", extra={"voice": voice.id, "voice_status": voice.status,
                                      "seconds": round(time.monotonic() - started, 3)})
        language = voice.language or request.language
        note = _audio_note(prepared.audio, self._settings.audio_limits)
        job = replace(job, stage=Stage.DONE, voice_id=voice.id, voice_status=voice.status, failure=None)
        await self._answer(
            client,
            job,
            messages.voice_ready_text(request.name, voice.id, language, voice.status),
            messages.voice_ready_blocks(request.name, voice.id, language, voice.status, note=note),
            ok=True,
        )

    async def _fetch_audio(self, client: AsyncWebClient, job: Job) -> tuple[SharedFile, _Prepared]:
        """Download the file into a fresh work directory and check it; the caller removes the directory."""
        workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="voice-clone-"))
        try:
            audio_path = workdir / "upload"
            file = await self._full_file(client, job.request.file)
            await self._download(file, audio_path)
            try:
                prepared = await prepare_audio(
                    audio_path, workdir / "prepared", self._settings.audio_limits,
                    declared_duration_ms=file.duration_ms,
                )
            except TooShort as error:
                raise CloneFailed(messages.too_short(error.duration_seconds, error.min_seconds), error.cause) from None
            except NotAudio as error:
                raise CloneFailed(messages.not_audio(), error.cause) from None
        except BaseException:
            await asyncio.to_thread(shutil.rmtree, workdir, True)
            raise
        return file, _Prepared(prepared, workdir)

    async def _upload(self, job: Job, file: SharedFile, prepared: _Prepared) -> Voice:
        try:
            return await self._revring.create_voice(
                display_name=job.request.name,
                language=job.request.language,
                audio=prepared.audio.path,
                filename=f"{_file_stem(file)}.{prepared.audio.info.extension}",
                content_type=prepared.audio.info.content_type,
            )
        except VoiceIdMissing as error:
            raise CloneFailed(messages.revring_created_without_id(job.request.name), error.cause) from None
        except RevRingError as error:
            # Worth another go once RevRing or its billing is back; a voice that may exist is said so in the text.
            retryable = isinstance(error, Unavailable | OutcomeUnknown | BillingInactive)
            raise CloneFailed(_revring_message(error, job.request.name), error.cause, retryable=retryable) from None

    async def _advance(self, job: Job, stage: Stage) -> Job:
        job = replace(job, stage=stage)
        await self._store.update_job(job)
        return job

    async def _full_file(self, client: AsyncWebClient, file: SharedFile) -> SharedFile:
        """Slack Connect may deliver a stub without URLs; files.info has the real object."""
        if file.url_private_download or file.external:
            return file
        try:
            response = await client.files_info(file=file.id)
        except SlackApiError as error:
            raise CloneFailed(messages.file_out_of_reach(), f"files.info: {error_code(error)}") from None
        except SLACK_FAILURES as error:
            raise CloneFailed(messages.download_failed(), f"files.info: {error_code(error)}", retryable=True) from None
        return shared_file(response.get("file") or {})

    async def _download(self, file: SharedFile, dest: Path) -> None:
        if file.external or not file.url_private_download:
            cause = "external file" if file.external else "no download URL"
            raise CloneFailed(messages.file_not_downloadable(), cause)
        try:
            await download_slack_file(
                self._session,
                file.url_private_download,
                dest,
                token=self._settings.slack_bot_token,
                expected_size=file.size,
                max_bytes=self._settings.max_audio_bytes,
                extra_token_hosts=self._settings.slack_token_hosts,
            )
        except FileTooLarge as error:
            raise CloneFailed(messages.too_large(error.size, self._settings.max_audio_mb), error.cause) from None
        except FileNotAccessible as error:
            raise CloneFailed(messages.file_not_accessible(), error.cause) from None
        except FileOutOfReach as error:
            raise CloneFailed(messages.file_out_of_reach(), error.cause) from None
        except SlackFileError as error:
            raise CloneFailed(messages.download_failed(), error.cause, retryable=True) from None

    async def _post(self, client: AsyncWebClient, request: CloneRequest, text: str, blocks: list) -> Reply | None:
        """Post in the requested channel or thread; where the bot may not post, in the person's DM."""
        try:
            response = await client.chat_postMessage(
                channel=request.channel_id, thread_ts=request.thread_ts, text=text, blocks=blocks
            )
        except SLACK_FAILURES as error:
            if error_code(error) not in _CANNOT_POST_HERE:
                log.warning("message not posted", extra={"slack_error": error_code(error)})
                return None
            log.info("cannot post there; answering in a DM", extra={"slack_error": error_code(error)})
            try:
                response = await client.chat_postMessage(channel=request.user_id, text=text, blocks=blocks)
            except SLACK_FAILURES as dm_error:
                log.error("DM not posted either", extra={"slack_error": error_code(dm_error)})
                return None
        return Reply(str(response.get("channel") or request.channel_id), str(response.get("ts")))

    async def _progress(self, client: AsyncWebClient, job: Job, text: str) -> Job:
        """Show progress in the one message of this job: edit it if it exists, else post it and remember it."""
        blocks = messages.progress_blocks(text)
        if job.reply_channel and job.reply_ts:
            try:
                await client.chat_update(channel=job.reply_channel, ts=job.reply_ts, text=text, blocks=blocks)
                return job
            except SLACK_FAILURES as error:
                log.warning("progress message not edited", extra={"slack_error": error_code(error)})
        reply = await self._post(client, job.request, text, blocks)
        if reply is None:
            return job
        job = replace(job, reply_channel=reply.channel, reply_ts=reply.ts)
        await self._store.update_job(job)
        return job

    async def _answer(self, client: AsyncWebClient, job: Job, text: str, blocks: list, *, ok: bool) -> None:
        """Record the job's outcome together with the answer still to be shown, then show it.

        Written first, so that if Slack fails or the process dies before the answer is out, the next start
        delivers it: a finished clone is never left looking like "Cloning…".
        """
        job = replace(job, answer=Answer(text, blocks, ok))
        await self._store.update_job(job)
        await self._deliver(client, job)

    async def _deliver(self, client: AsyncWebClient, job: Job) -> None:
        """Edit the progress message into the answer (or post it if there is none) and set the reaction."""
        answer = job.answer
        if answer is None:
            return
        delivered = False
        if job.reply_channel and job.reply_ts:
            try:
                await client.chat_update(
                    channel=job.reply_channel, ts=job.reply_ts, text=answer.text, blocks=answer.blocks
                )
                delivered = True
            except SLACK_FAILURES as error:
                log.warning("progress message not edited", extra={"slack_error": error_code(error)})
        if not delivered:
            delivered = await self._post(client, job.request, answer.text, answer.blocks) is not None
        if not delivered:
            log.error("answer not delivered; it is retried on the next start")
            return
        await self._store.update_job(replace(job, answer=None))
        done = messages.REACTION_DONE if answer.ok else messages.REACTION_FAILED
        # A retried job may carry the ❌ of its earlier attempt.
        stale = (messages.REACTION_FAILED,) if job.retries and answer.ok else ()
        self._react_soon(client, job.request, remove=(messages.REACTION_WORKING, *stale), add=done)

    def _react_soon(
        self, client: AsyncWebClient, request: CloneRequest, *, add: str | None = None, remove: tuple[str, ...] = ()
    ) -> None:
        """Reactions are a courtesy: they are set beside the clone, never in its way."""
        if request.message_ts is not None:
            self._track(asyncio.create_task(self._react(client, request, add=add, remove=remove)))

    async def _react(
        self, client: AsyncWebClient, request: CloneRequest, *, add: str | None = None, remove: tuple[str, ...] = ()
    ) -> None:
        """Reactions are a courtesy: failing to set one never stops a clone."""
        if request.message_ts is None:
            return
        changes = [(client.reactions_remove, name) for name in remove]
        if add:
            changes.append((client.reactions_add, add))
        for method, name in changes:
            try:
                await method(channel=request.channel_id, timestamp=request.message_ts, name=name)
            except SLACK_FAILURES as error:
                log.debug("reaction not changed", extra={"reaction": name, "slack_error": error_code(error)})


def _audio_note(prepared: PreparedAudio, limits: AudioLimits) -> str | None:
    if prepared.note is AudioNote.EXCERPT:
        return messages.used_an_excerpt(prepared.original_seconds, limits.excerpt_seconds, prepared.length_known)
    if prepared.note is AudioNote.OUTSIDE_IDEAL:
        return messages.outside_ideal(prepared.original_seconds, limits.ideal_min_seconds, limits.ideal_max_seconds)
    return None


def _revring_message(error: RevRingError, name: str) -> str:
    if isinstance(error, InvalidBody):
        return messages.revring_invalid_body(error.details)
    if isinstance(error, TooLarge):
        return messages.revring_too_large(error.details)
    if isinstance(error, Unprocessable):
        return messages.revring_unprocessable(error.details)
    if isinstance(error, Unauthorized):
        return messages.revring_unauthorized()
    if isinstance(error, BillingInactive):
        return messages.revring_billing_inactive()
    if isinstance(error, OutcomeUnknown):
        return messages.revring_outcome_unknown(name, error.reason)
    return messages.revring_unavailable(error.reason if isinstance(error, Unavailable) else "")


def _file_stem(file: SharedFile) -> str:
    stem = (file.name or "voice").rsplit(".", 1)[0]
    # ASCII letters, digits, "-" and "_" only: multipart encoders percent-encode anything else in filename=.
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in stem).strip("_")
    return safe[:60] or "voice"
