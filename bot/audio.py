"""What an audio file really is, judged from its bytes with FFmpeg (PyAV). Knows nothing of Slack."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import av

# FFmpeg demuxer name -> (file extension, content type) that RevRing is sent.
_CONTAINERS: dict[str, tuple[str, str]] = {
    "wav": ("wav", "audio/wav"),
    "mp3": ("mp3", "audio/mpeg"),
    "mov,mp4,m4a,3gp,3g2,mj2": ("m4a", "audio/mp4"),
    "ogg": ("ogg", "audio/ogg"),
    "flac": ("flac", "audio/flac"),
    "matroska,webm": ("webm", "audio/webm"),
}


class NotAudio(Exception):
    """The bytes are not audio we can use; `cause` is for logs."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


@dataclass(frozen=True)
class AudioInfo:
    container: str
    codec: str
    extension: str
    content_type: str
    duration_seconds: float | None


async def inspect_audio(path: Path) -> AudioInfo:
    """Identify the container and codec from the bytes and decode a first frame, off the event loop."""
    return await asyncio.to_thread(_inspect, path)


def _inspect(path: Path) -> AudioInfo:
    try:
        with av.open(str(path), mode="r") as container:
            fmt = container.format.name
            if fmt not in _CONTAINERS:
                raise NotAudio(f"container {fmt!r} is not an audio format we accept")
            if not container.streams.audio:
                raise NotAudio(f"{fmt} file has no audio stream")
            stream = container.streams.audio[0]
            codec = stream.codec_context.name
            for _frame in container.decode(stream):
                break
            else:
                raise NotAudio(f"{fmt}/{codec} has no decodable audio")
            duration = None
            if container.duration is not None:
                duration = container.duration / av.time_base
            elif stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
    except av.FFmpegError as error:
        raise NotAudio(f"FFmpeg: {type(error).__name__}") from None
    extension, content_type = _CONTAINERS[fmt]
    return AudioInfo(fmt, codec, extension, content_type, duration)
