"""The pipeline: a shared Slack file -> a checked clip on disk -> a RevRing voice.

It knows Slack's files and RevRing's voices, nothing of messages or Block Kit: every failure is raised as the
typed error of the step that failed (`AudioProblem`, `SlackFileError`, `RevRingError`), and `bot.failures` says
what it means for the person.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.audio import AudioProblem, PreparedAudio, prepare_audio
from bot.config import Settings
from bot.revring import RevRingClient, RevRingError, Voice
from bot.slack_api import SLACK_FAILURES, error_code, outage_cause
from bot.slack_files import (
    DownloadFailed,
    FileNotDownloadable,
    FileOutOfReach,
    SlackFileError,
    download_slack_file,
)
from bot.store import SharedFile

# What a step of the pipeline raises when the clone cannot go on; anything else is a bug.
PIPELINE_FAILURES = (AudioProblem, SlackFileError, RevRingError)


@dataclass(frozen=True)
class Clip:
    """Checked audio ready to send, and the Slack file it came from."""

    file: SharedFile
    audio: PreparedAudio


class Pipeline:
    """Downloads and checks a Slack file, and sends the result to RevRing."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession, revring: RevRingClient) -> None:
        self._settings = settings
        self._session = session
        self._revring = revring

    @asynccontextmanager
    async def clip(self, client: AsyncWebClient, file: SharedFile) -> AsyncIterator[Clip]:
        """The file downloaded into a fresh work directory and checked; the directory goes when the block ends."""
        workdir = Path(await asyncio.to_thread(tempfile.mkdtemp, prefix="voice-clone-"))
        try:
            audio_path = workdir / "upload"
            file = await self._full_file(client, file)
            await self._download(file, audio_path)
            prepared = await prepare_audio(
                audio_path, workdir / "prepared", self._settings.audio_limits, declared_duration_ms=file.duration_ms
            )
            yield Clip(file, prepared)
        finally:
            await asyncio.to_thread(shutil.rmtree, workdir, True)

    async def send(self, clip: Clip, *, name: str, language: str) -> Voice:
        """Create the voice from `clip`. From the moment this is called RevRing may act on what it receives."""
        return await self._revring.create_voice(
            display_name=name,
            language=language,
            audio=clip.audio.path,
            filename=f"{_file_stem(clip.file)}.{clip.audio.info.extension}",
            content_type=clip.audio.info.content_type,
        )

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
        return SharedFile.from_slack(response.get("file") or {})

    async def _download(self, file: SharedFile, dest: Path) -> None:
        if file.external or not file.url_private_download:
            raise FileNotDownloadable("external file" if file.external else "no download URL")
        await download_slack_file(
            self._session,
            file.url_private_download,
            dest,
            token=self._settings.slack_bot_token,
            expected_size=file.size,
            max_bytes=self._settings.max_audio_bytes,
            extra_token_hosts=self._settings.slack_token_hosts,
        )


def _file_stem(file: SharedFile) -> str:
    stem = (file.name or "voice").rsplit(".", 1)[0]
    # ASCII letters, digits, "-" and "_" only: multipart encoders percent-encode anything else in filename=.
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in stem).strip("_")
    return safe[:60] or "voice"
