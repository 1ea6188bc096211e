"""The database named by DATABASE_URL, changing nothing: the SQLite file opened and written in a transaction that
is rolled back (or its folder proved writable), PostgreSQL connected to and asked what the user may do, read-only."""

from __future__ import annotations

import asyncio

from bot.check.result import TIMEOUT_SECONDS, Result
from bot.config import Settings
from bot.store import postgres_probe, sqlite_file


async def check_database(settings: Settings) -> Result:
    sqlite_path = settings.database.sqlite_path
    if sqlite_path is None:
        found = await postgres_probe.probe(settings.database, TIMEOUT_SECONDS)
        return Result("Database", found.usable, found.detail, found.fix)
    verdict = await asyncio.to_thread(sqlite_file.probe, sqlite_path)
    return Result("Database", verdict.usable, verdict.detail, verdict.fix)
