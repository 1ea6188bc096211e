"""The settings record: each setting read from one variable is declared once, on its field, with the variable, the
one default and what is accepted (`port: int = _number("PORT", 3000, 1, 65535)`). `from_env` reads the tokens and keys
first, then the declared fields in the order written; reading.py says how each kind is read and what is wrong."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from bot.cloning.audio import AudioLimits
from bot.config.reading import EVERY_WORKSPACE, HELP, ConfigError, Reader
from bot.recording import QualityCheck
from bot.store.database import (
    DEFAULT_POOL_SIZE,
    DEFAULT_SQLITE_FILE,
    DEFAULT_STATEMENT_TIMEOUT_SECONDS,
    Database,
    parse_database_url,
)

# Defaults that a sentence elsewhere quotes too (`check`, `clone --help`), so they have a name.
DEFAULT_REVRING_API_URL = "https://api.revring.ai/v1"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_LANGUAGE = "en"
DEFAULT_LOG_LEVEL = "info"


def _setting(default: Any, read: Callable[[Reader, Any], Any], *, shown: bool = True) -> Any:
    """A field `from_env` reads with `read(reader, default)`: the default is written here and nowhere else."""
    return field(default=default, repr=shown, metadata={"read": read})


def _number(name: str, default: int, low: int, high: int) -> Any:
    return _setting(default, lambda read, default: read.number(name, default, low, high))


def _flag(name: str, default: bool) -> Any:
    return _setting(default, lambda read, default: read.flag(name, default))


def _url(name: str, default: str, *, end: str = "") -> Any:
    return _setting(default, lambda read, default: read.url(name, default).rstrip("/") + end)


def _ids(name: str, prefixes: str, example: str, *, one: bool = False) -> Any:
    """Slack ids (`one`: at most one), none when unset."""
    if one:
        return _setting(None, lambda read, _: read.one_id(name, prefixes, example))
    return _setting(frozenset(), lambda read, _: read.ids(name, prefixes, example))


class AgentUpdates(StrEnum):
    """AGENT_UPDATES: who may give a voice to a RevRing agent from Slack (*Use in an agent*, and its *Undo*)."""

    ON = "on"  # the person who cloned the voice, and admins and owners
    ADMINS = "admins"  # admins and owners only
    OFF = "off"  # nobody: the button is hidden


class ConsentMode(StrEnum):
    """CONSENT: whose yes a clone waits for before anything is sent to RevRing."""

    OFF = "off"  # nobody's: the request alone (the dialog's checkbox)
    SPEAKER = "speaker"  # the speaker's, with a button
    RECORDED = "recorded"  # the speaker's, read aloud in a Slack clip that Slack's transcription matches


# The old true/false spellings keep working.
_AGENT_UPDATES = {
    **dict.fromkeys(("on", "true", "yes", "1"), AgentUpdates.ON),
    "admins": AgentUpdates.ADMINS,
    **dict.fromkeys(("off", "false", "no", "0"), AgentUpdates.OFF),
}


@dataclass(frozen=True, kw_only=True)
class CloneSettings:
    """What cloning a voice needs, Slack aside: all that `python -m bot clone` reads. Secrets never appear in repr()."""

    # None only in distribution mode, where each workspace may connect its own key.
    revring_api_key: str | None = field(repr=False)
    revring_api_url: str = _url("REVRING_API_URL", DEFAULT_REVRING_API_URL)
    revring_timeout_seconds: int = _number("REVRING_TIMEOUT", 120, 1, 900)
    default_language: str = _setting(
        DEFAULT_LANGUAGE, lambda read, default: read.language("REVRING_DEFAULT_LANGUAGE", default)
    )
    max_audio_mb: int = _number("MAX_AUDIO_MB", 25, 1, 1024)
    audio_limits: AudioLimits = _setting(  # noqa: RUF009 (frozen: one shared default is safe)
        AudioLimits(), lambda read, default: read.audio_limits(default)
    )
    # What a poor recording does: ask first (Clone anyway), clone with tips (warn), or no check (off).
    quality_check: QualityCheck = _setting(  # noqa: RUF009 (an enum member: immutable)
        QualityCheck.ASK, lambda read, default: read.enum_choice("QUALITY_CHECK", default)
    )

    @property
    def max_audio_bytes(self) -> int:
        return self.max_audio_mb * 1024 * 1024

    @property
    def secrets(self) -> list[str]:
        """Every secret setting that is set, for scrubbing them from logs."""
        return [self.revring_api_key] if self.revring_api_key else []

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CloneSettings:
        """Read only the settings a clone needs; raise ConfigError naming every bad one, one line each."""
        return cls._clone_settings(env, need_key=True)

    @classmethod
    def without_key_from_env(cls, env: Mapping[str, str] | None = None) -> CloneSettings:
        """The same settings with the key optional: all `python -m bot inspect` needs is the audio settings."""
        return cls._clone_settings(env, need_key=False)

    @classmethod
    def _clone_settings(cls, env: Mapping[str, str] | None, *, need_key: bool) -> CloneSettings:
        read = Reader(os.environ if env is None else env)
        values: dict[str, Any] = {"revring_api_key": read.secret("REVRING_API_KEY", required=need_key)}
        values.update(read.declared(cls, skip=values))
        if read.problems:
            raise ConfigError(read.problems)
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class Settings(CloneSettings):
    """Everything the bot needs to run: what a clone needs, and Slack; secrets never appear in repr()."""

    # None in distribution mode: each workspace's token comes from its installation.
    slack_bot_token: str | None = field(repr=False)
    # None only in Socket Mode, which does not use it.
    slack_signing_secret: str | None = field(repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str = _url("SLACK_API_URL", DEFAULT_SLACK_API_URL, end="/")
    slack_api_url_is_custom: bool = False
    port: int = _number("PORT", 3000, 1, 65535)
    database_url: str = _setting(  # may hold a password
        f"sqlite:///{DEFAULT_SQLITE_FILE}",
        lambda read, default: read.database_url("DATABASE_URL", default),
        shown=False,
    )
    database_pool_size: int = _number("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE, 1, 1000)
    database_statement_timeout_seconds: int = _number(
        "DATABASE_STATEMENT_TIMEOUT_SECONDS", int(DEFAULT_STATEMENT_TIMEOUT_SECONDS), 1, 3600
    )
    max_concurrent_clones: int = _number("MAX_CONCURRENT_CLONES", 4, 1, 256)
    clones_per_hour: int = _number("CLONES_PER_HOUR", 10, 1, 10000)
    designs_per_hour: int = _number("DESIGNS_PER_HOUR", 10, 1, 10000)  # per person, like CLONES_PER_HOUR
    shutdown_grace_seconds: int = _number("SHUTDOWN_GRACE_SECONDS", 25, 0, 3600)
    shutdown_drain_seconds: int = _number("SHUTDOWN_DRAIN_SECONDS", 0, 0, 3600)
    pending_minutes: int = 10  # not read from the environment
    allow_external_users: bool = _flag("ALLOW_EXTERNAL_USERS", False)
    allowed_user_ids: frozenset[str] = _ids("ALLOWED_USER_IDS", "UW", "U0123ABCD")
    allowed_usergroup_id: str | None = _ids("ALLOWED_USERGROUP_ID", "S", "S0123ABCD", one=True)
    allowed_channel_ids: frozenset[str] = _ids("ALLOWED_CHANNEL_IDS", "CGD", "C0123ABCD")
    access_contact: str | None = _setting(None, lambda read, _: (read.get("ACCESS_CONTACT") or "")[:200] or None)
    job_retention_days: int = _number("JOB_RETENTION_DAYS", 90, 1, 3650)
    job_lease_seconds: int = _number("JOB_LEASE_SECONDS", 30, 5, 3600)
    # A Workflow Builder step's clone that waited this long for a slot fails the step (Slack's step token lasts 15 min).
    step_queue_seconds: int = _number("STEP_QUEUE_SECONDS", 300, 0, 600)
    agent_updates_mode: AgentUpdates = _setting(  # noqa: RUF009 (an enum member: immutable)
        AgentUpdates.ON,
        lambda read, default: read.choice("AGENT_UPDATES", default, _AGENT_UPDATES, "on, admins or off"),
    )
    consent: ConsentMode = _setting(  # noqa: RUF009 (an enum member: immutable)
        ConsentMode.OFF, lambda read, default: read.enum_choice("CONSENT", default)
    )
    consent_hours: int = _number("CONSENT_HOURS", 24, 1, 720)  # how long a request waits for the speaker
    # Distribution mode: the team and enterprise ids REVRING_API_KEY serves (EVERY_WORKSPACE: any); none when unset.
    revring_api_key_workspaces: frozenset[str] = _setting(
        frozenset(), lambda read, _: read.workspace_ids("REVRING_API_KEY_WORKSPACES")
    )
    # Both from LOG_LEVEL (default DEFAULT_LOG_LEVEL), read last.
    log_level: int
    library_log_level: int
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    encryption_key: str | None = field(default=None, repr=False)

    @property
    def distribution(self) -> bool:
        """Any workspace installs the app through OAuth; tokens and RevRing keys are kept per workspace."""
        return self.slack_bot_token is None

    @property
    def agent_updates(self) -> bool:
        """*Use in an agent* is offered (AGENT_UPDATES on or admins); who may use it is `agent_updates_mode`'s."""
        return self.agent_updates_mode is not AgentUpdates.OFF

    @property
    def server_key_workspaces(self) -> frozenset[str] | None:
        """The team and enterprise ids REVRING_API_KEY serves when they have no key of their own: None for any (one
        workspace, or `*`); in distribution mode none unless REVRING_API_KEY_WORKSPACES lists them."""
        if not self.distribution or EVERY_WORKSPACE in self.revring_api_key_workspaces:
            return None
        return self.revring_api_key_workspaces

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def slack_token_hosts(self) -> frozenset[str]:
        """Extra hosts (besides slack.com and *.slack.com) that may receive the bot token."""
        if not self.slack_api_url_is_custom:
            return frozenset()
        return frozenset({urlsplit(self.slack_api_url).hostname or ""})

    @property
    def database(self) -> Database:
        """DATABASE_URL read: SQLite (`sqlite_path`) or PostgreSQL, and how it may be shown (`display()`)."""
        return parse_database_url(self.database_url)

    @property
    def secrets(self) -> list[str]:
        """Every secret setting that is set, for scrubbing them from logs (a database password among them)."""
        password = self.database.url.password
        values = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.revring_api_key,
            self.slack_app_token,
            password if isinstance(password, str) else None,
            self.slack_client_secret,
            *(self.encryption_key or "").split(","),
        )
        return [value.strip() for value in values if value and value.strip()]

    @property
    def warnings(self) -> list[str]:
        """Settings that work now but will not, or not as one may expect, once something else changes; one line each."""
        warnings = []
        if self.slack_signing_secret is None:
            warnings.append(
                "SLACK_SIGNING_SECRET is not set: Socket Mode does not need it, but HTTP mode (no SLACK_APP_TOKEN) "
                f"will, and /slack/events is not served without it. It is {HELP['SLACK_SIGNING_SECRET']}."
            )
        if not self.distribution and self.revring_api_key_workspaces:
            warnings.append(
                "REVRING_API_KEY_WORKSPACES applies only in distribution mode: with SLACK_BOT_TOKEN, "
                "REVRING_API_KEY serves the one workspace."
            )
        if self.distribution and self.revring_api_key and not self.revring_api_key_workspaces:
            warnings.append(
                "REVRING_API_KEY is set but serves no workspace, since REVRING_API_KEY_WORKSPACES is not: each "
                "workspace connects its own key in the Home tab. To lend it, list team or enterprise ids in "
                "REVRING_API_KEY_WORKSPACES (or * for every workspace that installs the app)."
            )
        return warnings

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment; raise ConfigError naming every bad variable, one line each."""
        read = Reader(os.environ if env is None else env)
        socket_mode = read.get("SLACK_APP_TOKEN") is not None
        mode = read.mode()
        values: dict[str, Any] = dict(
            # Mixed settings are one problem already (said by `mode`); a missing token is not another.
            slack_bot_token=read.secret("SLACK_BOT_TOKEN", prefix="xoxb-") if mode == "single" else None,
            # Socket Mode receives Slack's requests over its own authenticated websocket: no signature to check.
            slack_signing_secret=read.secret(
                "SLACK_SIGNING_SECRET",
                pattern=r"[0-9a-fA-F]{16,128}",
                shape="it is a string of hex digits",
                required=not socket_mode,
            ),
            slack_app_token=read.secret("SLACK_APP_TOKEN", prefix="xapp-", required=False),
            **read.declared(cls, only=("slack_api_url",)),
            slack_api_url_is_custom=read.get("SLACK_API_URL") is not None,
            revring_api_key=read.secret("REVRING_API_KEY", required=mode == "single"),
        )
        values.update(read.declared(cls, skip=values))
        if mode == "distribution":
            values.update(
                slack_client_id=read.secret(
                    "SLACK_CLIENT_ID",
                    pattern=r"[0-9]+\.[0-9]+",
                    shape="it is two numbers joined by a dot, such as 1234567890.9876543210",
                ),
                slack_client_secret=read.secret(
                    "SLACK_CLIENT_SECRET", pattern=r"[0-9a-fA-F]{16,128}", shape="it is a string of hex digits"
                ),
                encryption_key=read.fernet_keys("ENCRYPTION_KEY"),
            )
            if values["revring_api_key_workspaces"] and not values["revring_api_key"]:
                read.problems.append(
                    "REVRING_API_KEY_WORKSPACES lists the workspaces REVRING_API_KEY serves, but "
                    "REVRING_API_KEY is not set: set it, or remove REVRING_API_KEY_WORKSPACES."
                )
        values["log_level"], values["library_log_level"] = read.log_levels("LOG_LEVEL", DEFAULT_LOG_LEVEL)
        if read.problems:
            raise ConfigError(read.problems)
        return cls(**values)


def display_url(url: str) -> str:
    """The URL without any user:password@ part, so a credential in a URL never reaches the terminal."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
