"""Every setting the bot reads, with its default and the sentence shown when it is wrong."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from bot.audio import AudioLimits
from bot.store.database import DEFAULT_POOL_SIZE, DEFAULT_STATEMENT_TIMEOUT_SECONDS, parse_database_url

DEFAULT_REVRING_API_URL = "https://api.revring.ai/v1"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_PORT = 3000
DEFAULT_LANGUAGE = "en"
DEFAULT_MAX_AUDIO_MB = 25

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

_WHERE_SLACK = "your Slack app's settings at https://api.slack.com/apps"
_HELP = {
    "SLACK_BOT_TOKEN": f"the Bot User OAuth Token (xoxb-...) under OAuth & Permissions in {_WHERE_SLACK}",
    "SLACK_SIGNING_SECRET": f"the Signing Secret under Basic Information in {_WHERE_SLACK}",
    "SLACK_APP_TOKEN": (
        f"an App-Level Token (xapp-...) with connections:write under Basic Information in {_WHERE_SLACK}"
        ", or leave it unset to run in HTTP mode"
    ),
    "REVRING_API_KEY": "an API key from the RevRing dashboard (Settings > API keys)",
}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line meant for the person starting the bot."""


@dataclass(frozen=True)
class Settings:
    """Everything the bot needs to run; secrets never appear in repr()."""

    slack_bot_token: str = field(repr=False)
    slack_signing_secret: str = field(repr=False)
    revring_api_key: str = field(repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    revring_api_url: str = DEFAULT_REVRING_API_URL
    slack_api_url: str = DEFAULT_SLACK_API_URL
    slack_api_url_is_custom: bool = False
    port: int = DEFAULT_PORT
    default_language: str = DEFAULT_LANGUAGE
    max_audio_mb: int = DEFAULT_MAX_AUDIO_MB
    revring_timeout_seconds: int = 120
    database_url: str = field(default="sqlite:///voice-cloner.sqlite3", repr=False)  # may hold a password
    database_pool_size: int = DEFAULT_POOL_SIZE
    database_statement_timeout_seconds: int = int(DEFAULT_STATEMENT_TIMEOUT_SECONDS)
    max_concurrent_clones: int = 4
    clones_per_hour: int = 10
    shutdown_grace_seconds: int = 25
    pending_minutes: int = 10
    audio_limits: AudioLimits = field(default_factory=AudioLimits)
    allow_external_users: bool = False
    allowed_user_ids: frozenset[str] = frozenset()
    allowed_channel_ids: frozenset[str] = frozenset()
    allowed_usergroup_id: str | None = None
    access_contact: str | None = None
    job_retention_days: int = 90

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def max_audio_bytes(self) -> int:
        return self.max_audio_mb * 1024 * 1024

    @property
    def slack_token_hosts(self) -> frozenset[str]:
        """Extra hosts (besides slack.com and *.slack.com) that may receive the bot token."""
        if not self.slack_api_url_is_custom:
            return frozenset()
        return frozenset({urlsplit(self.slack_api_url).hostname or ""})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read settings from the environment; raise ConfigError naming the first bad variable."""
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        def required(name: str, prefix: str | None = None) -> str:
            value = get(name)
            if value is None:
                raise ConfigError(f"{name} is not set. Set it in .env or the environment: {_HELP[name]}.")
            if prefix and not value.startswith(prefix):
                raise ConfigError(
                    f"{name} does not look right (it should start with {prefix!r}). Use {_HELP[name]}."
                )
            return value

        def url(name: str, default: str) -> str:
            value = get(name) or default
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ConfigError(f"{name} must be an http(s) URL such as {default}.")
            return value

        def number(name: str, default: int, low: int, high: int) -> int:
            raw = get(name)
            if raw is None:
                return default
            if not raw.isdigit() or not low <= int(raw) <= high:
                raise ConfigError(f"{name} must be a whole number from {low} to {high} (default {default}).")
            return int(raw)

        bot_token = required("SLACK_BOT_TOKEN", "xoxb-")
        signing_secret = required("SLACK_SIGNING_SECRET")
        if not re.fullmatch(r"[0-9a-fA-F]{16,128}", signing_secret):
            raise ConfigError(
                f"SLACK_SIGNING_SECRET does not look right (it is a string of hex digits). "
                f"Use {_HELP['SLACK_SIGNING_SECRET']}."
            )
        app_token = get("SLACK_APP_TOKEN")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise ConfigError(
                f"SLACK_APP_TOKEN does not look right (it should start with 'xapp-'). "
                f"Use {_HELP['SLACK_APP_TOKEN']}."
            )
        api_key = required("REVRING_API_KEY")
        language = (get("REVRING_DEFAULT_LANGUAGE") or DEFAULT_LANGUAGE).lower()
        if not LANGUAGE_PATTERN.fullmatch(language):
            raise ConfigError("REVRING_DEFAULT_LANGUAGE must be a language code such as en, es or pt-BR.")
        slack_api_url = url("SLACK_API_URL", DEFAULT_SLACK_API_URL)
        if not slack_api_url.endswith("/"):
            slack_api_url += "/"
        return cls(
            slack_bot_token=bot_token,
            slack_signing_secret=signing_secret,
            revring_api_key=api_key,
            slack_app_token=app_token,
            revring_api_url=url("REVRING_API_URL", DEFAULT_REVRING_API_URL).rstrip("/"),
            slack_api_url=slack_api_url,
            slack_api_url_is_custom=get("SLACK_API_URL") is not None,
            port=number("PORT", DEFAULT_PORT, 1, 65535),
            default_language=language,
            max_audio_mb=number("MAX_AUDIO_MB", DEFAULT_MAX_AUDIO_MB, 1, 1024),
            revring_timeout_seconds=number("REVRING_TIMEOUT", 120, 1, 900),
            database_url=_database_url(get("DATABASE_URL")),
            database_pool_size=number("DATABASE_POOL_SIZE", DEFAULT_POOL_SIZE, 1, 1000),
            database_statement_timeout_seconds=number(
                "DATABASE_STATEMENT_TIMEOUT_SECONDS", int(DEFAULT_STATEMENT_TIMEOUT_SECONDS), 1, 3600
            ),
            max_concurrent_clones=number("MAX_CONCURRENT_CLONES", 4, 1, 256),
            clones_per_hour=number("CLONES_PER_HOUR", 10, 1, 10000),
            shutdown_grace_seconds=number("SHUTDOWN_GRACE_SECONDS", 25, 0, 3600),
            audio_limits=_audio_limits(number),
            allow_external_users=_flag(get("ALLOW_EXTERNAL_USERS"), "ALLOW_EXTERNAL_USERS"),
            allowed_user_ids=_ids(get("ALLOWED_USER_IDS"), "ALLOWED_USER_IDS", "UW", "U0123ABCD"),
            allowed_channel_ids=_ids(get("ALLOWED_CHANNEL_IDS"), "ALLOWED_CHANNEL_IDS", "CGD", "C0123ABCD"),
            allowed_usergroup_id=_one_id(get("ALLOWED_USERGROUP_ID"), "ALLOWED_USERGROUP_ID", "S", "S0123ABCD"),
            access_contact=(get("ACCESS_CONTACT") or "")[:200] or None,
            job_retention_days=number("JOB_RETENTION_DAYS", 90, 1, 3650),
        )


def _database_url(url: str | None) -> str:
    """`postgresql://…` / `postgres://…`, `sqlite:///relative.db`, `sqlite:////absolute.db`, a plain file path, or
    unset (the SQLite file voice-cloner.sqlite3): checked here, opened by the store."""
    try:
        parse_database_url(url)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    return url or "sqlite:///voice-cloner.sqlite3"


def _audio_limits(number: Callable[[str, int, int, int], int]) -> AudioLimits:
    defaults = AudioLimits()
    try:
        return AudioLimits(
            min_seconds=number("MIN_AUDIO_SECONDS", int(defaults.min_seconds), 1, 3600),
            ideal_min_seconds=number("IDEAL_MIN_AUDIO_SECONDS", int(defaults.ideal_min_seconds), 1, 3600),
            ideal_max_seconds=number("IDEAL_MAX_AUDIO_SECONDS", int(defaults.ideal_max_seconds), 1, 3600),
            max_seconds=number("MAX_AUDIO_SECONDS", int(defaults.max_seconds), 1, 3600),
            excerpt_seconds=number("EXCERPT_SECONDS", int(defaults.excerpt_seconds), 1, 3600),
        )
    except ValueError:
        raise ConfigError(
            "The audio length settings must be in order: MIN_AUDIO_SECONDS <= IDEAL_MIN_AUDIO_SECONDS <= "
            "IDEAL_MAX_AUDIO_SECONDS <= MAX_AUDIO_SECONDS, with EXCERPT_SECONDS between the minimum and the maximum."
        ) from None


def _flag(raw: str | None, name: str) -> bool:
    if raw is None:
        return False
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false.")


def _ids(raw: str | None, name: str, prefixes: str, example: str) -> frozenset[str]:
    """A comma- or space-separated list of Slack ids, such as `U0123ABCD, U0456EFGH`."""
    if raw is None:
        return frozenset()
    ids = frozenset(part for part in re.split(r"[\s,]+", raw) if part)
    for slack_id in ids:
        if not re.fullmatch(rf"[{prefixes}][A-Z0-9]{{2,20}}", slack_id):
            raise ConfigError(
                f"{name} must list Slack ids such as {example} (copy one from a profile or channel's details); "
                f"{slack_id[:30]!r} isn't one."
            )
    return ids


def _one_id(raw: str | None, name: str, prefixes: str, example: str) -> str | None:
    ids = _ids(raw, name, prefixes, example)
    if len(ids) > 1:
        raise ConfigError(f"{name} takes one id, such as {example}.")
    return next(iter(ids), None)
