"""The bot's own log lines (`bot.*` from info), as an in-process bot writes them, for a test to read or wait for."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager


class BotLog(logging.Handler):
    """Every line of the `bot` loggers from info, in order; `wait_for` a line (an event to wait on, when what the bot
    does leaves nothing else to see: an uninstall only deletes rows)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self._loop.call_soon_threadsafe(self._changed.set)

    def lines(self, message: str) -> list[logging.LogRecord]:
        return [record for record in self.records if record.getMessage() == message]

    async def wait_for(self, message: str, count: int = 1, timeout: float = 10.0) -> list[logging.LogRecord]:
        async def seen() -> list[logging.LogRecord]:
            while len(self.lines(message)) < count:
                self._changed.clear()
                if len(self.lines(message)) >= count:
                    break
                await self._changed.wait()
            return self.lines(message)

        return await asyncio.wait_for(seen(), timeout)


@contextmanager
def bot_log() -> Iterator[BotLog]:
    """Listen to the `bot` loggers (at info, whatever they were set to) while the block runs."""
    handler = BotLog()
    logger = logging.getLogger("bot")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
