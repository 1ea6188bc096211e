"""The database's layout, its version number, and bringing an older database up to date.

`schema_version` holds one number. A bot upgrades an older database in place, one step at a time (the steps are in
bot.store.migrations), inside one transaction (on PostgreSQL under an advisory lock, so instances starting together
migrate it once); a database newer than this bot is refused with SchemaTooNew.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Double, Integer, MetaData, String, Table, Text, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.errors import SchemaTooNew
from bot.store.migrations import MIGRATIONS

# The tables as this version of the bot reads and writes them (bot.store.migrations creates them).
metadata = MetaData()
schema_version = Table("schema_version", metadata, Column("version", Integer, nullable=False))
pending = Table(
    "pending",
    metadata,
    Column("team_id", Text, primary_key=True),
    Column("channel_id", Text, primary_key=True),
    Column("user_id", Text, primary_key=True),
    Column("data", Text, nullable=False),
    Column("saved_at", Double, nullable=False),
)
recent_audio = Table(
    "recent_audio",
    metadata,
    Column("team_id", Text, primary_key=True),
    Column("channel_id", Text, primary_key=True),
    Column("user_id", Text, primary_key=True),
    Column("data", Text, nullable=False),
    Column("saved_at", Double, nullable=False),
)
claims = Table("claims", metadata, Column("key", Text, primary_key=True), Column("claimed_at", Double, nullable=False))
jobs = Table(
    "jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("team_id", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("file_id", Text, nullable=False),
    Column("request", Text, nullable=False),  # the CloneRequest as JSON: written once, never changed
    Column("stage", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("queued_at", Double, nullable=False),  # when it last joined the queue: admitted, or a Try again
    Column("updated_at", Double, nullable=False),
    Column("reply_channel", Text),
    Column("reply_ts", Text),
    Column("voice_id", Text),
    Column("voice_status", Text),
    Column("failure", Text),
    Column("answer", Text),  # JSON of the answer while Slack has not shown it; NULL otherwise
    Column("retries", Integer, nullable=False),
    Column("owner", Text),
    Column("lease_until", Double),
    Column("fence", Integer, nullable=False),
    Column("deleted_by", Text),
    Column("deleted_at", Double),  # the voice deleted from RevRing through the bot
    Column("permalink", Text),  # Slack's link to the job's message, kept once asked for
)
# Every start of a clone (a new job, or a Try again of one): what the hourly limit counts.
clone_starts = Table(
    "clone_starts",
    metadata,
    Column("job_id", Text, nullable=False),
    Column("team_id", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("started_at", Double, nullable=False),
    Column("retry", Integer, nullable=False),  # 1 for a Try again
)
# Designed voices' previews that can still be saved (`/clone-voice design`), each for an hour.
design_candidates = Table(
    "design_candidates",
    metadata,
    Column("id", Text, primary_key=True),
    Column("team_id", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("file_id", Text, nullable=False),
    Column("candidate_index", Integer, nullable=False),
    Column("channel_id", Text, nullable=False),
    Column("thread_ts", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False),
    Column("enterprise_id", Text),  # migration 7: so an org-wide uninstall finds them
)
# Every design asked of RevRing (migration 7): what DESIGNS_PER_HOUR counts.
design_starts = Table(
    "design_starts",
    metadata,
    Column("team_id", Text, nullable=False),
    Column("enterprise_id", Text),
    Column("user_id", Text, nullable=False),
    Column("started_at", Double, nullable=False),
)

# *Use in an agent*: each change of an agent's voice, and its *Undo*.
agent_changes = Table(
    "agent_changes",
    metadata,
    Column("id", Text, primary_key=True),
    Column("team_id", Text, nullable=False),
    Column("job_id", Text, nullable=False),
    Column("agent_id", Text, nullable=False),
    Column("agent_name", Text, nullable=False),
    Column("voice_id", Text, nullable=False),
    Column("previous_voice_id", Text),
    Column("changed_by", Text, nullable=False),
    Column("changed_at", Double, nullable=False),
    Column("undone_by", Text),
    Column("undone_at", Double),
)
# CONSENT (migration 8): the speaker's consent to each request, one row per job (bot.records.Consent).
consents = Table(
    "consents",
    metadata,
    Column("job_id", Text, primary_key=True),
    Column("team_id", Text, nullable=False),
    Column("enterprise_id", Text),
    Column("requested_by", Text, nullable=False),
    Column("speaker_id", Text),  # NULL: someone outside Slack
    Column("voice_name", Text, nullable=False),
    Column("mode", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("asked_at", Double, nullable=False),
    Column("expires_at", Double, nullable=False),
    Column("status", Text, nullable=False),
    Column("speaker_name", Text, nullable=False),
    Column("statement", Text, nullable=False),
    Column("dm_channel", Text),
    Column("dm_ts", Text),
    Column("button_offered", Integer, nullable=False),
    Column("way", Text),
    Column("decided_by", Text),
    Column("decided_at", Double),
    Column("clip_file_id", Text),
    Column("transcript", Text, nullable=False),
)
for _table in (pending, recent_audio, jobs):  # an Enterprise Grid org, so an org-wide uninstall finds its rows
    _table.append_column(Column("enterprise_id", Text))
# Distribution mode: each workspace's (or org's) RevRing key, encrypted (workspaces.key_vault); `owner` is the
# team id, or the enterprise id for an org-wide install.
revring_keys = Table(
    "revring_keys",
    metadata,
    Column("owner", Text, primary_key=True),
    Column("ciphertext", Text, nullable=False),
    Column("connected_by", Text, nullable=False),
    Column("connected_at", Double, nullable=False),
)
# Distribution mode: who first installed the app in each workspace (or org: `owner` as for keys). The installer
# privilege stays theirs across reinstalls by anyone else; an uninstall forgets it.
installers = Table(
    "installers",
    metadata,
    Column("owner", Text, primary_key=True),
    Column("user_id", Text, nullable=False),
)
# Distribution mode: slack_sdk's SQLAlchemy installation and OAuth state stores read and write these; the layout is
# theirs (slack_sdk 3.48), created by migration 5 (bot.store.migrations) so that it is versioned with the rest.
_SLACK_COMMON = (
    "client_id",
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "team_id",
    "team_name",
    "bot_token",
    "bot_id",
    "bot_user_id",
    "bot_scopes",
    "bot_refresh_token",
)
slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *(Column(name, String) for name in (*_SLACK_COMMON[:6], "enterprise_url", *_SLACK_COMMON[6:])),
    Column("bot_token_expires_at", DateTime),
    Column("user_id", String, nullable=False),
    Column("user_token", String),
    Column("user_scopes", String),
    Column("user_refresh_token", String),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String),
    Column("incoming_webhook_channel", String),
    Column("incoming_webhook_channel_id", String),
    Column("incoming_webhook_configuration_url", String),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String),
    Column("installed_at", DateTime, nullable=False),
)
slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    *(Column(name, String) for name in _SLACK_COMMON),
    Column("bot_token_expires_at", DateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
)
slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String, nullable=False),
    Column("expire_at", DateTime, nullable=False),
)

LATEST = len(MIGRATIONS)
# Held by the instance that is upgrading (pg_advisory_xact_lock's one-number key space; row locks use two numbers).
_MIGRATION_LOCK = 0x766F6963_65636C6E  # "voicecln"


async def read_version(conn: AsyncConnection) -> int:
    """The database's schema version; 0 for an empty database or a file from before versions (0.1.0)."""
    if not await conn.run_sync(lambda sync: inspect(sync).has_table("schema_version")):
        return 0
    return int((await conn.execute(text("SELECT MAX(version) FROM schema_version"))).scalar() or 0)


async def upgrade(conn: AsyncConnection, where: str) -> int:
    """Bring the database to LATEST inside the caller's transaction; return the version it had.

    Raises SchemaTooNew, naming `where`, when a newer bot has upgraded it past what this one knows.
    """
    if conn.dialect.name == "postgresql":
        # Instances that start together wait here for the first one, then find the work done.
        await conn.execute(text("SET LOCAL statement_timeout = 0"))
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    found = await read_version(conn)
    if found > LATEST:
        raise SchemaTooNew(
            f"The database at {where} has schema version {found} but this bot knows up to {LATEST}; "
            "upgrade the bot (or point DATABASE_URL at another database)."
        )
    for step in MIGRATIONS[found:]:
        await step(conn)
    if found < LATEST:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
        await conn.execute(text("DELETE FROM schema_version"))
        await conn.execute(schema_version.insert(), {"version": LATEST})
    return found
