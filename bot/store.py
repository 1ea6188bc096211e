"""Short-lived memory of the bot: waiting commands, recently shared audio, files already taken.

`RequestStore` is the interface the rest of the bot uses; `MemoryRequestStore` keeps it in this
process. A durable store can replace it without touching callers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class SharedFile:
    """The parts of a Slack file object the bot uses."""

    id: str
    name: str
    title: str
    mimetype: str
    filetype: str
    size: int | None
    url_private_download: str | None
    subtype: str
    duration_ms: int | None

    @classmethod
    def from_slack(cls, data: dict[str, Any]) -> SharedFile:
        size = data.get("size")
        duration = data.get("duration_ms")
        return cls(
            id=str(data.get("id", "")),
            name=str(data.get("name") or ""),
            title=str(data.get("title") or data.get("name") or ""),
            mimetype=str(data.get("mimetype") or ""),
            filetype=str(data.get("filetype") or ""),
            size=size if isinstance(size, int) else None,
            url_private_download=data.get("url_private_download") or data.get("url_private"),
            subtype=str(data.get("subtype") or ""),
            duration_ms=duration if isinstance(duration, int) else None,
        )

    @property
    def looks_like_audio(self) -> bool:
        """A hint from Slack's labels only; the bytes decide later."""
        return (
            self.mimetype.startswith("audio/")
            or self.subtype == "slack_audio"
            or self.filetype in {"mp3", "m4a", "wav", "ogg", "flac", "webm", "aac", "opus", "oga"}
        )


@dataclass(frozen=True)
class PendingCommand:
    """`/clone-voice NAME` typed before the file arrived."""

    team_id: str
    channel_id: str
    user_id: str
    name: str
    language: str


@dataclass(frozen=True)
class RecentAudio:
    """Audio a person shared before typing the command."""

    team_id: str
    channel_id: str
    user_id: str
    file: SharedFile
    message_ts: str
    thread_ts: str


class RequestStore(Protocol):
    async def save_pending(self, command: PendingCommand) -> None: ...
    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None: ...
    async def save_recent_audio(self, audio: RecentAudio) -> None: ...
    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None: ...
    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed; False while an earlier claim holds (deduplication)."""
        ...


class MemoryRequestStore:
    """RequestStore kept in this process; entries expire after `ttl_seconds`."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._clock = clock
        self._lock = asyncio.Lock()
        self._pending: dict[tuple[str, str, str], tuple[float, PendingCommand]] = {}
        self._audio: dict[tuple[str, str, str], tuple[float, RecentAudio]] = {}
        self._claims: dict[str, float] = {}

    def _fresh(self, saved_at: float) -> bool:
        return self._clock() - saved_at <= self._ttl

    async def save_pending(self, command: PendingCommand) -> None:
        async with self._lock:
            self._pending[(command.team_id, command.channel_id, command.user_id)] = (self._clock(), command)

    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None:
        async with self._lock:
            entry = self._pending.pop((team_id, channel_id, user_id), None)
        return entry[1] if entry and self._fresh(entry[0]) else None

    async def save_recent_audio(self, audio: RecentAudio) -> None:
        async with self._lock:
            self._audio[(audio.team_id, audio.channel_id, audio.user_id)] = (self._clock(), audio)

    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None:
        async with self._lock:
            entry = self._audio.pop((team_id, channel_id, user_id), None)
        return entry[1] if entry and self._fresh(entry[0]) else None

    async def claim(self, key: str) -> bool:
        async with self._lock:
            now = self._clock()
            self._claims = {k: at for k, at in self._claims.items() if now - at <= self._ttl}
            if key in self._claims:
                return False
            self._claims[key] = now
            return True
