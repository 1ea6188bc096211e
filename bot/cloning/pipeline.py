"""The pipeline: a shared Slack file (or, for `python -m bot clone`, a file on this machine) -> a checked clip on
disk -> a RevRing voice.

It knows Slack's files and RevRing's voices, nothing of messages or Block Kit: every failure is raised as the
typed error of the step that failed (`AudioProblem`, `SlackFileError`, `RevRingError`), and `bot.cloning.failures` says
what it means for the person. Both ways in share the checks (`prepare_audio`, the size limit) and the one way out
(`send_clip`).
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import webvtt
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.audio import EXCERPT_NAME, AudioLimits, AudioProblem, PreparedAudio, prepare_audio
from bot.config import Settings
from bot.records import SharedFile
from bot.revring import RevRingClient, RevRingError, Voice
from bot.slack.api_errors import SLACK_FAILURES, error_code, outage_cause
from bot.slack.files import (
    DownloadFailed,
    FileNotDownloadable,
    FileOutOfReach,
    FileTooLarge,
    SlackFileError,
    download_slack_file,
)
from bot.slack.shapes import shared_file

log = logging.getLogger(__name__)

# What a step of the pipeline raises when the clone cannot go on; anything else is a bug.
PIPELINE_FAILURES = (AudioProblem, SlackFileError, RevRingError)
# Slack transcribes its own clips a few seconds after they are shared: the pauses before each re-read (5 s in all).
TRANSCRIPTION_POLLS = (0.5, 1.0, 1.0, 1.0, 1.5)
TRANSCRIPT_MAX_BYTES = 256 * 1024  # a clip's whole transcription (WebVTT): a minute of speech is a few kB


@dataclass(frozen=True)
class Clip:
    """Checked audio ready to send, and the Slack file it came from."""

    file: SharedFile
    audio: PreparedAudio


class Pipeline:
    """Downloads and checks a Slack file, and sends the result to RevRing: each with the credentials of the job's
    own workspace (its Slack client, its RevRing client), never another's."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession, workdir: Path) -> None:
        """`workdir`: a private folder of this process's own (`work_folder`), where each clip's files live while
        it is checked and sent."""
        self._settings = settings
        self._session = session
        self._workdir = workdir

    @asynccontextmanager
    async def clip(self, client: AsyncWebClient, file: SharedFile) -> AsyncIterator[Clip]:
        """The file downloaded (with `client`'s token) into the work folder under a name of its own, and checked;
        its files go when the block ends (one thread hop: no folder of its own to make and remove)."""
        name = uuid.uuid4().hex
        audio_path = self._workdir / name
        excerpt_name = f"{name}-{EXCERPT_NAME}"
        try:
            file = await self._full_file(client, file)
            await self._download(file, audio_path, token=client.token or "")
            prepared = await prepare_audio(
                audio_path,
                self._workdir,
                self._settings.audio_limits,
                declared_duration_ms=file.duration_ms,
                excerpt_name=excerpt_name,
            )
            yield Clip(file, prepared)
        finally:
            await asyncio.to_thread(_remove, audio_path, self._workdir / excerpt_name)

    async def transcribed(self, client: AsyncWebClient, file: SharedFile, *, wait: bool) -> SharedFile:
        """The file as Slack describes it (a Slack Connect stub completed with files.info), and with `wait`, a
        transcription still "processing" re-read with files.info until it is done, for a few seconds at most. A
        re-read that fails leaves the file as it was: the clone goes on without the transcription."""
        file = await self._full_file(client, file)
        for pause in TRANSCRIPTION_POLLS if wait else ():
            if file.transcription != "processing":
                break
            await asyncio.sleep(pause)
            try:
                response = await client.files_info(file=file.id)
            except SLACK_FAILURES as error:
                log.info("transcription not read again", extra={"slack_error": error_code(error)})
                break
            file = shared_file(response.get("file") or {"id": file.id})
        return file

    async def transcript(self, client: AsyncWebClient, file: SharedFile) -> str | None:
        """The whole of Slack's transcription of a clip (its WebVTT file, downloaded as a file is, the token only to
        Slack), as one line of text; None when Slack has none or it cannot be read."""
        if not file.transcript_url:
            return None
        path = self._workdir / f"{uuid.uuid4().hex}.vtt"
        try:
            await download_slack_file(
                self._session,
                file.transcript_url,
                path,
                token=client.token or "",
                expected_size=None,
                max_bytes=TRANSCRIPT_MAX_BYTES,
                extra_token_hosts=self._settings.slack_token_hosts,
            )
            # Read and parsed in one hop off the event loop (up to TRANSCRIPT_MAX_BYTES of captions).
            said = await asyncio.to_thread(_captions, path)
        except SlackFileError as error:
            log.info("transcript not read", extra={"cause": str(error)})
            return None
        finally:
            await asyncio.to_thread(_remove, path)
        if said is None:
            log.info("transcript not read: not a WebVTT file")
        return said

    async def send(self, revring: RevRingClient, clip: Clip, *, name: str, language: str) -> Voice:
        """Create the voice from `clip`. From the moment this is called RevRing may act on what it receives."""
        return await send_clip(revring, clip.audio, file_name=clip.file.name, name=name, language=language)

    async def _full_file(self, client: AsyncWebClient, file: SharedFile) -> SharedFile:
        """Slack Connect may deliver a stub without URLs; files.info has the real object."""
        if file.url_private_download or file.external:
            return file
        try:
            response = await client.files_info(file=file.id)
        except SlackApiError as error:
            raise FileOutOfReach(f"files.info: {error_code(error)}") from None
        except SLACK_FAILURES as error:
            raise DownloadFailed(f"files.info: {error_code(error)}", outage_cause(error) or "error") from None
        return shared_file(response.get("file") or {})

    async def _download(self, file: SharedFile, dest: Path, *, token: str) -> None:
        if file.external or not file.url_private_download:
            raise FileNotDownloadable("external file" if file.external else "no download URL")
        await download_slack_file(
            self._session,
            file.url_private_download,
            dest,
            token=token,
            expected_size=file.size,
            max_bytes=self._settings.max_audio_bytes,
            extra_token_hosts=self._settings.slack_token_hosts,
        )


@asynccontextmanager
async def local_clip(path: Path, limits: AudioLimits, max_bytes: int) -> AsyncIterator[PreparedAudio]:
    """A file on this machine checked as a shared one is: its size against `max_bytes` before a byte is read, then
    the audio against `limits`. An excerpt cut from it lives in a work directory that goes when the block ends."""
    size = (await asyncio.to_thread(path.stat)).st_size
    if size > max_bytes:
        raise FileTooLarge(size, max_bytes)
    async with _work_directory() as workdir:
        yield await prepare_audio(path, workdir / "prepared", limits)


async def send_clip(
    revring: RevRingClient, audio: PreparedAudio, *, file_name: str | None, name: str, language: str
) -> Voice:
    """Create the voice `name` from checked audio: the one way a clip reaches RevRing, from Slack or a terminal.
    From the moment this is called RevRing may act on what it receives."""
    return await revring.create_voice(
        display_name=name,
        language=language,
        audio=audio.path,
        filename=f"{_file_stem(file_name)}.{audio.info.extension}",
        content_type=audio.info.content_type,
    )


@asynccontextmanager
async def work_folder() -> AsyncIterator[Path]:
    """A private folder (mode 0700) for the clips of this process, removed with what is left in it at the end."""
    async with _work_directory() as workdir:
        yield workdir


def _captions(path: Path) -> str | None:
    """The text of a WebVTT file as one line; None when it is not one."""
    try:
        captions = webvtt.from_string(path.read_text("utf-8", "replace"))
    except (webvtt.errors.MalformedFileError, webvtt.errors.MalformedCaptionError):
        return None
    return " ".join(" ".join(caption.text.split()) for caption in captions.captions)


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


@asynccontextmanager
async def _work_directory() -> AsyncIterator[Path]:
    """A fresh private directory for one clip's files, removed with everything in it when the block ends."""
    workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="voice-clone-"))
    try:
        yield workdir
    finally:
        await asyncio.to_thread(shutil.rmtree, workdir, True)


def _file_stem(file_name: str | None) -> str:
    stem = (file_name or "voice").rsplit(".", 1)[0]
    # ASCII letters, digits, "-" and "_" only: multipart encoders percent-encode anything else in filename=.
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in stem).strip("_")
    return safe[:60] or "voice"
