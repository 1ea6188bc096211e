"""What every aggregate's SQL class shares: the database, its engine, the clock, and one transaction per method.

The aggregates are written once for SQLite (aiosqlite) and PostgreSQL (asyncpg): on SQLAlchemy's async Core
(`_transaction`), or, on a clone's busy path, as plain driver calls (`_run` and `_one`, bot.store.sql.plain). Every
method is one transaction; what must hold under concurrency holds on both engines (see each aggregate). The classes
are mixins of one object (bot.store.sql.store.SQLStore), so the attributes here are the only state they share, and
each keeps its own helpers under its own names.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.database import Database, is_database_down, unavailable
from bot.store.sql.plain import Plan, PostgresCalls, SQLiteCalls, Step

T = TypeVar("T")


class SQLAggregate:
    """One aggregate's access to the shared database."""

    def __init__(self, database: Database, engine: AsyncEngine, *, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.clock = clock
        self._engine = engine
        self._insert: Callable[..., Any] = postgresql.insert if database.is_postgres else sqlite.insert
        calls: PostgresCalls | SQLiteCalls | None = getattr(self, "_calls", None)  # the mixins share one
        if calls is None or calls.engine is not engine:
            calls = PostgresCalls(engine) if database.is_postgres else SQLiteCalls(engine)
        self._calls = calls

    @contextlib.asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection]:
        """One transaction; a database that is down surfaces as StoreUnavailable, never as a driver's error."""
        try:
            async with self._engine.begin() as conn:
                yield conn
        except Exception as error:
            if is_database_down(error):
                raise unavailable(self.database, error) from error
            raise

    async def _run(self, plan: Plan[T], *, writes: bool = True, background: bool = False) -> T:
        """`plan` as one transaction of plain driver calls; a database that is down surfaces as StoreUnavailable.
        `background`: a running clone's own bookkeeping, which a Slack request never waits behind (plain.py)."""
        try:
            return await self._calls.run(plan, writes=writes, background=background)
        except Exception as error:
            if is_database_down(error):
                raise unavailable(self.database, error) from error
            raise

    async def _one(self, step: Step, *, background: bool = False) -> Any:
        """One statement alone (its own transaction): its rows, or the number of rows it changed."""
        try:
            return await self._calls.one(step, background=background)
        except Exception as error:
            if is_database_down(error):
                raise unavailable(self.database, error) from error
            raise
