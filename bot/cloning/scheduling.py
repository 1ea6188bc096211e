"""When and where clones run, across any number of instances sharing one database.

A job is a row. An instance runs at most `capacity` jobs at once: its own new ones while it has a free slot, and
otherwise the oldest job nobody holds, taken from the store (a waiting job of any instance, or one whose holder
stopped renewing its lease). While a job runs, its lease is renewed; a runner whose lease was taken over stops at
once (`LeaseLost`) and its fenced writes are refused.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from bot.records import UNFINISHED, Job, Stage
from bot.store import JobQueue, StoreUnavailable

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0  # how often an instance with a free slot looks for work left by others
# A free slot looks again this long after another instance's lease is due to end (and never sooner than this).
LEASE_END_MARGIN_SECONDS = 0.05


T = TypeVar("T")


class LeaseLost(Exception):
    """Another runner holds the job now: this one stops without a word (no upload, no answer, no write)."""


class Tasks:
    """The background tasks of the clones (and their reactions), kept so shutdown knows what to wait for."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self.closing = False

    def spawn(self, coroutine: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        task = asyncio.create_task(coroutine)
        # Keep a reference (the loop holds tasks weakly) and know what shutdown must wait for.
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def shutdown(self, grace_seconds: float) -> None:
        """Let running tasks finish for up to `grace_seconds`; what is cut off is taken over by another instance,
        or resumes on the next start."""
        self.closing = True
        if self._tasks:
            _done, pending = await asyncio.wait(set(self._tasks), timeout=grace_seconds)
            for task in pending:
                task.cancel()
            if pending:
                log.warning(
                    "clones cut off by shutdown; they resume elsewhere or on the next start",
                    extra={"count": len(pending)},
                )
                await asyncio.gather(*pending, return_exceptions=True)


class Scheduler:
    """This instance's slots, and the loop that fills free ones with work from the shared store."""

    def __init__(
        self,
        store: JobQueue,
        runner: str,
        *,
        capacity: int,
        lease_seconds: float,
        tasks: Tasks,
        run: Callable[[Job], Awaitable[None]],
    ) -> None:
        self._store = store
        self._runner = runner
        self._capacity = capacity
        self._lease_seconds = lease_seconds
        self._tasks = tasks
        self._run = run
        self._running = 0
        self._wake = asyncio.Event()

    @property
    def has_free_slot(self) -> bool:
        return self._running < self._capacity

    def start(self, job: Job) -> bool:
        """Run `job` (held by this runner) in a free slot now; False when every slot is busy."""
        if not self.has_free_slot or self._tasks.closing:
            return False
        self._running += 1
        self._tasks.spawn(self._in_slot(job))
        return True

    def wake(self) -> None:
        """Look for waiting work now (a slot came free, or a job was handed back)."""
        self._wake.set()

    async def take_work(self) -> None:
        """Until shutdown: fill free slots with the oldest jobs nobody holds; look again when woken, when another
        instance's lease is due to end (a stopped instance's jobs are taken over then), or at the latest every
        POLL_SECONDS for work that other instances left or handed back."""
        while not self._tasks.closing:
            self._wake.clear()
            while self.has_free_slot and not self._tasks.closing:
                if not await self._take_one():
                    break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), await self._next_look())

    async def _next_look(self) -> float:
        if not self.has_free_slot or self._tasks.closing:
            return POLL_SECONDS
        try:
            ends = await self._store.seconds_until_a_lease_ends(self._runner)
        except StoreUnavailable:
            return POLL_SECONDS
        if ends is None:
            return POLL_SECONDS
        return min(POLL_SECONDS, ends + LEASE_END_MARGIN_SECONDS)

    async def _take_one(self) -> bool:
        """Take the oldest job nobody holds into a free slot; False when there is none (or the store is down).

        The slot is reserved while the store is asked: a request arriving meanwhile must not fill it, or the job
        taken would be held under this runner's lease without running until the lease ran out."""
        self._running += 1
        job = None
        try:
            job = await self._store.take_next(self._runner, self._lease_seconds)
        except StoreUnavailable as error:
            log.warning("cannot look for waiting clones: the database is unreachable", extra={"cause": str(error)})
        finally:
            if job is None:
                self._running -= 1
        if job is None:
            return False
        if self._tasks.closing:  # shutdown began meanwhile: hand it straight back to the other instances
            self._running -= 1
            with contextlib.suppress(StoreUnavailable):
                await self._store.release(job.id, job.fence)
            return False
        self._tasks.spawn(self._in_slot(job))
        return True

    async def _in_slot(self, job: Job) -> None:
        try:
            await self._held(job)
        finally:
            self._running -= 1
            self.wake()

    async def _held(self, job: Job) -> None:
        """Run the job while renewing its lease; if another runner takes it over, stop at once and say nothing."""
        work = asyncio.current_task()
        assert work is not None
        lost = asyncio.Event()
        keeper = asyncio.create_task(self._keep_lease(job, work, lost))
        try:
            await self._run(job)
        except LeaseLost:
            log.warning("job taken over by another instance; this one stops", extra={"job": job.id})
        except asyncio.CancelledError:
            if not lost.is_set():
                await self._hand_back_unstarted(job)
                raise
            log.warning("job's lease ran out and was taken over; this one stops", extra={"job": job.id})
        finally:
            keeper.cancel()

    async def _keep_lease(self, job: Job, work: asyncio.Task[Any], lost: asyncio.Event) -> None:
        while True:
            await asyncio.sleep(self._lease_seconds / 3)
            try:
                held = await self._store.renew(job.id, job.fence, self._lease_seconds)
            except StoreUnavailable:
                log.warning("lease not renewed: the database is unreachable", extra={"job": job.id})
                continue
            if not held:
                lost.set()
                work.cancel()
                return

    async def _hand_back_unstarted(self, job: Job) -> None:
        """Shutdown cut the job off: one that never reached RevRing is handed back at once, so another instance
        runs it now; one cut off while sending keeps its lease, and whoever takes it next explains."""
        with contextlib.suppress(StoreUnavailable):
            current = await self._store.get_job(job.id)
            if current is not None and current.fence == job.fence and current.answer is None:
                if current.stage in UNFINISHED and current.stage is not Stage.UPLOADING:
                    await self._store.release(job.id, job.fence)
