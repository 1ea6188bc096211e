"""How many voice designs may run: each asks RevRing for a paid design and keeps its previews (up to 8 MB) in memory
until they are uploaded, so there are two limits.

- `DESIGNS_PER_HOUR` per person, counted in the database, so it holds across restarts and instances;
- at most `MAX_CONCURRENT_CLONES` designs at once on this instance (a count of its own, beside the clones' slots).
  A design over it is not queued: the person is told at once to try again in a minute. A design is something one
  waits for with Slack open, and a queue of them would keep Slack's requests (and their memory) waiting unseen.

A slot is taken first (in memory, at once) and the design counted second, so a design turned away for a busy
instance does not count toward the hour.
"""

from __future__ import annotations

from types import TracebackType

from bot.records import Where
from bot.store import DesignCandidates


class DesignsBusy(Exception):
    """Every design slot of this instance is taken: try again in a minute. Nothing was counted."""


class OverDesignLimit(Exception):
    """The person asked for `limit` designs within the last hour: the next may start in `retry_after_seconds`."""

    def __init__(self, limit: int, retry_after_seconds: float) -> None:
        super().__init__(f"{limit} designs in the last hour")
        self.limit = limit
        self.retry_after_seconds = retry_after_seconds


class DesignSlot:
    """One running design's place; leaving it (`with slot:`) frees it. Freeing twice frees once."""

    def __init__(self, limits: DesignLimits) -> None:
        self._limits = limits
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._limits.running -= 1

    def __enter__(self) -> DesignSlot:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.release()


class DesignLimits:
    """This instance's design slots and the hourly count in `store`."""

    def __init__(self, store: DesignCandidates, *, per_hour: int, at_once: int) -> None:
        self._store = store
        self.per_hour = per_hour
        self.at_once = at_once
        self.running = 0

    async def admit(self, where: Where) -> DesignSlot:
        """A slot for `where.user_id`'s design, counted toward their hour. Raises DesignsBusy, OverDesignLimit, or
        StoreUnavailable (bot.store) while the database is down; with any of them nothing is held or counted."""
        if self.running >= self.at_once:
            raise DesignsBusy
        self.running += 1  # before the await below, so that concurrent requests cannot take the same slot
        slot = DesignSlot(self)
        try:
            wait = await self._store.start_design(
                team_id=where.team_id,
                enterprise_id=where.enterprise_id,
                user_id=where.user_id,
                per_user_per_hour=self.per_hour,
            )
        except BaseException:
            slot.release()
            raise
        if wait is not None:
            slot.release()
            raise OverDesignLimit(self.per_hour, wait)
        return slot
