"""Plain driver calls for the store's busy paths (a clone's inbox, queue and library): sqlite3 and asyncpg as they
are, with no SQLAlchemy in between, on a connection taken from the engine's one pool.

A transaction is written once, as a generator (`Plan`) that yields its statements (`Query` for rows back,
`Command` for the count of rows changed) and is sent each one's result. On SQLite the whole plan runs as one
function in the connection's own thread (aiosqlite's): one hand-off per transaction instead of three or four per
statement. On PostgreSQL it runs statement by statement on asyncpg, whose prepared statements are cached per
connection. SQL is written once for both, with :name parameters: sqlite3 takes them as they are, asyncpg gets $1, $2…

Rows come back as sqlite3.Row or asyncpg.Record: both are read by column name (`row["id"]`) or position.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

T = TypeVar("T")

# The running clones' own bookkeeping (their stages, leases, taking the next job: `background=True`) goes to the
# database at most this many calls at a time; what a Slack request waits for (a command's waiting file, an event's
# claim and admission) never queues behind more than that: on SQLite the calls share one thread, on PostgreSQL the
# pool. While 50 clones start, a command's answer otherwise waited for dozens of their writes.
BACKGROUND_AT_ONCE = 2


@dataclass(frozen=True, slots=True)
class Query:
    """A statement whose rows come back (SELECT, or a write with RETURNING)."""

    sql: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Command:
    """A write whose number of changed rows comes back."""

    sql: str
    params: Mapping[str, Any]


Step = Query | Command
# Yields statements, is sent each one's result (a list of rows, or the count of rows changed), returns its own.
Plan = Generator[Step, Any, T]


def drive(plan: Plan[T], execute: Callable[[Step], Any]) -> T:
    """Run `plan` to its end with a blocking `execute` (SQLite, in the connection's thread)."""
    try:
        step = next(plan)
        while True:
            step = plan.send(execute(step))
    except StopIteration as done:
        return done.value


class SQLiteCalls:
    """Plans run in aiosqlite's thread, on the pool's one connection. The thread runs what it is given one call at a
    time, and each plan is one call, BEGIN to COMMIT: so while the connection sits idle in the pool, a plan goes
    straight into the thread's queue, without checking the connection out (the thread then runs transactions back
    to back instead of one per turn of the event loop). While SQLAlchemy holds the connection (its transactions are
    several calls), a plan waits for it in the pool like any other user."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._background = asyncio.Semaphore(BACKGROUND_AT_ONCE)
        self._idle: Any = None  # the pool's connection (aiosqlite.Connection) while nobody has checked it out
        event.listen(engine.sync_engine, "checkin", self._on_checkin)
        for leaving in ("checkout", "close", "detach", "invalidate", "soft_invalidate"):
            event.listen(engine.sync_engine, leaving, self._on_leaving)

    def _on_checkin(self, dbapi_connection: Any, _record: Any) -> None:
        self._idle = None if dbapi_connection is None else dbapi_connection.driver_connection

    def _on_leaving(self, *_args: Any) -> None:
        self._idle = None

    async def run(self, plan: Plan[T], *, writes: bool, background: bool) -> T:
        # BEGIN IMMEDIATE takes the write lock first (a write never fails half-way on a lock another process holds);
        # a transaction that only reads needs none.
        begin = "BEGIN IMMEDIATE" if writes else "BEGIN"
        if background:
            async with self._background:
                return await self._call(_transaction, plan, begin)
        return await self._call(_transaction, plan, begin)

    async def one(self, step: Step, *, background: bool) -> Any:
        if background:
            async with self._background:
                return await self._call(_execute, step)
        return await self._call(_execute, step)

    async def _call(self, function: Callable[..., T], *args: Any) -> T:
        idle = self._idle
        if idle is not None and idle._connection is not None:
            return await idle._execute(function, idle._connection, *args)
        pooled = await self.engine.raw_connection()
        try:
            connection: Any = pooled.driver_connection
            return await connection._execute(function, connection._conn, *args)
        finally:
            pooled.close()


def _execute(db: sqlite3.Connection, step: Step) -> Any:
    cursor = db.cursor()
    try:
        if isinstance(step, Command):
            return cursor.execute(step.sql, step.params).rowcount
        cursor.row_factory = sqlite3.Row
        return cursor.execute(step.sql, step.params).fetchall()
    finally:
        cursor.close()


def _transaction(db: sqlite3.Connection, plan: Plan[T], begin: str) -> T:
    db.execute(begin)
    try:
        result = drive(plan, lambda step: _execute(db, step))
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result


class PostgresCalls:
    """Plans run on asyncpg, on a connection of the engine's pool: several statements in one transaction, one alone
    without (a single statement is a transaction of its own)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._background = asyncio.Semaphore(BACKGROUND_AT_ONCE)

    async def run(self, plan: Plan[T], *, writes: bool, background: bool) -> T:
        async def in_transaction(connection: Any) -> T:
            async with connection.transaction(readonly=not writes):
                return await _drive_async(connection, plan)

        if background:
            async with self._background:
                return await self._call(in_transaction)
        return await self._call(in_transaction)

    async def one(self, step: Step, *, background: bool) -> Any:
        async def alone(connection: Any) -> Any:
            return await _execute_async(connection, step)

        if background:
            async with self._background:
                return await self._call(alone)
        return await self._call(alone)

    async def _call(self, work: Callable[[Any], Any]) -> Any:
        pooled = await self.engine.raw_connection()
        connection: Any = pooled.driver_connection  # asyncpg.Connection
        try:
            result = await work(connection)
        except BaseException as error:
            if _refused_by_server(error) and not connection.is_closed():
                pooled.close()  # the connection is fine (and out of any transaction): back to the pool
                raise
            # Lost, timed out, or cancelled half-way through a statement: never handed out again.
            await greenlet_spawn(pooled.invalidate)
            if isinstance(error, asyncpg.InterfaceError) and connection.is_closed():
                raise ConnectionResetError("the connection to PostgreSQL is closed") from error
            raise
        pooled.close()
        return result


def _refused_by_server(error: BaseException) -> bool:
    """The server answered with an error (a statement refused or stopped), as opposed to the connection failing."""
    return isinstance(error, asyncpg.PostgresError) and not isinstance(error, asyncpg.PostgresConnectionError)


async def _drive_async(connection: Any, plan: Plan[T]) -> T:
    try:
        step = next(plan)
        while True:
            step = plan.send(await _execute_async(connection, step))
    except StopIteration as done:
        return done.value


async def _execute_async(connection: Any, step: Step) -> Any:
    sql, names = _numbered(step.sql)
    args = [step.params[name] for name in names]
    if isinstance(step, Query):
        return await connection.fetch(sql, *args)
    status = await connection.execute(sql, *args)  # e.g. "UPDATE 1", "INSERT 0 1"
    return int(status.rsplit(" ", 1)[-1])


_PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_NUMBERED: dict[str, tuple[str, tuple[str, ...]]] = {}


def _numbered(sql: str) -> tuple[str, tuple[str, ...]]:
    """`sql` with :name parameters as asyncpg's $1, $2… (the same name, the same number), and the names in order."""
    found = _NUMBERED.get(sql)
    if found is None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            if match[1] not in names:
                names.append(match[1])
            return f"${names.index(match[1]) + 1}"

        found = _NUMBERED[sql] = (_PARAMETER.sub(number, sql), tuple(names))
    return found
