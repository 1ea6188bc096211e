"""What a Slack request waits for in the database never queues behind the running clones' own bookkeeping: their
writes (stages, hand-backs, taking the next job) go at most two at a time (`BACKGROUND_AT_ONCE`), on SQLite (one thread
for every call) and on PostgreSQL (one pool)."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from bot.store import Stage
from tests.store_backends import RUN, OpenStore, request

LEASE = 30.0


async def test_a_requests_call_goes_ahead_of_the_clones_bookkeeping(open_store: OpenStore):
    store = await open_store()
    jobs = [
        (await store.admit(request(f"F{n}", user=f"U{n}"), per_user_per_hour=10, runner=RUN, lease_seconds=LEASE)).job
        for n in range(12)
    ]
    calls: Any = store._calls  # type: ignore[attr-defined]
    entered: list[str] = []
    in_flight = {"now": 0, "most": 0}
    call = calls._call

    async def counted(*args: Any, **kwargs: Any) -> Any:
        # Which call reached the database, in order, and how many were there at once.
        entered.append(asyncio.current_task().get_name())  # type: ignore[union-attr]
        in_flight["now"] += 1
        in_flight["most"] = max(in_flight["most"], in_flight["now"])
        try:
            return await call(*args, **kwargs)
        finally:
            in_flight["now"] -= 1

    calls._call = counted
    bookkeeping = [
        asyncio.create_task(store.update_job(replace(job, stage=Stage.DOWNLOADING), job.fence), name=f"job-{n}")
        for n, job in enumerate(jobs)
    ]
    claim = asyncio.create_task(store.claim("message:T:C:1.1"), name="claim")
    assert await claim is True
    assert all(await asyncio.gather(*bookkeeping))
    assert in_flight["most"] <= 2 + 1  # two of the clones' calls at most, and the request's beside them
    assert entered.index("claim") <= 2  # not behind the twelve writes queued before it
    assert sorted(entered) == sorted(["claim", *(f"job-{n}" for n in range(12))])
