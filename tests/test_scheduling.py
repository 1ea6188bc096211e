"""The scheduler's slots against the real store: a free slot that is asking the store for work stays reserved."""

from __future__ import annotations

import asyncio

from bot.cloning import scheduling
from bot.cloning.scheduling import Scheduler, Tasks
from bot.records import Job
from bot.store import SQLStore
from tests.store_backends import OpenStore, request


class HeldTakes:
    """The store, with `take_next` held until the test lets it go: a slow database, caught in the act."""

    def __init__(self, store: SQLStore) -> None:
        self._store = store
        self.asked = asyncio.Event()
        self.answer = asyncio.Event()

    async def take_next(self, runner: str, lease_seconds: float) -> Job | None:
        self.asked.set()
        await self.answer.wait()
        return await self._store.take_next(runner, lease_seconds)

    def __getattr__(self, name: str):
        return getattr(self._store, name)


async def test_a_request_arriving_while_a_free_slot_asks_for_work_does_not_strand_the_job(open_store: OpenStore):
    store = await open_store()
    waiting = (await store.admit(request("F1"), per_user_per_hour=10, runner="other", lease_seconds=30)).job
    assert await store.release(waiting.id, waiting.fence)  # handed to any instance with room
    held = HeldTakes(store)
    ran: list[str] = []
    done = asyncio.Event()

    async def run(job: Job) -> None:
        ran.append(job.id)
        done.set()

    tasks = Tasks()
    scheduler = Scheduler(held, "me", capacity=1, lease_seconds=30, tasks=tasks, run=run)  # type: ignore[arg-type]
    taking = asyncio.create_task(scheduler.take_work())
    try:
        await asyncio.wait_for(held.asked.wait(), 5)
        mine = (await store.admit(request("F2"), per_user_per_hour=10, runner="me", lease_seconds=30)).job
        assert scheduler.start(mine) is False  # the one slot is reserved for the job being taken: mine must queue
        held.answer.set()
        await asyncio.wait_for(done.wait(), 5)
        assert ran == [waiting.id]  # the job taken runs at once, not after its lease runs out
    finally:
        tasks.closing = True
        scheduler.wake()
        await asyncio.wait_for(taking, 5)


async def test_a_stopped_instances_job_is_taken_when_its_lease_ends_not_at_the_next_poll(
    open_store: OpenStore, monkeypatch
):
    monkeypatch.setattr(scheduling, "POLL_SECONDS", 3600.0)  # the next routine look would be an hour away
    store = await open_store()
    stopped = (await store.admit(request("F1"), per_user_per_hour=10, runner="gone", lease_seconds=0.5)).job
    done = asyncio.Event()
    ran: list[Job] = []

    async def run(job: Job) -> None:
        ran.append(job)
        done.set()

    tasks = Tasks()
    scheduler = Scheduler(store, "me", capacity=1, lease_seconds=30, tasks=tasks, run=run)
    taking = asyncio.create_task(scheduler.take_work())
    try:
        await asyncio.wait_for(done.wait(), 30)
        assert [(job.id, job.taken_over) for job in ran] == [(stopped.id, True)]
    finally:
        tasks.closing = True
        scheduler.wake()
        await asyncio.wait_for(taking, 5)
