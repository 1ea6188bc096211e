"""Which database DATABASE_URL names, how it is shown in logs (password masked), and its SQLAlchemy engine."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy.exc
from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.store.errors import StoreUnavailable

DEFAULT_SQLITE_FILE = "voice-cloner.sqlite3"
DEFAULT_POOL_SIZE = 10
DEFAULT_STATEMENT_TIMEOUT_SECONDS = 10.0
_POSTGRES_SCHEMES = ("postgresql", "postgres", "postgresql+asyncpg")


@dataclass(frozen=True)
class Database:
    """A parsed DATABASE_URL: SQLite (a file, or `:memory:`) or PostgreSQL."""

    url: URL  # with the driver SQLAlchemy uses: sqlite+aiosqlite or postgresql+asyncpg

    @property
    def is_postgres(self) -> bool:
        return self.url.get_backend_name() == "postgresql"

    @property
    def sqlite_path(self) -> str | None:
        """The SQLite file (or `:memory:`); None for PostgreSQL."""
        return None if self.is_postgres else self.url.database or ":memory:"

    def display(self) -> str:
        """The URL for logs and the operator: no driver name, the password replaced by ***."""
        if not self.is_postgres:
            return f"sqlite:///{self.sqlite_path}"
        return self.url.set(drivername="postgresql").render_as_string(hide_password=True)


def parse_database_url(raw: str | None) -> Database:
    """`postgresql://…` or `postgres://…` (PostgreSQL), `sqlite:///relative.db`, `sqlite:////absolute.db`, a plain
    file path, or nothing (voice-cloner.sqlite3 in the working directory). ValueError says what is wrong, in one line.
    """
    raw = (raw or "").strip() or DEFAULT_SQLITE_FILE
    if "://" not in raw:
        return Database(URL.create("sqlite+aiosqlite", database=raw))
    scheme = raw.split("://", 1)[0].lower()
    if scheme in ("sqlite", "sqlite+aiosqlite"):
        path = raw.split("://", 1)[1].removeprefix("/")
        if not path:
            raise ValueError("DATABASE_URL names no file; use e.g. sqlite:///voice-cloner.sqlite3.")
        return Database(URL.create("sqlite+aiosqlite", database=path))
    if scheme in _POSTGRES_SCHEMES:
        try:
            url = make_url("postgresql" + raw[len(scheme) :])
        except sqlalchemy.exc.ArgumentError:
            raise ValueError(
                "DATABASE_URL is not a PostgreSQL URL SQLAlchemy can read; use postgresql://USER:PASSWORD@HOST:PORT/DB."
            ) from None
        if not url.host or not url.database:
            raise ValueError("DATABASE_URL needs a host and a database: postgresql://USER:PASSWORD@HOST:PORT/DB.")
        return Database(url.set(drivername="postgresql+asyncpg"))
    raise ValueError(
        f"DATABASE_URL must start with sqlite:/// or postgresql:// (it starts with {scheme[:20]}://); "
        "leave it unset for the SQLite file voice-cloner.sqlite3."
    )


# What a database that is down, restarting, out of reach or too slow raises through SQLAlchemy and its drivers.
# Mistakes in a statement (ProgrammingError, IntegrityError) are bugs and are not in this list.
DATABASE_DOWN: tuple[type[BaseException], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,  # no pooled connection came free in time
    OSError,
    TimeoutError,
    asyncio.TimeoutError,
)


# SQLite reports a mistake in a statement (no such table) as an OperationalError too; these codes are the file
# being busy, locked, unreadable or full.
_SQLITE_DOWN = (
    "SQLITE_BUSY",
    "SQLITE_LOCKED",
    "SQLITE_IOERR",
    "SQLITE_CANTOPEN",
    "SQLITE_FULL",
    "SQLITE_READONLY",
    "SQLITE_PROTOCOL",
    "SQLITE_NOTADB",
    "SQLITE_CORRUPT",
    "SQLITE_PERM",
)


# PostgreSQL's SQLSTATE classes for a lost connection (08), too few resources (53), a statement stopped by the
# timeout or a shutting-down server (57), and a failure of the server itself (58).
_POSTGRES_DOWN = ("08", "53", "57", "58")


def is_database_down(error: BaseException) -> bool:
    if isinstance(error, sqlalchemy.exc.DBAPIError) and error.connection_invalidated:
        return True
    # SQLAlchemy's error wraps the driver's; a plain driver call (bot.store.sql.plain) raises the driver's own.
    orig = getattr(error, "orig", None) or error
    sqlite_code = getattr(orig, "sqlite_errorname", None)
    if isinstance(sqlite_code, str):
        return sqlite_code.startswith(_SQLITE_DOWN)
    # asyncpg's own error (with its SQLSTATE) is the cause of the one SQLAlchemy's adapter raised.
    sqlstate = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "__cause__", None), "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_POSTGRES_DOWN):
        return True
    return isinstance(error, DATABASE_DOWN)


def unavailable(database: Database, error: BaseException) -> StoreUnavailable:
    """The one-line StoreUnavailable for `error`, naming the database with its password masked."""
    orig = getattr(error, "orig", None)
    reason = type(getattr(orig, "__cause__", None) or orig or error).__name__
    return StoreUnavailable(f"The database at {database.display()} cannot be used right now ({reason}).")


def create_engine(database: Database, *, pool_size: int, statement_timeout_seconds: float) -> AsyncEngine:
    """An engine that reconnects by itself after the database restarts, with every statement bounded in time."""
    if database.is_postgres:
        engine = create_async_engine(
            database.url,
            pool_size=pool_size,
            max_overflow=0,
            pool_timeout=statement_timeout_seconds,
            hide_parameters=True,  # never a bot token or a key in a logged statement or an error's text
            connect_args={
                "timeout": statement_timeout_seconds,  # to connect
                # The server stops a statement after the timeout; the client gives up a little later if the server
                # itself is gone (a lost network answers nothing at all).
                "command_timeout": statement_timeout_seconds + 5,
                "server_settings": {"statement_timeout": str(int(statement_timeout_seconds * 1000))},
            },
        )

        # A connection the server closed (a restart, a failover) is replaced, not used. asyncpg knows it is closed as
        # soon as the socket says so; SQLAlchemy's pool_pre_ping would ask the server on every checkout instead (a
        # round trip for each transaction).
        @event.listens_for(engine.sync_engine, "checkout")
        def _on_checkout(dbapi_connection, _record, _proxy) -> None:
            if dbapi_connection.driver_connection.is_closed():
                raise sqlalchemy.exc.DisconnectionError("the server closed the connection")

        return engine
    # SQLite: one connection, so the store's transactions never overlap within the process (a queue of one, awaited
    # off the loop). BEGIN IMMEDIATE takes the write lock at the start, so a transaction never fails half-way on a
    # lock held by another process (`python -m bot check`); busy_timeout is how long it waits for it.
    # Every use ends its transaction (COMMIT or ROLLBACK), so the pool need not roll back again on return.
    engine = create_async_engine(
        database.url,
        poolclass=AsyncAdaptedQueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
        pool_reset_on_return=None,
        hide_parameters=True,
    )
    busy_ms = int(statement_timeout_seconds * 1000)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        cursor = dbapi_connection.cursor()
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={busy_ms}"):
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def sqlite_folder(database: Database) -> Path | None:
    """The folder the SQLite file goes in (created on open); None for PostgreSQL and `:memory:`."""
    path = database.sqlite_path
    if path is None or path == ":memory:":
        return None
    return Path(path).parent
