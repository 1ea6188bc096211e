"""`python -m bot check`: run the checks of this package in order and print the checklist, one line each,
`✓ What: detail` or `✗ What: what went wrong. Fix: what to do`, then a closing line; exit 0 only if all passed."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from typing import TextIO

import aiohttp

from bot.check import workflow_step, workspaces
from bot.check.database import check_database
from bot.check.result import FAIL, INFO, PASS, TIMEOUT_SECONDS, Result
from bot.check.revring import check_revring
from bot.check.slack import check_app_token, check_bot_token, check_signing_secret
from bot.config import Settings

# For a terminal that cannot show the marks (an ASCII-only locale).
_PLAIN = str.maketrans({"✓": "[ok]", "✗": "[FAIL]", "–": "[--]", "→": ">"})


def check(settings: Settings) -> int:
    """The `check` command: 0 when everything passed, 1 otherwise."""
    return 0 if asyncio.run(run_checks(settings, sys.stdout)) else 1


async def run_checks(settings: Settings, out: TextIO) -> bool:
    """Print the checklist to `out` as it goes; True only when every check passed."""
    encoding = getattr(out, "encoding", None)
    plain = not _can_show(encoding, PASS + FAIL + INFO + "→")

    def say(text: str) -> None:
        if plain and encoding:  # also keeps a workspace name the terminal cannot show from raising
            text = text.translate(_PLAIN).encode(encoding, "replace").decode(encoding)
        print(text, file=out, flush=True)

    mode = (
        "distribution to many workspaces"
        if settings.distribution
        else ("Socket Mode" if settings.socket_mode else "HTTP mode")
    )
    say(f"Checking Voice Cloner's settings ({mode}):")
    results: list[Result] = []

    def report(result: Result) -> None:
        results.append(result)
        say(f"  {result.line()}")

    if settings.distribution:
        await _check_distribution(settings, report)
    else:
        async with _session() as session:
            for result in await check_bot_token(settings, session):
                report(result)
            report(check_signing_secret(settings))
            report(await check_app_token(settings, session))
            report(await check_revring(settings, session))
        report(await check_database(settings))
    report(workflow_step.time_budget(settings))

    failed = [r for r in results if r.ok is False]
    if failed:
        noun = "check" if len(failed) == 1 else "checks"
        say(f"{len(failed)} {noun} failed. Fix the {FAIL} lines above, then run `{bot_command()} check` again.")
    else:
        say(f"All checks passed. Start the bot with `{bot_command()}`.")
    return not failed


async def _check_distribution(settings: Settings, report: Callable[[Result], None]) -> None:
    """The app's credentials and ENCRYPTION_KEY, the signing secret, the fallback RevRing key if there is one and which
    workspaces it serves, and the database with its workspaces (counts only)."""
    report(workspaces.app_credentials(settings))
    report(check_signing_secret(settings))
    report(workspaces.encryption_key(settings))
    fallback = "Fallback RevRing API key"
    if settings.revring_api_key:
        async with _session() as session:
            report(await check_revring(settings, session, fallback))
        report(workspaces.server_key_serves(settings))
    else:
        report(
            Result(fallback, None, "not set: a workspace clones only once its admin connects RevRing in the Home tab.")
        )
    if settings.database.sqlite_path is not None:
        database = await check_database(settings)
        if not database.ok:
            report(database)
            return
    report(await workspaces.workspaces(settings))


def bot_command() -> str:
    """How to start the bot again as it was started now: `.venv/bin/python -m bot` from a clone's venv."""
    relative = os.path.relpath(sys.executable)
    inside = os.sep in relative and not relative.startswith(os.pardir)
    return f"{relative} -m bot" if inside else "python -m bot"


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS, sock_connect=TIMEOUT_SECONDS))


def _can_show(encoding: str | None, text: str) -> bool:
    if not encoding:
        return True  # an in-memory stream holds any text
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
