"""The inbox: what waits between two Slack requests (a command before its file, a file before its command) and the
keys that make a request count once."""

from __future__ import annotations

from typing import Protocol

from bot.records import PendingCommand, RecentAudio

CLAIM_SECONDS = 3600.0  # how long a delivery or message id is remembered for deduplication


class Inbox(Protocol):
    """Waiting commands and recent audio (one of each per team, channel and person; they expire), and dedupe keys.

    Raises StoreUnavailable (bot.store.errors) while the database is down.
    """

    async def save_pending(self, command: PendingCommand) -> None: ...
    async def take_pending(self, team_id: str, channel_id: str, user_id: str) -> PendingCommand | None:
        """The command waiting here, removed: of two concurrent takers, one gets it."""
        ...

    async def save_recent_audio(self, audio: RecentAudio) -> None: ...
    async def take_recent_audio(self, team_id: str, channel_id: str, user_id: str) -> RecentAudio | None:
        """The audio shared here, removed: of two concurrent takers, one gets it."""
        ...

    async def take_recent_audio_or_wait(
        self, team_id: str, channel_id: str, user_id: str, waiting: PendingCommand | None
    ) -> RecentAudio | None:
        """The audio shared here, removed; or when there is none, `waiting` saved (if given) for the next file. One
        transaction (a `/clone-voice NAME` takes one round trip to the database), never interleaved with
        `take_pending_or_keep_audio` for the same person and channel: a file and a command arriving together meet."""
        ...

    async def take_pending_or_keep_audio(
        self, team_id: str, channel_id: str, user_id: str, audio: RecentAudio | None
    ) -> PendingCommand | None:
        """The command waiting here, removed; or when there is none, `audio` kept (if given) for the next command.
        The other half of `take_recent_audio_or_wait`, under the same rule."""
        ...

    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed; False while an earlier claim holds (deduplication)."""
        ...
