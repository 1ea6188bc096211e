"""Create Voice (`POST /voices`, multipart, never repeated blindly) and Delete Voice (`DELETE /voices/{id}`)."""

from __future__ import annotations

import asyncio
import enum
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

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


# Audio up to this size is read in one go and the whole request goes out in one write; larger audio is streamed.
WHOLE_UPLOAD_BYTES = 1024 * 1024


class Deletion(enum.Enum):
    """What Delete Voice found: the voice is gone either way."""

    DELETED = "deleted"
    ALREADY_GONE = "already_gone"  # 404: deleted before (perhaps by an earlier attempt whose answer was lost)


async def create_voice(
    transport: Transport, *, display_name: str, language: str, audio: Path, filename: str, content_type: str
) -> Voice:
    """POST /voices with the audio streamed from disk (a small file read whole, in one step off the event loop).

    Only a 429 (the server did nothing) or a failed connection (nothing was sent) is retried: the POST is not
    idempotent, so any other failure may already have created a voice.
    """

    @asynccontextmanager
    async def form() -> AsyncIterator[aiohttp.FormData | aiohttp.Payload]:
        content = await asyncio.to_thread(_open_audio, audio)
        try:
            data = aiohttp.FormData()
            data.add_field("displayName", display_name)
            data.add_field("language", language)
            # aiohttp reads file objects in chunks off the event loop, so a large file is never whole in memory.
            data.add_field("voice", content, filename=filename, content_type=content_type)
            yield await _in_one_piece(data) if isinstance(content, bytes) else data
        finally:
            if not isinstance(content, bytes):
                await asyncio.to_thread(content.close)

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


def _open_audio(path: Path) -> bytes | BinaryIO:
    """The file's bytes when it is small, else the open file to stream from."""
    stream = path.open("rb")
    try:
        if os.fstat(stream.fileno()).st_size <= WHOLE_UPLOAD_BYTES:
            with stream:
                return stream.read()
    except BaseException:
        stream.close()
        raise
    return stream


class _Collected:
    """Stands in for aiohttp's stream writer: what a multipart writer writes (only ever `write(bytes)`) is kept."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    async def write(self, chunk: bytes) -> None:
        self.chunks.append(bytes(chunk))


async def _in_one_piece(form: aiohttp.FormData) -> aiohttp.Payload:
    """A form whose fields are all in memory as one payload of bytes: sent in one write rather than a few per part
    (on loopback each write costs the sender about as much CPU as building the request)."""
    multipart = form()
    collected = _Collected()
    await multipart.write(cast(Any, collected))
    return aiohttp.BytesPayload(b"".join(collected.chunks), content_type=multipart.content_type)
