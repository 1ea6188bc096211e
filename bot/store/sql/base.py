"""What every aggregate's SQL class shares: the database, its engine, the clock, and one transaction per method.

The aggregates are written on SQLAlchemy's async Core, one implementation for SQLite (aiosqlite) and PostgreSQL
(asyncpg). Every method is one transaction; what must hold under concurrency holds on both engines (see each
aggregate). The classes are mixins of one object (bot.store.sql.store.SQLStore), so the attributes here are the
only state they share, and each keeps its own helpers under its own names.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.database import Database, is_database_down, unavailable


class SQLAggregate:
    """One aggregate's access to the shared database."""

    def __init__(self, database: Database, engine: AsyncEngine, *, clock: Callable[[], float] = time.time) -> None:
        self.database = database
        self.clock = clock
        self._engine = engine
        self._insert: Callable[..., Any] = postgresql.insert if database.is_postgres else sqlite.insert

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
