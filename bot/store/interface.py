"""The one thing the rest of the bot knows about storage as a whole: `RequestStore`, every aggregate in one.

Domain code takes the aggregate it uses (bot.store.inbox, jobs, library, design, workspaces); the app factory opens
one store and hands it out. Implementations live in bot/store/sql; nothing outside bot/store looks inside one.
"""

from __future__ import annotations

from typing import Protocol

from bot.store.consents import ConsentBook
from bot.store.design import DesignCandidates
from bot.store.inbox import Inbox
from bot.store.jobs import JobQueue
from bot.store.library import VoiceLibrary
from bot.store.workspaces import Workspaces


class RequestStore(Inbox, JobQueue, VoiceLibrary, DesignCandidates, Workspaces, ConsentBook, Protocol):
    """What the bot remembers across requests and restarts, on one database, and what spans its aggregates."""

    async def prune(self, job_cutoff: float) -> int:
        """Drop what has expired (waiting commands and audio, dedupe keys, design candidates a day after their hour,
        designs older than the hour DESIGNS_PER_HOUR counts, OAuth states past their expiry) and finished jobs created
        before `job_cutoff`, with their agent changes and consents, except a voice that still exists with a consent
        record (the record is kept as long as the voice); return how many jobs went."""
        ...

    async def ping(self) -> None:
        """Raise StoreUnavailable unless the database answers."""
        ...

    async def close(self) -> None: ...
