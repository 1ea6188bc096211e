"""Create Voice (`POST /voices`, multipart, never repeated blindly) and Delete Voice (`DELETE /voices/{id}`)."""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bot.revring.errors import NotAllowed, OutcomeUnknown, VoiceIdMissing
from bot.revring.transport import Transport, path_segment, raise_for_error


@dataclass(frozen=True)
class Voice:
    """A voice RevRing created; `id` is what an agent's `voiceId` takes."""

    id: str
    display_name: str
    language: str
    status: str


class Deletion(enum.Enum):
    """What Delete Voice found: the voice is gone either way."""

    DELETED = "deleted"
    ALREADY_GONE = "already_gone"  # 404: deleted before (perhaps by an earlier attempt whose answer was lost)


async def create_voice(
    transport: Transport, *, display_name: str, language: str, audio: Path, filename: str, content_type: str
) -> Voice:
    """POST /voices with the audio streamed from disk.

    Only a 429 (the server did nothing) or a failed connection (nothing was sent) is retried: the POST is not
    idempotent, so any other failure may already have created a voice.
    """

    @asynccontextmanager
    async def form() -> AsyncIterator[aiohttp.FormData]:
        stream = await asyncio.to_thread(audio.open, "rb")
        try:
            data = aiohttp.FormData()
            data.add_field("displayName", display_name)
            data.add_field("language", language)
            # aiohttp reads file objects in chunks off the event loop, so the file is never whole in memory.
            data.add_field("voice", stream, filename=filename, content_type=content_type)
            yield data
        finally:
            await asyncio.to_thread(stream.close)

    answer = await transport.call("POST", "/voices", form=form)
    if answer.status == 201:
        body = answer.body
        data = body.get("data") if isinstance(body, dict) else None
        if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
            return Voice(
                id=data["id"],
                display_name=str(data.get("displayName", "")),
                language=str(data.get("language", "")),
                status=str(data.get("status", "")),
            )
        if isinstance(body, dict):
            raise VoiceIdMissing("201 without a readable voice id")
        raise VoiceIdMissing(f"201 with a {answer.content_type} body")
    if answer.ok:
        raise OutcomeUnknown(answer.describe(), "unclear")
    raise_for_error(answer)


async def delete_voice(transport: Transport, voice_id: str) -> Deletion:
    """DELETE /voices/{id}: any 2xx is DELETED, a 404 ALREADY_GONE. Idempotent, so a lost answer is asked again."""
    answer = await transport.call("DELETE", f"/voices/{path_segment(voice_id, 'voice')}")
    if answer.ok:
        return Deletion.DELETED
    if answer.status == 404:
        return Deletion.ALREADY_GONE
    raise_for_error(answer, not_allowed=NotAllowed)
