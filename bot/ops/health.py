"""What a load balancer and Prometheus ask this instance: is it alive (GET /healthz), may it be sent work
(GET /readyz), and its metrics (GET /metrics). No answer ever holds a secret, a URL or an error's text."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from aiohttp import web

from bot import __version__
from bot.ops.metrics import CONTENT_TYPE, Metrics
from bot.store import RequestStore

log = logging.getLogger(__name__)

T = TypeVar("T")

# A balancer's probe waits a few seconds; a database slower than this cannot take work either.
DATABASE_TIMEOUT_SECONDS = 2.0
# /readyz and /metrics are public and anonymous: they answer from a reading of the database at most this old, so a
# flood of them costs one query a second, not a transaction each on the pool Slack's requests need.
READING_SECONDS = 1.0


class _Reading(Generic[T]):
    """One question to the database, asked at most once per `max_age` seconds however many requests want it;
    requests that arrive while it is being asked wait for that answer instead of asking again."""

    def __init__(self, ask: Callable[[], Awaitable[tuple[T | None, str | None]]], max_age: float) -> None:
        self._ask = ask
        self.max_age = max_age
        self._lock = asyncio.Lock()
        self._taken: float | None = None
        self._result: tuple[T | None, str | None] = (None, None)

    def _fresh(self) -> bool:
        return self._taken is not None and time.monotonic() - self._taken <= self.max_age

    async def get(self) -> tuple[T | None, str | None]:
        if self._fresh():
            return self._result
        async with self._lock:
            if not self._fresh():
                taken = time.monotonic()  # the reading is as old as the moment it was asked
                self._result = await self._ask()
                self._taken = taken
            return self._result


class Health:
    """Answers the three routes. `serving(store)` once start-up is done (Slack accepted the token, every resource is
    open); `stopping` from the moment SIGTERM arrives."""

    def __init__(self, metrics: Metrics, reading_seconds: float = READING_SECONDS) -> None:
        self.metrics = metrics
        self.stopping = False
        self._store: RequestStore | None = None
        self._ping: _Reading[None] = _Reading(self._ask_ping, reading_seconds)
        self._counts: _Reading[dict[str, int]] = _Reading(self._ask_counts, reading_seconds)

    def serving(self, store: RequestStore) -> None:
        self._store = store

    @property
    def reading_seconds(self) -> float:
        return self._ping.max_age

    @reading_seconds.setter
    def reading_seconds(self, seconds: float) -> None:
        self._ping.max_age = self._counts.max_age = seconds

    def routes(self) -> list[web.RouteDef]:
        return [web.get("/healthz", self.alive), web.get("/readyz", self.ready), web.get("/metrics", self.scrape)]

    async def alive(self, _request: web.Request) -> web.Response:
        """The process answers; says nothing of Slack or the database, so a balancer never restarts it for them."""
        return web.json_response({"ok": True, "version": __version__})

    async def ready(self, _request: web.Request) -> web.Response:
        """200 only while this instance can take work: started, not stopping, its database answering now."""
        reason = await self._not_ready()
        if reason is None and self.stopping:  # SIGTERM arrived while the database was being asked
            reason = "shutting down"
        if reason is not None:
            return web.json_response({"ready": False, "reason": reason}, status=503)
        return web.json_response({"ready": True})

    async def scrape(self, _request: web.Request) -> web.Response:
        """Prometheus' text format; the jobs are counted in the database at each scrape."""
        counts = None
        if self._store is not None:
            counts, _problem = await self._counts.get()
        self.metrics.jobs(counts)
        return web.Response(body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE})

    async def _not_ready(self) -> str | None:
        if self.stopping:
            return "shutting down"
        if self._store is None:
            return "starting"
        _answer, problem = await self._ping.get()
        return problem

    async def _ask_ping(self) -> tuple[None, str | None]:
        assert self._store is not None
        return await self._ask_database(self._store.ping)

    async def _ask_counts(self) -> tuple[dict[str, int] | None, str | None]:
        assert self._store is not None
        return await self._ask_database(self._store.job_counts)

    async def _ask_database(self, query: Callable[[], Awaitable[T]]) -> tuple[T | None, str | None]:
        """The query's answer, or why there is none: counted, logged without its text (it may hold a URL)."""
        try:
            return await asyncio.wait_for(query(), DATABASE_TIMEOUT_SECONDS), None
        except TimeoutError:
            self.metrics.upstream_failure("database", "timeout")
            log.warning("database did not answer in time", extra={"seconds": DATABASE_TIMEOUT_SECONDS})
            return None, "database not answering"
        except Exception as error:  # whatever the driver raises, it means the same: no work can be taken now
            self.metrics.upstream_failure("database", "unavailable")
            log.warning("database unreachable", extra={"cause": type(error).__name__})
            return None, "database unreachable"
