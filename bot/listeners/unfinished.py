"""The listeners still running after Slack's answer went out (listeners/answering.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


class Unfinished:
    """The listeners of one app still running after their answer went out (kept: the loop holds tasks weakly)."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()
        self._changed = asyncio.Event()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._changed.set()

    async def idle(self) -> None:
        """Return once none is running."""
        while self._tasks:
            self._changed.clear()
            await self._changed.wait()
