"""Every setting the bot reads, with its default and the sentence shown when it is wrong."""

from __future__ import annotations

import itertools
import logging
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from cryptography.fernet import Fernet

from bot.cloning.audio import AudioLimits
from bot.store.database import DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_SECONDS, Database, parse_database_url

DEFAULT_REVRING_API_URL = "https://api.revring.ai/v1"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_LANGUAGE = "en"
DEFAULT_MAX_AUDIO_MB = 25
DEFAULT_DATABASE_URL = "sqlite:///voice-cloner.sqlite3"

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

# LOG_LEVEL: our own lines at that level; the libraries' (aiosqlite, slack_sdk, aiohttp, asyncio) stay at warning
# unless `debug-all` asks for their debug lines too.
LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
DEBUG_ALL = "debug-all"

_WHERE_SLACK = "your Slack app's settings at https://api.slack.com/apps"
_HELP = {
    "SLACK_BOT_TOKEN": f"the Bot User OAuth Token (xoxb-...) under OAuth & Permissions in {_WHERE_SLACK}",
    "SLACK_SIGNING_SECRET": f"the Signing Secret under Basic Information in {_WHERE_SLACK}",
    "SLACK_APP_TOKEN": (
        f"an App-Level Token (xapp-...) with connections:write under Basic Information in {_WHERE_SLACK}"
        ", or leave it unset to run in HTTP mode"
    ),
    "REVRING_API_KEY": "an API key from the RevRing dashboard (Settings > API keys)",
    "SLACK_CLIENT_ID": f"the Client ID under Basic Information > App Credentials in {_WHERE_SLACK}",
    "SLACK_CLIENT_SECRET": f"the Client Secret under Basic Information > App Credentials in {_WHERE_SLACK}",
    "ENCRYPTION_KEY": (
        "one or more Fernet keys separated by commas (the first encrypts new values); make one with "
        "python -c \"from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\""
    ),
}
# Distribution mode (any workspace installs the app through OAuth) needs all of these and no SLACK_BOT_TOKEN.
DISTRIBUTION_SETTINGS = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "ENCRYPTION_KEY")
_NOT_NEEDED_WHEN = {"SLACK_SIGNING_SECRET": " (HTTP mode needs it; Socket Mode, with SLACK_APP_TOKEN set, does not)"}
# The audio length settings, shortest first; each must be at most the next.
_AUDIO_ORDER = ("MIN_AUDIO_SECONDS", "IDEAL_MIN_AUDIO_SECONDS", "IDEAL_MAX_AUDIO_SECONDS", "MAX_AUDIO_SECONDS")


class ConfigError(Exception):
    """Settings are missing or malformed: `problems` holds one line for each, meant for the person starting the bot."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True, kw_only=True)
class CloneSettings:
    """What cloning a voice needs, Slack aside: all that `python -m bot clone` reads. Secrets never appear in repr()."""

    # None only in distribution mode, where each workspace may connect its own key.
    revring_api_key: str | None = field(repr=False)
    revring_api_url: str = DEFAULT_REVRING_API_URL
    revring_timeout_seconds: int = 120
    default_language: str = DEFAULT_LANGUAGE
    max_audio_mb: int = DEFAULT_MAX_AUDIO_MB
    audio_limits: AudioLimits = field(default_factory=AudioLimits)

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
        read = _Reader(os.environ if env is None else env)
        values = _clone_values(read)
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
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_api_url_is_custom: bool = False
    port: int = DEFAULT_PORT
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)  # may hold a password
    database_pool_size: int = DEFAULT_POOL_SIZE
    database_statement_timeout_seconds: int = int(DEFAULT_STATEMENT_TIMEOUT_SECONDS)
    max_concurrent_clones: int = 4
    clones_per_hour: int = 10
    shutdown_grace_seconds: int = 25
    shutdown_drain_seconds: int = 0
    pending_minutes: int = 10
    allow_external_users: bool = False
    allowed_user_ids: frozenset[str] = frozenset()
    allowed_channel_ids: frozenset[str] = frozenset()
    allowed_usergroup_id: str | None = None
    access_contact: str | None = None
    job_retention_days: int = 90
    job_lease_seconds: int = 30
    agent_updates: bool = True  # *Use in an agent* (AGENT_UPDATES=off hides it for everyone)
    log_level: int = logging.INFO
    library_log_level: int = logging.WARNING
    slack_client_id: str | None = None
    slack_client_secret: str | None = field(default=None, repr=False)
    encryption_key: str | None = field(default=None, repr=False)

    @property
    def distribution(self) -> bool:
        """Any workspace installs the app through OAuth; tokens and RevRing keys are kept per workspace."""
        return self.slack_bot_token is None

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
        values = (self.slack_bot_token, self.slack_signing_secret, self.revring_api_key, self.slack_app_token,
                  password if isinstance(password, str) else None, self.slack_client_secret,
                  *(self.encryption_key or "").split(","))
        return [value.strip() for value in values if value and value.strip()]

    @property
    def warnings(self) -> list[str]:
        """Settings that work now but will not once something else changes; one line each."""
        if self.slack_signing_secret is None:
            return [
                "SLACK_SIGNING_SECRET is not set: Socket Mode does not need it, but HTTP mode (no SLACK_APP_TOKEN) "
                f"will, and /slack/events is not served without it. It is {_HELP['SLACK_SIGNING_SECRET']}."
            ]
        return []

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment; raise ConfigError naming every bad variable, one line each."""
        read = _Reader(os.environ if env is None else env)
        socket_mode = read.get("SLACK_APP_TOKEN") is not None
        mode = read.mode()
        distribution = mode == "distribution"
        values = dict(
            # Mixed settings are one problem already (said by `mode`); a missing token is not another.
            slack_bot_token=read.secret("SLACK_BOT_TOKEN", prefix="xoxb-") if mode == "single" else None,
            # Socket Mode receives Slack's requests over its own authenticated websocket: no signature to check.
            slack_signing_secret=read.secret("SLACK_SIGNING_SECRET", pattern=r"[0-9a-fA-F]{16,128}",
                                             shape="it is a string of hex digits", required=not socket_mode),
            slack_app_token=read.secret("SLACK_APP_TOKEN", prefix="xapp-", required=False),
            slack_api_url=read.url("SLACK_API_URL", DEFAULT_SLACK_API_URL).rstrip("/") + "/",
            slack_api_url_is_custom=read.get("SLACK_API_URL") is not None,
            **_clone_values(read, revring_key_required=mode == "single"),
            port=read.number("PORT", DEFAULT_PORT, 1, 65535),
            database_url=read.database_url("DATABASE_URL"),
            database_pool_size=read.number("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE, 1, 1000),
            database_statement_timeout_seconds=read.number(
                "DATABASE_STATEMENT_TIMEOUT_SECONDS", int(DEFAULT_STATEMENT_TIMEOUT_SECONDS), 1, 3600
            ),
            max_concurrent_clones=read.number("MAX_CONCURRENT_CLONES", 4, 1, 256),
            clones_per_hour=read.number("CLONES_PER_HOUR", 10, 1, 10000),
            shutdown_grace_seconds=read.number("SHUTDOWN_GRACE_SECONDS", 25, 0, 3600),
            shutdown_drain_seconds=read.number("SHUTDOWN_DRAIN_SECONDS", 0, 0, 3600),
            allow_external_users=read.flag("ALLOW_EXTERNAL_USERS"),
            allowed_user_ids=read.ids("ALLOWED_USER_IDS", "UW", "U0123ABCD"),
            allowed_usergroup_id=read.one_id("ALLOWED_USERGROUP_ID", "S", "S0123ABCD"),
            allowed_channel_ids=read.ids("ALLOWED_CHANNEL_IDS", "CGD", "C0123ABCD"),
            access_contact=(read.get("ACCESS_CONTACT") or "")[:200] or None,
            job_retention_days=read.number("JOB_RETENTION_DAYS", 90, 1, 3650),
            job_lease_seconds=read.number("JOB_LEASE_SECONDS", 30, 5, 3600),
            agent_updates=read.flag("AGENT_UPDATES", default=True),
        )
        if distribution:
            values.update(
                slack_client_id=read.secret("SLACK_CLIENT_ID", pattern=r"[0-9]+\.[0-9]+",
                                            shape="it is two numbers joined by a dot, such as 1234567890.9876543210"),
                slack_client_secret=read.secret("SLACK_CLIENT_SECRET", pattern=r"[0-9a-fA-F]{16,128}",
                                                shape="it is a string of hex digits"),
                encryption_key=read.fernet_keys("ENCRYPTION_KEY"),
            )
        values["log_level"], values["library_log_level"] = read.log_levels()
        if read.problems:
            raise ConfigError(read.problems)
        return cls(**values)  # type: ignore[arg-type]


def _clone_values(read: _Reader, *, revring_key_required: bool = True) -> dict[str, Any]:
    """The settings of `CloneSettings`, read the same way for the bot and for `python -m bot clone`."""
    return dict(
        revring_api_key=read.secret("REVRING_API_KEY", required=revring_key_required),
        revring_api_url=read.url("REVRING_API_URL", DEFAULT_REVRING_API_URL).rstrip("/"),
        revring_timeout_seconds=read.number("REVRING_TIMEOUT", 120, 1, 900),
        default_language=read.language("REVRING_DEFAULT_LANGUAGE"),
        max_audio_mb=read.number("MAX_AUDIO_MB", DEFAULT_MAX_AUDIO_MB, 1, 1024),
        audio_limits=read.audio_limits(),
    )


def display_url(url: str) -> str:
    """The URL without any user:password@ part, so a credential in a URL never reaches the terminal."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _listed(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _shown(raw: str) -> str:
    """A non-secret value as given, quoted and cut short, for an error line."""
    return repr(raw if len(raw) <= 40 else raw[:40] + "...")


class _Reader:
    """Reads one setting at a time; a bad one is noted in `problems` (and its default used) so all are told at once."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def get(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def secret(self, name: str, *, prefix: str = "", pattern: str = "", shape: str = "",
               required: bool = True) -> str | None:
        """A token or key. Its value never appears in a message."""
        value = self.get(name)
        if value is None:
            if required:
                self.problems.append(
                    f"{name} is not set{_NOT_NEEDED_WHEN.get(name, '')}. Set it in .env or the environment: "
                    f"{_HELP[name]}."
                )
            return None
        if (prefix and not value.startswith(prefix)) or (pattern and not re.fullmatch(pattern, value)):
            why = shape or f"it should start with {prefix!r}"
            self.problems.append(f"{name} does not look right ({why}). Use {_HELP[name]}.")
        return value

    def mode(self) -> str:
        """"single" (one workspace, SLACK_BOT_TOKEN), "distribution" (OAuth), or "mixed": both kinds of settings, or
        only some of distribution's, which is one problem that says what to add or remove."""
        token = self.get("SLACK_BOT_TOKEN") is not None
        given = [name for name in DISTRIBUTION_SETTINGS if self.get(name) is not None]
        missing = [name for name in DISTRIBUTION_SETTINGS if name not in given]
        if token and given:
            self.problems.append(
                f"SLACK_BOT_TOKEN (one workspace) and {_listed(given)} (distribution to many workspaces) are both "
                f"set: remove {_listed(given)} to run in one workspace, or remove SLACK_BOT_TOKEN to distribute."
            )
            return "mixed"
        if given and missing:
            where = f" ({_HELP[missing[0]]})" if len(missing) == 1 else ""
            self.problems.append(
                f"Distribution mode needs {_listed(DISTRIBUTION_SETTINGS)}: add {_listed(missing)}{where}, or remove "
                f"{_listed(given)} and set SLACK_BOT_TOKEN to run in one workspace."
            )
            return "mixed"
        if given and self.get("SLACK_APP_TOKEN") is not None:
            self.problems.append(
                "Distribution mode serves the install pages and Slack's requests over HTTP: remove SLACK_APP_TOKEN."
            )
        return "distribution" if given else "single"

    def fernet_keys(self, name: str) -> str | None:
        """One or more Fernet keys, comma-separated. Their values never appear in a message."""
        value = self.secret(name)
        if value is None:
            return None
        parts = [part.strip() for part in value.split(",")]
        for number, part in enumerate(parts, 1):
            try:
                Fernet(part.encode())
            except ValueError:
                self.problems.append(
                    f"{name}: key {number} of {len(parts)} is not a Fernet key (32 bytes in URL-safe base64, "
                    f"44 characters). Use {_HELP[name]}."
                )
                return None
        return ",".join(parts)

    def url(self, name: str, default: str) -> str:
        value = self.get(name) or default
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.problems.append(f"{name} must be an http(s) URL such as {default}.")
            return default
        return value

    def number(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.get(name)
        if raw is None:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.problems.append(
                f"{name} must be a whole number from {low} to {high} (default {default}); it is {_shown(raw)}."
            )
            return default
        return int(raw)

    def language(self, name: str) -> str:
        language = (self.get(name) or DEFAULT_LANGUAGE).lower()
        if not LANGUAGE_PATTERN.fullmatch(language):
            self.problems.append(f"{name} must be a language code such as en, es or pt-BR; it is {_shown(language)}.")
            return DEFAULT_LANGUAGE
        return language

    def flag(self, name: str, *, default: bool = False) -> bool:
        raw = self.get(name)
        if raw is None:
            return default
        if raw.lower() in ("0", "false", "no", "off"):
            return False
        if raw.lower() in ("1", "true", "yes", "on"):
            return True
        self.problems.append(f"{name} must be true or false; it is {_shown(raw)}.")
        return False

    def ids(self, name: str, prefixes: str, example: str) -> frozenset[str]:
        """A comma- or space-separated list of Slack ids, such as `U0123ABCD, U0456EFGH`."""
        raw = self.get(name)
        if raw is None:
            return frozenset()
        ids = frozenset(part for part in re.split(r"[\s,]+", raw) if part)
        for slack_id in sorted(ids):
            if not re.fullmatch(rf"[{prefixes}][A-Z0-9]{{2,20}}", slack_id):
                self.problems.append(
                    f"{name} must list Slack ids such as {example} (copy one from a profile or channel's details); "
                    f"{slack_id[:30]!r} isn't one."
                )
                return frozenset()
        return ids

    def one_id(self, name: str, prefixes: str, example: str) -> str | None:
        ids = self.ids(name, prefixes, example)
        if len(ids) > 1:
            self.problems.append(f"{name} takes one id, such as {example}.")
            return None
        return next(iter(ids), None)

    def database_url(self, name: str) -> str:
        """`postgresql://…` / `postgres://…`, `sqlite:///relative.db`, `sqlite:////absolute.db`, a plain file path,
        or unset (the SQLite file voice-cloner.sqlite3): checked here, opened by the store. Never shown: it may
        hold a password."""
        url = self.get(name)
        try:
            parse_database_url(url)
        except ValueError as error:
            self.problems.append(str(error))
        return url or DEFAULT_DATABASE_URL

    def audio_limits(self) -> AudioLimits:
        defaults = AudioLimits()
        before = len(self.problems)
        given = {name: self.get(name) is not None for name in (*_AUDIO_ORDER, "EXCERPT_SECONDS")}
        seconds = {
            name: self.number(name, int(getattr(defaults, attribute)), 1, 3600)
            for name, attribute in (
                ("MIN_AUDIO_SECONDS", "min_seconds"),
                ("IDEAL_MIN_AUDIO_SECONDS", "ideal_min_seconds"),
                ("IDEAL_MAX_AUDIO_SECONDS", "ideal_max_seconds"),
                ("MAX_AUDIO_SECONDS", "max_seconds"),
                ("EXCERPT_SECONDS", "excerpt_seconds"),
            )
        }
        if len(self.problems) > before:
            return defaults  # a number is bad: its order against the others means nothing yet

        def shown(name: str) -> str:
            return f"{name} ({seconds[name]}{'' if given[name] else ', the default'})"

        order = " <= ".join(_AUDIO_ORDER)
        for shorter, longer in itertools.pairwise(_AUDIO_ORDER):
            if seconds[shorter] > seconds[longer]:
                self.problems.append(f"{shown(shorter)} is more than {shown(longer)}; they must go {order}.")
        excerpt, low, high = seconds["EXCERPT_SECONDS"], seconds["MIN_AUDIO_SECONDS"], seconds["MAX_AUDIO_SECONDS"]
        if not low <= excerpt <= high:
            self.problems.append(
                f"{shown('EXCERPT_SECONDS')} must lie between {shown('MIN_AUDIO_SECONDS')} and "
                f"{shown('MAX_AUDIO_SECONDS')}."
            )
        if len(self.problems) > before:
            return defaults
        return AudioLimits(
            min_seconds=low,
            ideal_min_seconds=seconds["IDEAL_MIN_AUDIO_SECONDS"],
            ideal_max_seconds=seconds["IDEAL_MAX_AUDIO_SECONDS"],
            max_seconds=high,
            excerpt_seconds=excerpt,
        )

    def log_levels(self) -> tuple[int, int]:
        """(our level, the libraries' level) from LOG_LEVEL."""
        raw = (self.get("LOG_LEVEL") or "info").lower()
        if raw == DEBUG_ALL:
            return logging.DEBUG, logging.DEBUG
        if raw not in LOG_LEVELS:
            self.problems.append(
                f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)} or {DEBUG_ALL} (default info); it is {_shown(raw)}."
            )
            return logging.INFO, logging.WARNING
        return LOG_LEVELS[raw], max(LOG_LEVELS[raw], logging.WARNING)
