"""Can the bot use the PostgreSQL database named by DATABASE_URL? Asked by `python -m bot check`.

Changes nothing: it connects, reads the schema version and asks PostgreSQL what the user may do, in one read-only
transaction that is rolled back. Every line names the database with its password masked, and no driver message
(which could quote the URL) is ever shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import inspect, text

from bot.store.database import Database, create_engine
from bot.store.schema import LATEST, metadata, read_version

_TABLE_RIGHTS = ("SELECT", "INSERT", "UPDATE", "DELETE")
# has_table_privilege is true when ANY of several listed rights is held: each is asked on its own.
_HAS_EVERY_RIGHT = text(
    "SELECT " + " AND ".join(f"has_table_privilege(current_user, :t, '{right}')" for right in _TABLE_RIGHTS)
)
_GRANT = "GRANT USAGE, CREATE ON SCHEMA {schema} TO {user}"


@dataclass(frozen=True)
class Verdict:
    """`detail` says where the database is and what was found; `fix` what to do when it cannot be used."""

    usable: bool
    detail: str
    fix: str = ""


async def probe(database: Database, timeout_seconds: float) -> Verdict:
    where = f"PostgreSQL at {database.display()}"
    engine = create_engine(database, pool_size=1, statement_timeout_seconds=timeout_seconds)
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SET TRANSACTION READ ONLY"))
            # No schema at all when the user may not use any on its search path: the bot's would be public.
            user, schema = (await conn.execute(text("SELECT current_user, coalesce(current_schema(), 'public')"))).one()
            may_create = bool(
                (
                    await conn.execute(
                        text(
                            "SELECT has_schema_privilege(current_user, :s, 'USAGE') "
                            "AND has_schema_privilege(current_user, :s, 'CREATE')"
                        ),
                        {"s": schema},
                    )
                ).scalar()
            )
            tables = set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
            version = await read_version(conn)
            missing_rights = [
                name
                for name in sorted(tables & set(metadata.tables))
                if not (await conn.execute(_HAS_EVERY_RIGHT, {"t": f"{schema}.{name}"})).scalar()
            ]
            await conn.rollback()
    except Exception as error:  # whatever the driver raised, the operator is told what to look at
        return _cannot_connect(where, database, error)
    finally:
        await engine.dispose()
    grant = _GRANT.format(schema=schema, user=user)
    if version > LATEST:
        return Verdict(
            False,
            f"{where} has schema version {version}, newer than this bot knows ({LATEST}).",
            "upgrade the bot to the version the other instances run (or point DATABASE_URL elsewhere).",
        )
    if missing_rights:
        return Verdict(
            False,
            f"{where}: user {user} may not read and write the table(s) {', '.join(missing_rights)}.",
            f"GRANT {', '.join(_TABLE_RIGHTS)} ON ALL TABLES IN SCHEMA {schema} TO {user}.",
        )
    if version == LATEST:
        return Verdict(True, f"{where} reachable as {user}; schema version {version}, up to date.")
    if not tables:
        found, then, refused = "no tables yet", "the bot creates them on first start", "cannot create its tables"
    else:
        found, then = f"schema version {version}", f"upgraded to {LATEST} on the next start"
        refused = "cannot upgrade it"
    if not may_create:
        return Verdict(
            False,
            f"{where} reachable as {user}, {found}, but {user} may not create tables in schema "
            f"{schema}: the bot {refused}.",
            f"as the database's owner run `{grant};` (PostgreSQL 15 and later no longer let every "
            "user create tables in public), or start the bot once as the owner.",
        )
    return Verdict(True, f"{where} reachable as {user}; {found}: {then}.")


def _cannot_connect(where: str, database: Database, error: BaseException) -> Verdict:
    sqlstate = _sqlstate(error)
    user, name = database.url.username or "(the default user)", database.url.database
    if sqlstate.startswith("28"):  # invalid authorization: a wrong password, or no such role
        return Verdict(
            False,
            f"{where} refused the user {user} (wrong password, or no such user).",
            "check the user and password in DATABASE_URL (postgresql://USER:PASSWORD@HOST:PORT/DB).",
        )
    if sqlstate == "3D000":
        return Verdict(
            False,
            f"{where}: there is no database {name}.",
            f"create it (`createdb {name}`, or CREATE DATABASE {name} as a superuser), or fix the name "
            "in DATABASE_URL.",
        )
    reason = type(getattr(error, "orig", None) or error).__name__
    return Verdict(
        False,
        f"{where} cannot be reached ({reason}).",
        "start PostgreSQL, or check the host and port in DATABASE_URL and that this machine may reach "
        "them (firewall, pg_hba.conf).",
    )


def _sqlstate(error: BaseException) -> str:
    """PostgreSQL's SQLSTATE of `error` (asyncpg's, under SQLAlchemy's wrappers), or ""."""
    seen: BaseException | None = error
    for _ in range(6):
        if seen is None:
            break
        code = getattr(seen, "sqlstate", None)
        if isinstance(code, str):
            return code
        seen = getattr(seen, "orig", None) or seen.__cause__
    return ""
