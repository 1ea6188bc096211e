"""The pipeline: a clone request -> download from Slack -> check the audio -> RevRing -> reply in thread."""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.audio import NotAudio, inspect_audio
from bot.config import Settings
from bot.revring import (
    BillingInactive,
    InvalidBody,
    RevRingClient,
    RevRingError,
    Unauthorized,
    Voice,
)
from bot.slack_files import FileNotAccessible, FileTooLarge, SlackFileError, download_slack_file
from bot.store import RequestStore, SharedFile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CloneRequest:
    """One accepted request: which file, what to call the voice, and where to answer."""

    team_id: str
    channel_id: str
    user_id: str
    file: SharedFile
    message_ts: str | None  # the message that carries the file, for reactions; None for a dialog upload
    thread_ts: str | None  # answer in this thread; None for a new message in the channel
    name: str
    language: str


@dataclass(frozen=True)
class Reply:
    """Where the progress message went: the channel asked for, or the person's DM with the bot."""

    channel: str
    ts: str


# Slack's answers when the bot may not post in a conversation; the person is answered in a DM instead.
_CANNOT_POST_HERE = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cant_post"}


class CloneFailed(Exception):
    """A clone stopped for a reason the person can act on; `text` is already mrkdwn-safe."""

    def __init__(self, text: str, cause: str) -> None:
        super().__init__(cause)
        self.text = text
        self.cause = cause


class Cloner:
    """Runs clone requests as background tasks and always answers in the file's thread."""

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

    async def accept(self, request: CloneRequest) -> bool:
        """Claim the file; False when the same file is already being (or was just) cloned."""
        return await self._store.claim(f"file:{request.team_id}:{request.file.id}")

    def start(self, client: AsyncWebClient, request: CloneRequest) -> asyncio.Task[None]:
        """Run the clone in the background, so Slack's request is answered at once."""
        task = asyncio.create_task(self.run(client, request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait_idle(self, timeout: float) -> None:
        """Give running clones up to `timeout` seconds, then cancel what is left."""
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    async def run(self, client: AsyncWebClient, request: CloneRequest) -> None:
        job = uuid.uuid4().hex[:12]
        started = time.monotonic()
        context = {
            "job": job,
            "team": request.team_id,
            "channel": request.channel_id,
            "user": request.user_id,
            "file": request.file.id,
        }
        log.info("clone started %s", context)
        await self._react(client, request, add=messages.REACTION_WORKING)
        progress = await self._post(
            client, request, messages.cloning(request.name), messages.cloning_blocks(request.name)
        )
        try:
            voice = await self._clone(client, request)
        except CloneFailed as failure:
            log.info("clone failed %s cause=%s seconds=%.2f", context, failure.cause, time.monotonic() - started)
            await self._finish(client, request, progress, failure.text, messages.failed_blocks(failure.text), ok=False)
            return
        except Exception:
            log.exception("clone crashed %s", context)
            text = messages.internal_error()
            await self._finish(client, request, progress, text, messages.failed_blocks(text), ok=False)
            return
        log.info(
            "clone done %s voice=%s status=%s seconds=%.2f",
            context, voice.id, voice.status, time.monotonic() - started,
        )
        language = voice.language or request.language
        await self._finish(
            client,
            request,
            progress,
            messages.voice_ready_text(request.name, voice.id, language, voice.status),
            messages.voice_ready_blocks(request.name, voice.id, language, voice.status),
            ok=True,
        )

    async def _clone(self, client: AsyncWebClient, request: CloneRequest) -> Voice:
        workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="voice-clone-"))
        try:
            audio_path = workdir / "upload"
            file = await self._full_file(client, request.file)
            await self._download(file, audio_path)
            try:
                info = await inspect_audio(audio_path)
            except NotAudio as error:
                raise CloneFailed(messages.not_audio(), error.cause) from None
            try:
                return await self._revring.create_voice(
                    display_name=request.name,
                    language=request.language,
                    audio=audio_path,
                    filename=f"{_file_stem(file)}.{info.extension}",
                    content_type=info.content_type,
                )
            except RevRingError as error:
                raise CloneFailed(_revring_message(error), error.cause) from None
        finally:
            await asyncio.to_thread(shutil.rmtree, workdir, True)

    async def _full_file(self, client: AsyncWebClient, file: SharedFile) -> SharedFile:
        """Slack Connect may deliver a stub without URLs; files.info has the real object."""
        if file.url_private_download:
            return file
        try:
            response = await client.files_info(file=file.id)
        except SlackApiError as error:
            raise CloneFailed(messages.file_not_accessible(), f"files.info: {_slack_error(error)}") from None
        return SharedFile.from_slack(response.get("file") or {})

    async def _download(self, file: SharedFile, dest: Path) -> None:
        if not file.url_private_download:
            raise CloneFailed(messages.file_not_accessible(), "no download URL")
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
        except SlackFileError as error:
            raise CloneFailed(messages.download_failed(), error.cause) from None

    async def _post(self, client: AsyncWebClient, request: CloneRequest, text: str, blocks: list) -> Reply | None:
        """Post in the requested channel or thread; where the bot may not post, in the person's DM."""
        try:
            response = await client.chat_postMessage(
                channel=request.channel_id, thread_ts=request.thread_ts, text=text, blocks=blocks
            )
        except SlackApiError as error:
            if _slack_error(error) not in _CANNOT_POST_HERE:
                log.warning("message not posted: %s", _slack_error(error))
                return None
            log.info("cannot post in %s (%s); answering in a DM", request.channel_id, _slack_error(error))
            try:
                response = await client.chat_postMessage(channel=request.user_id, text=text, blocks=blocks)
            except SlackApiError as dm_error:
                log.error("DM not posted either: %s", _slack_error(dm_error))
                return None
        return Reply(str(response.get("channel") or request.channel_id), str(response.get("ts")))

    async def _finish(
        self,
        client: AsyncWebClient,
        request: CloneRequest,
        progress: Reply | None,
        text: str,
        blocks: list,
        *,
        ok: bool,
    ) -> None:
        """Edit the progress message into the result (or post it if there is none) and set the reaction."""
        delivered = False
        if progress is not None:
            try:
                await client.chat_update(channel=progress.channel, ts=progress.ts, text=text, blocks=blocks)
                delivered = True
            except SlackApiError as error:
                log.warning("progress message not edited: %s", _slack_error(error))
        if not delivered and await self._post(client, request, text, blocks) is None:
            log.error("result not delivered to %s", request.user_id)
        done = messages.REACTION_DONE if ok else messages.REACTION_FAILED
        await self._react(client, request, remove=messages.REACTION_WORKING, add=done)

    async def _react(
        self, client: AsyncWebClient, request: CloneRequest, *, add: str | None = None, remove: str | None = None
    ) -> None:
        """Reactions are a courtesy: failing to set one never stops a clone."""
        if request.message_ts is None:
            return
        for method, name in ((client.reactions_remove, remove), (client.reactions_add, add)):
            if name is None:
                continue
            try:
                await method(channel=request.channel_id, timestamp=request.message_ts, name=name)
            except SlackApiError as error:
                log.debug("reaction %s not changed: %s", name, _slack_error(error))


def _slack_error(error: SlackApiError) -> str:
    data = error.response.data
    return str(data.get("error")) if isinstance(data, dict) else f"HTTP {error.response.status_code}"


def _revring_message(error: RevRingError) -> str:
    if isinstance(error, InvalidBody):
        return messages.revring_invalid_body(error.details)
    if isinstance(error, Unauthorized):
        return messages.revring_unauthorized()
    if isinstance(error, BillingInactive):
        return messages.revring_billing_inactive()
    return messages.revring_unavailable()


def _file_stem(file: SharedFile) -> str:
    stem = (file.name or "voice").rsplit(".", 1)[0]
    # ASCII letters, digits, "-" and "_" only: multipart encoders percent-encode anything else in filename=.
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in stem).strip("_")
    return safe[:60] or "voice"
