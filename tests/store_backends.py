"""Fixtures that run a store test against every backend: SQLite (a file) and PostgreSQL (the session's cluster)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.records import CloneRequest, SharedFile
from bot.store import SQLStore

RUN = "run-1"  # the runner (one start of the bot) that admits jobs in these tests

OpenStore = Callable[..., Awaitable[SQLStore]]


def request(file_id: str = "F1", user: str = "U1") -> CloneRequest:
    return CloneRequest("T1", "C1", user, SharedFile(file_id, "a.wav"), "1.1", "1.1", "Rachel", "en")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/db.sqlite3"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def open_store(database_url: str) -> AsyncIterator[OpenStore]:
    """Opens stores on the test's one database (several = several instances); `now` is a shared clock."""
    opened: list[SQLStore] = []

    async def open_one(now: list[float] | None = None, **kwargs: Any) -> SQLStore:
        clock = (lambda: now[0]) if now is not None else time.time
        store = await SQLStore.open(database_url, ttl_seconds=600, clock=clock, **kwargs)
        opened.append(store)
        return store

    yield open_one
    for store in opened:
        await store.close()
