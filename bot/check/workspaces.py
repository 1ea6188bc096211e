"""`python -m bot check` in distribution mode: the app's credentials, ENCRYPTION_KEY, and what the database holds
(how many workspaces installed the app, how many connected RevRing: counts only, never a name or a key).

Only reads: the database is opened, counted and closed; a database the bot has not set up yet is left as it is.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, inspect, select

from bot.check.result import Result
from bot.config import Settings
from bot.store.database import create_engine, is_database_down
from bot.store.schema import revring_keys, slack_bots
from bot.workspaces.key_vault import KeyVault


def app_credentials(settings: Settings) -> Result:
    """Only their shape can be checked here: Slack proves them when a workspace installs."""
    client_id, secret = settings.slack_client_id or "", settings.slack_client_secret or ""
    return Result(
        "Slack app credentials",
        True,
        (
            f"client id {client_id} and a client secret of {len(secret)} hex digits are well-formed; Slack confirms "
            "them when a workspace installs the app (a wrong pair makes /slack/oauth_redirect say it was not installed)"
        ),
    )


def encryption_key(settings: Settings) -> Result:
    count = len((settings.encryption_key or "").split(","))
    extra = f"; the first of {count} encrypts new keys, all {count} decrypt" if count > 1 else ""
    return Result("Encryption key", True, f"a valid Fernet key{extra}")


def server_key_serves(settings: Settings) -> Result:
    """Which workspaces REVRING_API_KEY serves (those without a key of their own): the ids the operator listed in
    REVRING_API_KEY_WORKSPACES, every one for `*`, or none."""
    name = "Workspaces the server's RevRing key serves"
    listed = settings.server_key_workspaces
    if listed is None:
        return Result(
            name,
            True,
            "every workspace that installs the app and connects no key of its own (REVRING_API_KEY_WORKSPACES=*)",
        )
    if not listed:
        return Result(
            name,
            None,
            "none: REVRING_API_KEY_WORKSPACES is not set, so each workspace connects its own "
            "key in the Home tab (list team or enterprise ids there, or *, to lend this key)",
        )
    return Result(
        name, True, f"{', '.join(sorted(listed))}, when they connect no key of their own (REVRING_API_KEY_WORKSPACES)"
    )


async def workspaces(settings: Settings) -> Result:
    """How many workspaces are installed and connected, and whether ENCRYPTION_KEY opens every stored key."""
    ok, detail, fix = await _workspaces(settings)
    return Result("Workspaces", ok, detail, fix)


async def _workspaces(settings: Settings) -> tuple[bool | None, str, str]:
    database = settings.database
    sqlite_path = database.sqlite_path
    if sqlite_path is not None and (sqlite_path == ":memory:" or not await asyncio.to_thread(Path(sqlite_path).exists)):
        return None, "no workspaces yet: the database is created when the bot first starts", ""
    engine = create_engine(database, pool_size=1, statement_timeout_seconds=settings.database_statement_timeout_seconds)
    try:
        async with engine.connect() as conn:
            if not await conn.run_sync(lambda sync: inspect(sync).has_table("revring_keys")):
                return (
                    None,
                    ("the database is reachable and has no workspaces yet: the bot sets it up when it first starts"),
                    "",
                )
            installed = (
                select(slack_bots.c.enterprise_id, slack_bots.c.team_id)
                .where(slack_bots.c.bot_token.is_not(None))
                .distinct()
                .subquery()
            )
            count = (await conn.execute(select(func.count()).select_from(installed))).scalar_one()
            stored = (await conn.execute(select(revring_keys.c.ciphertext))).scalars().all()
    except Exception as error:
        if not is_database_down(error):
            raise
        return (
            False,
            f"the database at {database.display()} cannot be reached ({type(error).__name__}).",
            ("check DATABASE_URL and that the database is running."),
        )
    finally:
        await engine.dispose()
    vault = KeyVault(settings.encryption_key or "")
    unreadable = sum(1 for ciphertext in stored if vault.decrypt(ciphertext) is None)
    detail = (
        f"{count} workspace{'s' if count != 1 else ''} installed, {len(stored)} with RevRing connected "
        f"(reachable at {database.display()})"
    )
    if unreadable:
        return (
            False,
            f"{detail}; ENCRYPTION_KEY cannot decrypt {unreadable} of the stored RevRing keys.",
            (
                "put back the key they were encrypted with (after the new one, comma-separated), or have those "
                "workspaces' admins connect RevRing again in the Home tab."
            ),
        )
    return True, detail, ""
