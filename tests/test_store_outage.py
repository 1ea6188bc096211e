"""When the database is away: StoreUnavailable (one line, password masked), never a driver's error, and the store
carries on by itself once it is back. DATABASE_URL's forms and how they are shown."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg
import pytest

from bot.store import Admission, SQLStore, StoreUnavailable, parse_database_url
from tests.postgres import Cluster, CuttableProxy
from tests.store_backends import RUN, request


def test_database_url_forms_and_how_they_are_shown():
    assert parse_database_url(None).sqlite_path == "voice-cloner.sqlite3"
    assert parse_database_url("sqlite:///data/bot.db").sqlite_path == "data/bot.db"
    assert parse_database_url("sqlite:////var/lib/bot.db").display() == "sqlite:////var/lib/bot.db"
    assert parse_database_url("bot.db").sqlite_path == "bot.db"
    for scheme in ("postgresql", "postgres"):
        database = parse_database_url(f"{scheme}://voice:s3cret@db.internal:5433/cloner")
        assert database.is_postgres and database.url.drivername == "postgresql+asyncpg"
        assert database.url.password == "s3cret"
        assert database.display() == "postgresql://voice:***@db.internal:5433/cloner"
    assert parse_database_url("postgres://voice:p%40ss@db/cloner").display() == "postgresql://voice:***@db/cloner"
    for bad, says in (
        ("mysql://voice:pw@db/x", "must start with sqlite:/// or postgresql://"),
        ("sqlite:///", "names no file"),
        ("postgresql://user:pw@/nodb", "needs a host and a database"),
    ):
        with pytest.raises(ValueError, match=says) as error:
            parse_database_url(bad)
        assert "\n" not in str(error.value) and "pw" not in str(error.value)


async def test_a_sqlite_folder_that_cannot_be_made_stops_open_with_one_line(tmp_path: Path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(StoreUnavailable, match=r"^Cannot create the folder .*a-file for the database at sqlite:///"):
        await SQLStore.open(f"sqlite:///{tmp_path}/a-file/db.sqlite3", 600)


async def test_a_sqlite_file_locked_too_long_is_unavailable_then_usable_again(tmp_path: Path):
    path = tmp_path / "db.sqlite3"
    store = await SQLStore.open(str(path), 600, statement_timeout_seconds=1)
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")  # another process holding the write lock
        with pytest.raises(StoreUnavailable, match="cannot be used right now"):
            await store.admit(request(), per_user_per_hour=10, runner=RUN)
        other.execute("ROLLBACK")
        assert (await store.admit(request(), per_user_per_hour=10, runner=RUN)).outcome is Admission.ACCEPTED
    finally:
        other.close()
        await store.close()


async def test_postgres_out_of_reach_at_start_is_one_line_without_the_password(postgres_cluster: Cluster):
    proxy = CuttableProxy(postgres_cluster.port)
    port = await proxy.start()
    proxy.cut()
    try:
        with pytest.raises(StoreUnavailable) as refused:
            await SQLStore.open(
                f"postgresql://postgres:s3cret@127.0.0.1:{port}/postgres", 600, statement_timeout_seconds=2
            )
        message = str(refused.value)
        assert "s3cret" not in message and "\n" not in message
        assert f"postgresql://postgres:***@127.0.0.1:{port}/postgres" in message
    finally:
        await proxy.stop()


async def test_postgres_going_away_is_unavailable_and_the_store_reconnects_by_itself(
    postgres_cluster: Cluster, postgres_url: str
):
    proxy = CuttableProxy(postgres_cluster.port)
    port = await proxy.start()
    url = postgres_url.replace(f":{postgres_cluster.port}/", f":{port}/")
    store = await SQLStore.open(url, 600, statement_timeout_seconds=2)
    try:
        await store.ping()
        proxy.cut()  # the server restarts: every connection in the pool is gone
        for attempt in (
            store.ping(),
            store.claim("event:Ev1"),
            store.get_job("x"),
            store.admit(request(), per_user_per_hour=10, runner=RUN),
            store.take_next(RUN, 30),
        ):
            with pytest.raises(StoreUnavailable, match="cannot be used right now"):
                await attempt
        proxy.restore()
        await store.ping()
        assert await store.claim("event:Ev1") is True
        assert (await store.admit(request(), per_user_per_hour=10, runner=RUN)).outcome is Admission.ACCEPTED
    finally:
        await store.close()
        await proxy.stop()


async def test_a_postgres_statement_that_waits_too_long_is_stopped_by_the_timeout(postgres_url: str):
    store = await SQLStore.open(postgres_url, 600, statement_timeout_seconds=1)
    blocker = await asyncpg.connect(postgres_url)
    try:
        transaction = blocker.transaction()
        await transaction.start()
        await blocker.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(StoreUnavailable, match="cannot be used right now"):
            await store.recent_jobs("T1", 10)
        await transaction.rollback()
        assert await store.recent_jobs("T1", 10) == []
    finally:
        await blocker.close()
        await store.close()
