"""CONSENT=recorded: the speaker reads the statement aloud in a Slack clip in their DM with the bot, and the bot
waits for Slack's transcription of it (`transcription.status` "processing" -> "complete", told by the `file_change`
event or re-read with files.info) and compares what Slack heard with the statement. A match is the speaker's yes; a
mismatch is answered with what was heard and a request to read it again; no transcription at all (a plan or language
Slack does not transcribe, "failed", or none in time) offers the speaker the *I agree* button instead.

Whichever way a transcription arrives (this instance's re-reads, a `file_change` here or on another instance), it is
judged once: a claim per clip and outcome in the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.scheduling import Tasks
from bot.config import ConsentMode
from bot.consent.statement import compare
from bot.messages import consent as consent_text
from bot.records import Consent, ConsentStatus, ConsentWay, SharedFile, Where
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.slack.shapes import shared_file
from bot.store import ConsentBook, Inbox

log = logging.getLogger(__name__)

# Slack transcribes a clip a few seconds after it is shared: the waits between re-reads (a `file_change` ends one at
# once); still "processing" after the last, the clip counts as one without a transcription (a later one still counts).
TRANSCRIPT_WAITS = (1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0)
_CLIPS = ("slack_audio", "slack_video")


class _Store(ConsentBook, Inbox, Protocol):
    pass


Agree = Callable[[AsyncWebClient, Consent], Awaitable[bool]]
Transcript = Callable[[AsyncWebClient, SharedFile], Awaitable[str | None]]


class ClipListener:
    """Hears the clips speakers record; `agree` records a yes and starts the clone (bot.consent.desk); `transcript`
    reads the whole of a clip's transcription when the words Slack shows of it are not all it heard."""

    def __init__(self, store: _Store, tasks: Tasks, *, agree: Agree, transcript: Transcript) -> None:
        self._store = store
        self._tasks = tasks
        self._agree = agree
        self._transcript = transcript
        self._heard: dict[str, asyncio.Event] = {}  # clip id -> set when its transcription arrived by file_change

    async def take(
        self, client: AsyncWebClient, where: Where, file: SharedFile, *, channel_id: str, thread_ts: str | None
    ) -> bool:
        """A file `where.user_id` shared in their DM with the bot: True when it answers a consent they are asked for
        with CONSENT=recorded (it is then heard beside, and nothing else is done with the file)."""
        asked = await self._store.waiting_consents(where.team_id, where.user_id)
        waiting = [consent for consent in asked if consent.mode == ConsentMode.RECORDED]
        if not waiting:
            return False
        consent = next((c for c in waiting if thread_ts and c.dm_ts == thread_ts), waiting[0])
        if file.user and file.user != where.user_id:
            await _say(client, channel_id, thread_ts, consent_text.not_your_clip())
        elif file.subtype not in _CLIPS:
            await _say(client, channel_id, thread_ts, consent_text.record_a_clip())
        elif await self._store.note_consent(replace(consent, clip_file_id=file.id, transcript="")):
            log.info("consent clip received", extra={"job": consent.job_id, "file": file.id})
            self._tasks.spawn(self._listen(client, consent.job_id, file))
        return True

    async def file_changed(self, client: AsyncWebClient, team_id: str, file_id: str) -> None:
        """Slack's `file_change`: a consent clip's transcription may be done."""
        consent = await self._store.consent_by_clip(team_id, file_id)
        if consent is None:
            return
        file = await _read(client, file_id)
        if file is None or file.transcription == "processing":
            return
        if file_id in self._heard:
            self._heard[file_id].set()  # the re-reads here stop waiting
        await self.judge(client, consent.job_id, file)

    async def _listen(self, client: AsyncWebClient, job_id: str, file: SharedFile) -> None:
        heard = self._heard.setdefault(file.id, asyncio.Event())
        try:
            for wait in TRANSCRIPT_WAITS:
                if file.transcription != "processing":
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(heard.wait(), wait)
                if heard.is_set():
                    return  # judged as the file_change came in
                file = await _read(client, file.id) or file
            await self.judge(client, job_id, file)
        finally:
            self._heard.pop(file.id, None)

    async def judge(self, client: AsyncWebClient, job_id: str, file: SharedFile) -> None:
        """What Slack heard in the clip `file`, once per clip and outcome: a yes, a retry, or the button."""
        if not await self._store.claim(f"consent-heard:{job_id}:{file.id}:{file.transcription}"):
            return
        consent = await self._store.consent_for(job_id)
        if consent is None or consent.status is not ConsentStatus.WAITING or consent.clip_file_id != file.id:
            return  # decided meanwhile, or a newer clip is the one that counts
        where = consent.dm_channel or consent.speaker_id or ""
        if file.transcription != "complete":
            log.info("consent clip without a transcription", extra={"job": job_id, "status": file.transcription})
            if await self._store.note_consent(replace(consent, button_offered=True)):
                await _say(client, where, None, consent_text.no_transcript(), consent_text.no_transcript_blocks(job_id))
            return
        whole = await self._transcript(client, file) if file.heard_more else None
        heard = " ".join((whole or file.heard_words).split())
        reading = compare(heard, expected=consent.statement, speaker=consent.speaker_name, code=consent.code)
        consent = replace(consent, transcript=heard)
        if reading.accepted:
            await self._agree(client, replace(consent, way=ConsentWay.RECORDED, decided_by=consent.speaker_id))
            return
        log.info("consent clip did not match", extra={"job": job_id, "missing": [str(m) for m in reading.missing]})
        if await self._store.note_consent(consent):
            missing = tuple(str(part) for part in reading.missing)
            await _say(client, where, None, consent_text.reading_missed(reading.heard, missing, consent.statement))


async def _read(client: AsyncWebClient, file_id: str) -> SharedFile | None:
    try:
        response = await client.files_info(file=file_id)
    except SLACK_FAILURES as error:
        log.info("consent clip not read again", extra={"slack_error": error_code(error)})
        return None
    return shared_file(response.get("file") or {"id": file_id})


async def _say(
    client: AsyncWebClient, channel: str, thread_ts: str | None, text: str, blocks: list | None = None
) -> None:
    """A reply to the speaker in their DM with the bot."""
    try:
        await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=text, blocks=blocks)
    except SLACK_FAILURES as error:
        log.warning("the speaker was not answered", extra={"slack_error": error_code(error)})
