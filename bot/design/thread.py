"""Voices designed from words: RevRing's candidates shown as a Slack thread, each preview uploaded as an audio file
people can play, with a *Save as a voice…* button under it.

Saving needs nothing of its own: the uploaded preview is a Slack file like any shared recording, so a saved
candidate is a `CloneRequest` for that file, and the clone pipeline (one answer, retries, the hourly limit,
restarts) makes the voice. This module only posts the thread and keeps each candidate's file for an hour.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning import failures
from bot.cloning.audio import NotAudio, identify_audio
from bot.messages import clone as clone_text
from bot.messages import design as design_text
from bot.ops.metrics import Metrics
from bot.revring import MAX_INSTRUCTION_LENGTH, Candidate, RevRingClient, RevRingError, instruction_length
from bot.slack.api_errors import CANNOT_POST_HERE, SLACK_FAILURES, UPLOAD_FAILURES, error_code
from bot.store import DesignCandidates, StoreUnavailable

log = logging.getLogger(__name__)

DEFAULT_CANDIDATES = 3
CANDIDATE_SECONDS = 3600.0  # how long a candidate can be saved after it was designed


@dataclass(frozen=True)
class DesignRequest:
    team_id: str
    user_id: str
    channel_id: str  # where the thread goes: a conversation, or the person's id for their DM with the bot
    description: str
    count: int
    enterprise_id: str | None = None  # the Enterprise Grid org, if any: an org-wide uninstall forgets its candidates


@dataclass(frozen=True)
class DesignThread:
    """Where the design was posted; `moved` when the conversation asked for refused the bot, so it went to the DM."""

    channel: str
    ts: str
    moved: bool = False


def description_problem(description: str) -> str | None:
    """Why RevRing would refuse this description (empty, or over its limit), for the person; None when it is fine."""
    if not description.strip():
        return design_text.design_description_empty()
    length = instruction_length(description)
    if length > MAX_INSTRUCTION_LENGTH:
        return design_text.design_description_too_long(length, MAX_INSTRUCTION_LENGTH)
    return None


async def design_voices(
    client: AsyncWebClient, revring: RevRingClient, store: DesignCandidates, metrics: Metrics, request: DesignRequest
) -> DesignThread | None:
    """Post the thread, ask RevRing for the candidates, and show each one; None when Slack took no message, in which
    case RevRing was not asked (there would be nowhere to show what it made)."""
    thread = await _start_thread(client, request)
    if thread is None:
        return None
    try:
        candidates = await revring.design_voice(request.description, request.count)
    except RevRingError as error:
        failure = failures.explain_design(error)
        log.info("voice design failed", extra={"cause": failure.cause})
        if failure.upstream is not None:
            metrics.upstream_failure(*failure.upstream)
        await _set_status(client, thread, request, design_text.design_failed_status(failure.text))
        return thread
    shown = 0
    for number, candidate in enumerate(candidates, start=1):
        shown += await _show(client, store, request, thread, number, candidate)
    log.info("voice design shown", extra={"candidates": len(candidates), "shown": shown})
    if shown:
        status = design_text.design_ready(shown)
    else:
        status = design_text.design_failed_status(design_text.design_unreadable())
    await _set_status(client, thread, request, status)
    return thread


async def _start_thread(client: AsyncWebClient, request: DesignRequest) -> DesignThread | None:
    text = design_text.design_thread_text(
        request.user_id, request.description, request.count, design_text.design_working()
    )
    blocks = clone_text.progress_blocks(text)
    try:
        response = await client.chat_postMessage(channel=request.channel_id, text=text, blocks=blocks)
        moved = False
    except SLACK_FAILURES as error:
        if error_code(error) not in CANNOT_POST_HERE or request.channel_id == request.user_id:
            log.warning("design thread not posted", extra={"slack_error": error_code(error)})
            return None
        try:
            response = await client.chat_postMessage(channel=request.user_id, text=text, blocks=blocks)
            moved = True
        except SLACK_FAILURES as dm_error:
            log.warning("design thread not posted in a DM either", extra={"slack_error": error_code(dm_error)})
            return None
    return DesignThread(str(response.get("channel") or request.channel_id), str(response.get("ts")), moved)


async def _show(
    client: AsyncWebClient,
    store: DesignCandidates,
    request: DesignRequest,
    thread: DesignThread,
    number: int,
    candidate: Candidate,
) -> bool:
    """Upload one preview into the thread, keep it, and put its button under it; False when it could not be."""
    try:
        audio = await identify_audio(candidate.audio)
    except NotAudio as problem:
        log.warning("designed preview is not audio", extra={"candidate": candidate.index, "cause": problem.cause})
        await _note(client, thread, design_text.candidate_not_audio(number))
        return False
    try:
        uploaded = await client.files_upload_v2(
            channel=thread.channel,
            thread_ts=thread.ts,
            file=candidate.audio,
            title=f"Candidate {number}",
            filename=f"voice-design-{number}.{audio.extension}",
        )
        file_id = str((uploaded.get("file") or {}).get("id") or "")
    except UPLOAD_FAILURES as error:
        log.warning("designed preview not uploaded", extra={"slack_error": error_code(error)})
        file_id = ""
    if not file_id:
        await _note(client, thread, design_text.candidate_not_uploaded(number))
        return False
    try:
        kept = await store.add_candidate(
            team_id=request.team_id,
            user_id=request.user_id,
            file_id=file_id,
            index=number,
            channel_id=thread.channel,
            thread_ts=thread.ts,
            keep_seconds=CANDIDATE_SECONDS,
            enterprise_id=request.enterprise_id,
        )
    except StoreUnavailable as error:
        log.warning("designed candidate not kept: the database is unreachable", extra={"cause": str(error)})
        await _note(client, thread, design_text.candidate_not_kept(number))
        return False
    try:
        await client.chat_postMessage(
            channel=thread.channel,
            thread_ts=thread.ts,
            text=design_text.candidate_text(number, candidate.duration_ms),
            blocks=design_text.candidate_blocks(number, candidate.duration_ms, kept.id),
        )
    except SLACK_FAILURES as error:
        log.warning("save button not posted", extra={"slack_error": error_code(error)})
        return False
    return True


async def _set_status(client: AsyncWebClient, thread: DesignThread, request: DesignRequest, status: str) -> None:
    text = design_text.design_thread_text(request.user_id, request.description, request.count, status)
    try:
        await client.chat_update(
            channel=thread.channel, ts=thread.ts, text=text, blocks=clone_text.progress_blocks(text)
        )
    except SLACK_FAILURES as error:
        log.warning("design thread not updated", extra={"slack_error": error_code(error)})


async def _note(client: AsyncWebClient, thread: DesignThread, text: str) -> None:
    try:
        await client.chat_postMessage(
            channel=thread.channel, thread_ts=thread.ts, text=text, blocks=clone_text.progress_blocks(text)
        )
    except SLACK_FAILURES as error:
        log.warning("design note not posted", extra={"slack_error": error_code(error)})
