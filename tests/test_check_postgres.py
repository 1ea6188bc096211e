"""`python -m bot check` with DATABASE_URL=postgresql://…, against the real throwaway cluster: reachable, the schema
version, and whether the user may create the tables; nothing in the database changes and no password is shown."""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import os
from collections.abc import Iterator

import asyncpg
import pytest

from bot.check.database import check_database
from bot.config import Settings
from bot.store import SCHEMA_VERSION, SQLStore
from tests.conftest import make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import closed_port
from tests.postgres import Cluster

PASSWORD = "s3cret-Pa55word"  # the test cluster trusts loopback, so any password gets in: it must never be shown
_roles = itertools.count(1)


def with_password(url: str, user: str = "postgres") -> str:
    return url.replace("postgresql://postgres@", f"postgresql://{user}:{PASSWORD}@")


async def database_check(fakes: tuple[FakeSlack, FakeRevRing], url: str) -> tuple[bool | None, str]:
    result = await check_database(Settings.from_env(make_env(*fakes, DATABASE_URL=url)))
    line = result.line()
    assert PASSWORD not in line
    return result.ok, line


async def tables(url: str) -> list[str]:
    db = await asyncpg.connect(url)
    try:
        found = await db.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        return sorted(row["tablename"] for row in found)
    finally:
        await db.close()


async def sql(url: str, statement: str, *args: object) -> None:
    db = await asyncpg.connect(url)
    try:
        await db.execute(statement, *args)
    finally:
        await db.close()


def masked(url: str) -> str:
    return with_password(url).replace(PASSWORD, "***")


async def test_an_empty_database_passes_the_bot_creates_the_tables_on_first_start(fakes, postgres_url: str):
    ok, line = await database_check(fakes, with_password(postgres_url))
    assert ok is True
    assert line == (
        f"✓ Database: PostgreSQL at {masked(postgres_url)} reachable as postgres; no tables yet: the bot "
        "creates them on first start."
    )
    assert await tables(postgres_url) == []  # changed nothing


async def test_the_bots_own_database_is_up_to_date(fakes, postgres_url: str):
    store = await SQLStore.open(postgres_url, ttl_seconds=600)
    await store.close()
    before = await tables(postgres_url)
    ok, line = await database_check(fakes, with_password(postgres_url))
    assert ok is True
    assert line.endswith(f"reachable as postgres; schema version {SCHEMA_VERSION}, up to date.")
    assert await tables(postgres_url) == before


async def test_an_older_schema_is_upgraded_on_the_next_start(fakes, postgres_url: str):
    store = await SQLStore.open(postgres_url, ttl_seconds=600)
    await store.close()
    await sql(postgres_url, "UPDATE schema_version SET version = $1", SCHEMA_VERSION - 1)
    ok, line = await database_check(fakes, with_password(postgres_url))
    assert ok is True
    assert line.endswith(f"schema version {SCHEMA_VERSION - 1}: upgraded to {SCHEMA_VERSION} on the next start.")


async def test_a_newer_schema_fails_upgrade_the_bot(fakes, postgres_url: str):
    store = await SQLStore.open(postgres_url, ttl_seconds=600)
    await store.close()
    await sql(postgres_url, "UPDATE schema_version SET version = $1", SCHEMA_VERSION + 1)
    ok, line = await database_check(fakes, with_password(postgres_url))
    assert ok is False
    assert line == (
        f"✗ Database: PostgreSQL at {masked(postgres_url)} has schema version {SCHEMA_VERSION + 1}, "
        f"newer than this bot knows ({SCHEMA_VERSION}). Fix: upgrade the bot to the version the other "
        "instances run (or point DATABASE_URL elsewhere)."
    )


@pytest.fixture
def role(postgres_cluster: Cluster) -> Iterator[str]:
    """A login role of its own, which owns nothing and was granted nothing."""
    name = f"bot_{os.getpid()}_{next(_roles)}"
    admin = postgres_cluster.url("postgres")

    def run(statement: str) -> None:
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            thread.submit(asyncio.run, sql(admin, statement)).result()

    run(f'CREATE ROLE "{name}" LOGIN')
    yield name
    run(f'DROP ROLE "{name}"')


async def test_a_user_who_may_not_create_tables_fails_with_the_grant_to_run(fakes, postgres_url: str, role: str):
    # What PostgreSQL 15 and later do by default; said here so the test holds on older ones too.
    await sql(postgres_url, "REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    ok, line = await database_check(fakes, with_password(postgres_url, role))
    assert ok is False
    assert f"reachable as {role}, no tables yet, but {role} may not create tables in schema public" in line
    assert f"Fix: as the database's owner run `GRANT USAGE, CREATE ON SCHEMA public TO {role};`" in line

    await sql(postgres_url, f'GRANT USAGE, CREATE ON SCHEMA public TO "{role}"')
    ok, line = await database_check(fakes, with_password(postgres_url, role))
    assert ok is True and "the bot creates them on first start" in line
    await sql(postgres_url, f'REVOKE USAGE, CREATE ON SCHEMA public FROM "{role}"')


async def test_a_user_who_may_not_write_the_tables_fails(fakes, postgres_url: str, role: str):
    store = await SQLStore.open(postgres_url, ttl_seconds=600)
    await store.close()
    await sql(
        postgres_url,
        f'GRANT USAGE ON SCHEMA public TO "{role}"; GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"',
    )
    ok, line = await database_check(fakes, with_password(postgres_url, role))
    assert ok is False
    assert f"user {role} may not read and write the table(s) " in line
    assert all(table in line for table in ("claims", "clone_starts", "jobs", "schema_version"))
    assert f"Fix: GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}." in line
    await sql(
        postgres_url,
        f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"; REVOKE USAGE ON SCHEMA public FROM "{role}"',
    )


async def test_an_unreachable_server_fails_with_the_password_masked(fakes):
    url = f"postgresql://bot:{PASSWORD}@127.0.0.1:{closed_port()}/voices"
    ok, line = await database_check(fakes, url)
    assert ok is False
    assert line.startswith(
        f"✗ Database: PostgreSQL at postgresql://bot:***@127.0.0.1:{url.split(':')[3]} cannot be reached ("
    )
    assert "Fix: start PostgreSQL, or check the host and port in DATABASE_URL" in line


async def test_a_database_that_does_not_exist_fails_with_createdb(fakes, postgres_cluster: Cluster):
    ok, line = await database_check(fakes, with_password(postgres_cluster.url("no_such_db")))
    assert ok is False
    assert ": there is no database no_such_db. Fix: create it (`createdb no_such_db`" in line
