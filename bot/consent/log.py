"""`python -m bot consent-log [--json] [--team T…]`: every speaker's consent the bot recorded, for an auditor: who was
asked for which voice, by whom, and how it ended (who agreed and how, the clip and what Slack heard in it, when).
Reads DATABASE_URL only (no Slack or RevRing setting) and changes nothing in what it reads."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from bot.config.reading import Reader
from bot.messages import consent as consent_text
from bot.store import SchemaTooNew, SQLStore, StoreUnavailable
from bot.store.database import DEFAULT_SQLITE_FILE, parse_database_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="one JSON list of records instead of lines of text")
    parser.add_argument("--team", metavar="T…", help="only the consents of this workspace (its team id)")


def main(args: argparse.Namespace) -> int:
    read = Reader(os.environ)
    url = read.database_url("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_FILE}")
    if read.problems:
        for problem in read.problems:
            print(f"Cannot read the consent log: {problem}", file=sys.stderr)
        return 2
    where = parse_database_url(url).sqlite_path
    if where is not None and where != ":memory:" and not Path(where).exists():
        # Opening it would make an empty database here and report that nobody was ever asked.
        print(
            f"Cannot read the consent log: there is no database at {where}. Run this in the bot's folder, or set "
            "DATABASE_URL to the bot's database.",
            file=sys.stderr,
        )
        return 1
    try:
        records = asyncio.run(_records(url, args.team))
    except (StoreUnavailable, SchemaTooNew) as error:
        print(f"Cannot read the consent log: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(records, indent=2, ensure_ascii=False))
    elif not records:
        print("No consent has been asked for yet (CONSENT=speaker or recorded asks the speaker of each voice).")
    else:
        for record in records:
            print(consent_text.log_line(record))
    return 0


async def _records(url: str, team_id: str | None) -> list[dict[str, Any]]:
    store = await SQLStore.open(url, ttl_seconds=600)
    try:
        found = await store.consent_log(team_id)
    finally:
        await store.close()
    return [consent_text.log_record(consent, job.voice_id if job else None) for consent, job in found]
