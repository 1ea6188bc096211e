"""The steps that bring an older database up to date, one per schema version, in order: `MIGRATIONS[n - 1]` takes a
database from version n - 1 to n (bot.store.schema runs them and keeps the number). Each step is frozen once
released: a change is a new step at the end. They write plain SQL, so they stay as they were when the tables they
create change later.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection

# Types both SQLite and PostgreSQL read the same way (DOUBLE PRECISION: PostgreSQL's REAL is too coarse for epochs).
_LAYOUT_OF_0_1 = """
CREATE TABLE IF NOT EXISTS pending (
    team_id TEXT, channel_id TEXT, user_id TEXT, data TEXT NOT NULL, saved_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (team_id, channel_id, user_id));
CREATE TABLE IF NOT EXISTS recent_audio (
    team_id TEXT, channel_id TEXT, user_id TEXT, data TEXT NOT NULL, saved_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (team_id, channel_id, user_id));
CREATE TABLE IF NOT EXISTS claims (key TEXT PRIMARY KEY, claimed_at DOUBLE PRECISION NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, team_id TEXT NOT NULL, user_id TEXT NOT NULL, file_id TEXT NOT NULL,
    stage TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL,
    data TEXT NOT NULL, owner TEXT);
CREATE INDEX IF NOT EXISTS jobs_by_file ON jobs (team_id, file_id, created_at);
CREATE INDEX IF NOT EXISTS jobs_by_user ON jobs (team_id, user_id, created_at);
CREATE INDEX IF NOT EXISTS jobs_by_stage ON jobs (stage)
"""

_JOBS_IN_COLUMNS = """
CREATE TABLE jobs_v2 (
    id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL, file_id TEXT NOT NULL, request TEXT NOT NULL,
    stage TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL, queued_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL, reply_channel TEXT, reply_ts TEXT, voice_id TEXT, voice_status TEXT,
    failure TEXT, answer TEXT, retries INTEGER NOT NULL DEFAULT 0,
    owner TEXT, lease_until DOUBLE PRECISION, fence INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT jobs_pk PRIMARY KEY (id));
CREATE TABLE clone_starts (
    job_id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL,
    retry INTEGER NOT NULL)
"""

_JOBS_INDEXES = """
CREATE INDEX jobs_by_file ON jobs (team_id, file_id, created_at);
CREATE INDEX jobs_by_team ON jobs (team_id, created_at);
CREATE INDEX jobs_by_queue ON jobs (stage, queued_at);
CREATE INDEX clone_starts_by_user ON clone_starts (team_id, user_id, started_at);
CREATE INDEX clone_starts_by_job ON clone_starts (job_id)
"""


# {id} is the dialect's auto-numbered key; {time} its timestamp without a time zone (what slack_sdk writes).
_DISTRIBUTION = """
ALTER TABLE pending ADD COLUMN enterprise_id TEXT;
ALTER TABLE recent_audio ADD COLUMN enterprise_id TEXT;
ALTER TABLE jobs ADD COLUMN enterprise_id TEXT;
CREATE INDEX jobs_by_enterprise ON jobs (enterprise_id);
CREATE TABLE revring_keys (
    owner TEXT NOT NULL, ciphertext TEXT NOT NULL, connected_by TEXT NOT NULL,
    connected_at DOUBLE PRECISION NOT NULL, CONSTRAINT revring_keys_pk PRIMARY KEY (owner));
CREATE TABLE slack_installations (
    id {id}, client_id VARCHAR(32) NOT NULL, app_id VARCHAR(32) NOT NULL, enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200), enterprise_url VARCHAR(200), team_id VARCHAR(32), team_name VARCHAR(200),
    bot_token VARCHAR(200), bot_id VARCHAR(32), bot_user_id VARCHAR(32), bot_scopes VARCHAR(1000),
    bot_refresh_token VARCHAR(200), bot_token_expires_at {time}, user_id VARCHAR(32) NOT NULL,
    user_token VARCHAR(200), user_scopes VARCHAR(1000), user_refresh_token VARCHAR(200),
    user_token_expires_at {time}, incoming_webhook_url VARCHAR(200), incoming_webhook_channel VARCHAR(200),
    incoming_webhook_channel_id VARCHAR(200), incoming_webhook_configuration_url VARCHAR(200),
    is_enterprise_install BOOLEAN NOT NULL, token_type VARCHAR(32), installed_at {time} NOT NULL);
CREATE INDEX slack_installations_idx ON slack_installations (client_id, enterprise_id, team_id, user_id, installed_at);
CREATE TABLE slack_bots (
    id {id}, client_id VARCHAR(32) NOT NULL, app_id VARCHAR(32) NOT NULL, enterprise_id VARCHAR(32),
    enterprise_name VARCHAR(200), team_id VARCHAR(32), team_name VARCHAR(200), bot_token VARCHAR(200),
    bot_id VARCHAR(32), bot_user_id VARCHAR(32), bot_scopes VARCHAR(1000), bot_refresh_token VARCHAR(200),
    bot_token_expires_at {time}, is_enterprise_install BOOLEAN NOT NULL, installed_at {time} NOT NULL);
CREATE INDEX slack_bots_idx ON slack_bots (client_id, enterprise_id, team_id, installed_at);
CREATE TABLE slack_oauth_states (id {id}, state VARCHAR(200) NOT NULL, expire_at {time} NOT NULL);
CREATE INDEX slack_oauth_states_by_state ON slack_oauth_states (state)
"""


async def _script(conn: AsyncConnection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            await conn.execute(text(statement))


async def _1_layout_of_0_1(conn: AsyncConnection) -> None:
    """The tables of 0.1.0, which had no version number; a file from before jobs had an owner gets the column."""
    await _script(conn, _LAYOUT_OF_0_1)
    columns = await conn.run_sync(lambda sync: {c["name"] for c in inspect(sync).get_columns("jobs")})
    if "owner" not in columns:
        await conn.execute(text("ALTER TABLE jobs ADD COLUMN owner TEXT"))


async def _2_jobs_in_columns(conn: AsyncConnection) -> None:
    """Jobs in real columns instead of one JSON document (portable SQL, no json_each), leases and fences, and a
    row per clone start for the hourly limit."""
    await _script(conn, _JOBS_IN_COLUMNS)
    old = await conn.execute(text("SELECT data, owner, updated_at FROM jobs"))
    rows, starts = [], []
    for data, owner, updated_at in old.all():
        job = json.loads(data)
        request = job["request"]
        retried_at = [float(when) for when in job.get("retried_at") or ()]
        rows.append(
            {
                "id": job["id"],
                "team_id": request["team_id"],
                "user_id": request["user_id"],
                "file_id": request["file"]["id"],
                "request": json.dumps(request, separators=(",", ":")),
                "stage": job["stage"],
                "created_at": job["created_at"],
                "queued_at": max([job["created_at"], *retried_at]),
                "updated_at": updated_at,
                "reply_channel": job.get("reply_channel"),
                "reply_ts": job.get("reply_ts"),
                "voice_id": job.get("voice_id"),
                "voice_status": job.get("voice_status"),
                "failure": job.get("failure"),
                "answer": json.dumps(job["answer"], separators=(",", ":")) if job.get("answer") else None,
                "retries": int(job.get("retries") or 0),
                "owner": owner,
                # Whoever held it was an earlier run of the bot: its lease has run out.
                "lease_until": 0.0 if owner is not None else None,
                "fence": 1 if owner is not None else 0,
            }
        )
        starts.append(
            {
                "job_id": job["id"],
                "team_id": request["team_id"],
                "user_id": request["user_id"],
                "started_at": job["created_at"],
                "retry": 0,
            }
        )
        starts.extend({**starts[-1], "started_at": when, "retry": 1} for when in retried_at)
    if rows:
        await conn.execute(
            text(
                "INSERT INTO jobs_v2 (id, team_id, user_id, file_id, request, stage, created_at, queued_at, "
                "updated_at, reply_channel, reply_ts, voice_id, voice_status, failure, answer, retries, owner, "
                "lease_until, fence) "
                "VALUES (:id, :team_id, :user_id, :file_id, :request, :stage, :created_at, :queued_at, :updated_at, "
                ":reply_channel, :reply_ts, :voice_id, :voice_status, :failure, :answer, :retries, :owner, "
                ":lease_until, :fence)"
            ),
            rows,
        )
    if starts:
        await conn.execute(
            text(
                "INSERT INTO clone_starts (job_id, team_id, user_id, started_at, retry) "
                "VALUES (:job_id, :team_id, :user_id, :started_at, :retry)"
            ),
            starts,
        )
    await conn.execute(text("DROP TABLE jobs"))
    await conn.execute(text("ALTER TABLE jobs_v2 RENAME TO jobs"))
    await _script(conn, _JOBS_INDEXES)


_DESIGN_CANDIDATES = """
CREATE TABLE design_candidates (
    id TEXT NOT NULL, team_id TEXT NOT NULL, user_id TEXT NOT NULL, file_id TEXT NOT NULL,
    candidate_index INTEGER NOT NULL, channel_id TEXT NOT NULL, thread_ts TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION NOT NULL,
    CONSTRAINT design_candidates_pk PRIMARY KEY (id));
CREATE INDEX design_candidates_by_expiry ON design_candidates (expires_at)
"""


async def _3_design_candidates(conn: AsyncConnection) -> None:
    """Designed voices' previews, kept for an hour so that one can be saved as a voice."""
    await _script(conn, _DESIGN_CANDIDATES)


_LIBRARY = """
ALTER TABLE jobs ADD COLUMN deleted_by TEXT;
ALTER TABLE jobs ADD COLUMN deleted_at DOUBLE PRECISION;
ALTER TABLE jobs ADD COLUMN permalink TEXT;
CREATE TABLE agent_changes (
    id TEXT NOT NULL, team_id TEXT NOT NULL, job_id TEXT NOT NULL, agent_id TEXT NOT NULL, agent_name TEXT NOT NULL,
    voice_id TEXT NOT NULL, previous_voice_id TEXT, changed_by TEXT NOT NULL, changed_at DOUBLE PRECISION NOT NULL,
    undone_by TEXT, undone_at DOUBLE PRECISION,
    CONSTRAINT agent_changes_pk PRIMARY KEY (id));
CREATE INDEX agent_changes_by_job ON agent_changes (job_id)
"""


async def _4_library(conn: AsyncConnection) -> None:
    """The voice library: who deleted a voice and when, the link to each job's message, and agent changes (Undo)."""
    await _script(conn, _LIBRARY)


async def _5_distribution(conn: AsyncConnection) -> None:
    """Distribution mode: installations and OAuth states (slack_sdk's layout), RevRing keys per workspace, and the
    org of each waiting command, recent audio and job."""
    postgres = conn.dialect.name == "postgresql"
    await _script(
        conn,
        _DISTRIBUTION.format(
            id="SERIAL PRIMARY KEY" if postgres else "INTEGER PRIMARY KEY AUTOINCREMENT",
            time="TIMESTAMP WITHOUT TIME ZONE" if postgres else "DATETIME",
        ),
    )


async def _6_first_installers(conn: AsyncConnection) -> None:
    """Who first installed the app in each workspace (or org), so that a reinstall by someone else grants nothing:
    for the installations kept so far, the earliest one's installer (an uninstall deletes them all)."""
    await conn.execute(
        text(
            "CREATE TABLE installers (owner TEXT NOT NULL, user_id TEXT NOT NULL, "
            "CONSTRAINT installers_pk PRIMARY KEY (owner))"
        )
    )
    found = await conn.execute(
        text(
            "SELECT enterprise_id, team_id, is_enterprise_install, user_id "
            "FROM slack_installations ORDER BY installed_at, id"
        )
    )
    first: dict[str, str] = {}
    for enterprise_id, team_id, org_wide, user_id in found.all():
        owner = enterprise_id if org_wide else team_id
        if owner and user_id:
            first.setdefault(owner, user_id)
    if first:
        await conn.execute(
            text("INSERT INTO installers (owner, user_id) VALUES (:owner, :user_id)"),
            [{"owner": owner, "user_id": user_id} for owner, user_id in first.items()],
        )


_DESIGN_LIMITS = """
CREATE TABLE design_starts (
    team_id TEXT NOT NULL, enterprise_id TEXT, user_id TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL);
CREATE INDEX design_starts_by_user ON design_starts (team_id, user_id, started_at);
ALTER TABLE design_candidates ADD COLUMN enterprise_id TEXT
"""


async def _7_design_limits(conn: AsyncConnection) -> None:
    """DESIGNS_PER_HOUR: a row per design asked of RevRing; and the org of each design candidate (an uninstall)."""
    await _script(conn, _DESIGN_LIMITS)


_CONSENTS = """
CREATE TABLE consents (
    job_id TEXT NOT NULL, team_id TEXT NOT NULL, enterprise_id TEXT, requested_by TEXT NOT NULL, speaker_id TEXT,
    voice_name TEXT NOT NULL, mode TEXT NOT NULL, code TEXT NOT NULL, asked_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, speaker_name TEXT NOT NULL DEFAULT '',
    statement TEXT NOT NULL DEFAULT '', dm_channel TEXT, dm_ts TEXT, button_offered INTEGER NOT NULL DEFAULT 0,
    way TEXT, decided_by TEXT, decided_at DOUBLE PRECISION, clip_file_id TEXT, transcript TEXT NOT NULL DEFAULT '',
    CONSTRAINT consents_pk PRIMARY KEY (job_id));
CREATE INDEX consents_by_status ON consents (status, expires_at);
CREATE INDEX consents_by_speaker ON consents (team_id, speaker_id, status);
CREATE INDEX consents_by_clip ON consents (clip_file_id)
"""


async def _8_consents(conn: AsyncConnection) -> None:
    """CONSENT: the speaker's consent to each request, asked and answered, kept with its job as the audit trail."""
    await _script(conn, _CONSENTS)


MIGRATIONS: tuple[Callable[[AsyncConnection], Awaitable[None]], ...] = (
    _1_layout_of_0_1,
    _2_jobs_in_columns,
    _3_design_candidates,
    _4_library,
    _5_distribution,
    _6_first_installers,
    _7_design_limits,
    _8_consents,
)
