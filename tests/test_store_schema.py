"""The schema version: a newer bot upgrades an older database in place, once, even when instances start together;
an older bot refuses a newer database with one line. On SQLite and on PostgreSQL alike."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.store import SCHEMA_VERSION, Admission, SchemaTooNew, SQLStore, Stage, parse_database_url
from bot.store.schema import metadata
from tests.postgres import create_database
from tests.store_backends import RUN, OpenStore, request

# The tables as 0.1.0 left them: no version table, jobs as one JSON document, and (in the oldest files) no owner.
_LAYOUT_OF_0_1_0 = [
    "CREATE TABLE pending (team_id TEXT, channel_id TEXT, user_id TEXT, data TEXT NOT NULL, "
    "saved_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (team_id, channel_id, user_id))",
    "CREATE TABLE recent_audio (team_id TEXT, channel_id TEXT, user_id TEXT, data TEXT NOT NULL, "
    "saved_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (team_id, channel_id, user_id))",
    "CREATE TABLE claims (key TEXT PRIMARY KEY, claimed_at DOUBLE PRECISION NOT NULL)",
    "CREATE TABLE jobs (id TEXT PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, file_id TEXT NOT NULL, "
    "stage TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, "
    "data TEXT NOT NULL)",
    "CREATE INDEX jobs_by_file ON jobs (team_id, file_id, created_at)",
]
_FILE = {
    "id": "F1",
    "name": "a.wav",
    "title": "a.wav",
    "mimetype": "audio/wav",
    "filetype": "wav",
    "size": 10,
    "url_private_download": "https://files.slack.com/a.wav",
    "subtype": "",
    "duration_ms": None,
}
_REQUEST = {
    "team_id": "T1",
    "channel_id": "C1",
    "user_id": "U1",
    "file": _FILE,
    "message_ts": "1.1",
    "thread_ts": "1.1",
    "name": "Rachel",
    "language": "en",
}


def _legacy_job(job_id: str, stage: str, created_at: float, **more: object) -> dict[str, object]:
    data = {
        "id": job_id,
        "request": {**_REQUEST, "file": {**_FILE, "id": f"F-{job_id}"}},
        "stage": stage,
        "created_at": created_at,
        "reply_channel": "C1",
        "reply_ts": "1.5",
        "voice_id": None,
        "voice_status": None,
        "failure": None,
        **more,
    }
    return {
        "id": job_id,
        "team": "T1",
        "user": "U1",
        "file": f"F-{job_id}",
        "stage": stage,
        "created": created_at,
        "data": json.dumps(data),
    }


async def _run(database_url: str, *statements: str, rows: list[dict[str, object]] = ()) -> list[tuple]:
    """Statements straight on the database, as an older or newer bot would have left it; the last one's rows."""
    engine = create_async_engine(parse_database_url(database_url).url)
    try:
        async with engine.begin() as conn:
            result = None
            for statement in statements:
                result = await conn.execute(text(statement))
            for row in rows:
                await conn.execute(
                    text(
                        "INSERT INTO jobs (id, team_id, user_id, file_id, stage, created_at, updated_at, data) "
                        "VALUES (:id, :team, :user, :file, :stage, :created, :created, :data)"
                    ),
                    row,
                )
            return list(result.all()) if result is not None and result.returns_rows else []
    finally:
        await engine.dispose()


async def _layout(database_url: str) -> dict[str, set[str]]:
    engine = create_async_engine(parse_database_url(database_url).url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: {
                    table: {column["name"] for column in inspect(sync).get_columns(table)}
                    for table in inspect(sync).get_table_names()
                }
            )
    finally:
        await engine.dispose()


async def _make_0_1_0(database_url: str) -> None:
    await _run(
        database_url,
        *_LAYOUT_OF_0_1_0,
        'INSERT INTO pending VALUES (\'T\', \'C\', \'U\', \'{"team_id": "T", "channel_id": "C", "user_id": "U", '
        '"name": "Rachel", "language": "en"}\', 4400)',
        rows=[
            _legacy_job("running", "downloading", 900.0),
            _legacy_job(
                "retried",
                "failed",
                800.0,
                retries=1,
                retried_at=[950.0],
                answer={"text": "failed", "blocks": [], "ok": False},
            ),
            _legacy_job("old", "done", 100.0, voice_id="voice-1", voice_status="ready"),  # before retries existed
        ],
    )


async def test_a_database_from_0_1_0_is_upgraded_in_place_and_keeps_every_job(database_url: str, open_store: OpenStore):
    await _make_0_1_0(database_url)
    now = [4500.0]
    store = await open_store(now)
    assert await _run(database_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION,)]
    assert (await store.take_pending("T", "C", "U")).name == "Rachel"
    retried = await store.get_job("retried")
    assert retried.retries == 1 and retried.retried_at == (950.0,) and retried.answer.text == "failed"
    assert retried.reply_ts == "1.5" and retried.request.file.id == "F-retried"
    assert (await store.get_job("old")).voice_id == "voice-1"
    # Each start of the old jobs counts toward the hourly limit: 900 and the Try again at 950 (800 is older).
    assert (await store.admit(request("F9"), per_user_per_hour=3, runner=RUN)).outcome is Admission.ACCEPTED
    assert (await store.admit(request("F8"), per_user_per_hour=3, runner=RUN)).outcome is Admission.RATE_LIMITED
    # What the old run left is taken over at once: it had no lease to wait for.
    first, second = await store.take_next(RUN, 30), await store.take_next(RUN, 30)
    assert (first.id, first.stage) == ("running", Stage.DOWNLOADING)  # queued first (900; the Try again at 950)
    assert (second.id, second.stage) == ("retried", Stage.FAILED)  # its answer still has to be shown
    assert await store.take_next(RUN, 30) is None


async def test_a_fresh_database_and_an_upgraded_one_have_the_layout_this_bot_reads(
    database_url: str, open_store: OpenStore, tmp_path: Path, request: pytest.FixtureRequest
):
    await _make_0_1_0(database_url)
    await open_store()
    expected = {table.name: {column.name for column in table.columns} for table in metadata.tables.values()}
    assert await _layout(database_url) == expected
    if database_url.startswith("sqlite"):
        fresh_url = f"sqlite:///{tmp_path}/fresh.sqlite3"
    else:
        fresh_url = create_database(request.getfixturevalue("postgres_cluster"))
    await (await SQLStore.open(fresh_url, 600)).close()
    assert await _layout(fresh_url) == expected


async def test_instances_starting_together_upgrade_the_database_once(database_url: str, open_store: OpenStore):
    await _make_0_1_0(database_url)
    stores = await asyncio.gather(*(open_store() for _ in range(4)))
    assert await _run(database_url, "SELECT COUNT(*) FROM schema_version") == [(1,)]
    assert await _run(database_url, "SELECT COUNT(*) FROM clone_starts") == [(4,)]  # 3 jobs, 1 Try again
    assert len({job.id for job in await stores[3].recent_jobs("T1", 10)}) == 3


async def test_an_older_bot_refuses_a_newer_database_with_one_line(database_url: str, open_store: OpenStore):
    store = await open_store()
    job = (await store.admit(request(), per_user_per_hour=10, runner=RUN)).job
    await store.close()
    await _run(database_url, f"UPDATE schema_version SET version = {SCHEMA_VERSION + 3}")  # noqa: S608
    with pytest.raises(SchemaTooNew) as refused:
        await open_store()
    message = str(refused.value)
    assert "\n" not in message
    assert f"schema version {SCHEMA_VERSION + 3} but this bot knows up to {SCHEMA_VERSION}; upgrade the bot" in message
    assert parse_database_url(database_url).display() in message
    # Nothing was touched: the newer bot finds its database as it left it.
    assert await _run(database_url, "SELECT version FROM schema_version") == [(SCHEMA_VERSION + 3,)]
    assert await _run(database_url, "SELECT id FROM jobs") == [(job.id,)]
