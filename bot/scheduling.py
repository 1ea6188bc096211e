"""When clones run: at most so many at once, the rest waiting in order, and every task known so shutdown can give
running clones their grace."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

log = logging.getLogger(__name__)


class Slots:
    """At most `capacity` clones at once; the others wait, in order, and are told how many are ahead."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._free = asyncio.Semaphore(capacity)
        self._waiting = 0

    @asynccontextmanager
    async def slot(self, on_queued: Callable[[int], Awaitable[None]]) -> AsyncIterator[None]:
        """Hold a slot for the block; when none is free, `on_queued(ahead)` is awaited first."""
        if self._free.locked():
            self._waiting += 1
            # Everyone running, plus those who queued earlier, is ahead of this one.
            ahead = self._capacity + self._waiting - 1
            try:
                await on_queued(ahead)
                await self._free.acquire()
            finally:
                self._waiting -= 1
        else:
            await self._free.acquire()
        try:
            yield
        finally:
            self._free.release()


class Tasks:
    """The background tasks of the clones (and their reactions), kept so shutdown knows what to wait for."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self.closing = False

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        # Keep a reference (the loop holds tasks weakly) and know what shutdown must wait for.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def shutdown(self, grace_seconds: float) -> None:
        """Let running tasks finish for up to `grace_seconds`; what is cut off stays resumable."""
        self.closing = True
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                log.warning("clones cut off by shutdown; they resume on the next start", extra={"count": len(pending)})
                await asyncio.gather(*pending, return_exceptions=True)
