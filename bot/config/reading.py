"""How each kind of setting is read from the environment, and the sentence shown when one is wrong: a bad value is
noted (its default used meanwhile) so that every problem is told at once, one line each."""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import Container, Iterable, Mapping
from dataclasses import fields
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from cryptography.fernet import Fernet

from bot.cloning.audio import AudioLimits
from bot.store.database import parse_database_url

EVERY_WORKSPACE = "*"  # REVRING_API_KEY_WORKSPACES: the server's key serves every workspace that installs the app
Choice = TypeVar("Choice", bound=StrEnum)

LANGUAGE_PATTERN = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")

# LOG_LEVEL: our own lines at that level; the libraries' (aiosqlite, slack_sdk, aiohttp, asyncio) stay at warning
# unless `debug-all` asks for their debug lines too.
LOG_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
DEBUG_ALL = "debug-all"

_WHERE_SLACK = "your Slack app's settings at https://api.slack.com/apps"
HELP = {
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
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    ),
}
# Distribution mode (any workspace installs the app through OAuth) needs all of these and no SLACK_BOT_TOKEN.
DISTRIBUTION_SETTINGS = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "ENCRYPTION_KEY")
_NOT_NEEDED_WHEN = {"SLACK_SIGNING_SECRET": " (HTTP mode needs it; Socket Mode, with SLACK_APP_TOKEN set, does not)"}
# The audio length settings and the AudioLimits field each sets (AudioLimits holds their defaults): the lengths
# shortest first, each at most the next, then the excerpt.
_AUDIO = {
    "MIN_AUDIO_SECONDS": "min_seconds",
    "IDEAL_MIN_AUDIO_SECONDS": "ideal_min_seconds",
    "IDEAL_MAX_AUDIO_SECONDS": "ideal_max_seconds",
    "MAX_AUDIO_SECONDS": "max_seconds",
    "EXCERPT_SECONDS": "excerpt_seconds",
}
_AUDIO_ORDER = tuple(_AUDIO)[:4]


class ConfigError(Exception):
    """Settings are missing or malformed: `problems` holds one line for each, meant for the person starting the bot."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


def _listed(names: Iterable[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _shown(raw: str) -> str:
    """A non-secret value as given, quoted and cut short, for an error line."""
    return repr(raw if len(raw) <= 40 else raw[:40] + "...")


class Reader:
    """Reads one setting at a time; a bad one is noted in `problems` (and its default used) so all are told at once."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []

    def get(self, name: str) -> str | None:
        value = self.env.get(name, "").strip()
        return value or None

    def declared(self, cls: type, *, only: Container[str] | None = None, skip: Container[str] = ()) -> dict[str, Any]:
        """The fields of `cls` declared with `_setting` (`only` those, or all but `skip`), read in declared order."""
        return {
            f.name: f.metadata["read"](self, f.default)
            for f in fields(cls)
            if "read" in f.metadata and (f.name in only if only is not None else f.name not in skip)
        }

    def secret(
        self, name: str, *, prefix: str = "", pattern: str = "", shape: str = "", required: bool = True
    ) -> str | None:
        """A token or key. Its value never appears in a message."""
        value = self.get(name)
        if value is None:
            if required:
                self.problems.append(
                    f"{name} is not set{_NOT_NEEDED_WHEN.get(name, '')}. Set it in .env or the environment: "
                    f"{HELP[name]}."
                )
            return None
        if (prefix and not value.startswith(prefix)) or (pattern and not re.fullmatch(pattern, value)):
            why = shape or f"it should start with {prefix!r}"
            self.problems.append(f"{name} does not look right ({why}). Use {HELP[name]}.")
        return value

    def mode(self) -> str:
        """ "single" (one workspace, SLACK_BOT_TOKEN), "distribution" (OAuth), or "mixed": both kinds of settings, or
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
            where = f" ({HELP[missing[0]]})" if len(missing) == 1 else ""
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
                    f"44 characters). Use {HELP[name]}."
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

    def language(self, name: str, default: str) -> str:
        language = (self.get(name) or default).lower()
        if not LANGUAGE_PATTERN.fullmatch(language):
            self.problems.append(f"{name} must be a language code such as en, es or pt-BR; it is {_shown(language)}.")
            return default
        return language

    def flag(self, name: str, default: bool) -> bool:
        raw = self.get(name)
        if raw is None:
            return default
        if raw.lower() in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            return raw.lower() in ("1", "true", "yes", "on")
        self.problems.append(f"{name} must be true or false; it is {_shown(raw)}.")
        return default

    def choice(self, name: str, default: Any, choices: Mapping[str, Any], shown: str) -> Any:
        """One of `choices`, by its name in any case (`shown` lists the names to tell); `default` when unset."""
        raw = self.get(name)
        if raw is None:
            return default
        if raw.lower() in choices:
            return choices[raw.lower()]
        self.problems.append(f"{name} must be {shown} (default {default}); it is {_shown(raw)}.")
        return default

    def enum_choice(self, name: str, default: Choice) -> Choice:
        """One of an enum's values (any case), such as QUALITY_CHECK=warn."""
        raw = (self.get(name) or str(default)).lower()
        choices = [str(value) for value in type(default)]
        if raw not in choices:
            self.problems.append(
                f"{name} must be {_listed(choices).replace(' and ', ' or ')} (default {default}); it is {_shown(raw)}."
            )
            return default
        return type(default)(raw)

    def ids(self, name: str, prefixes: str, example: str) -> frozenset[str]:
        """A comma- or space-separated list of Slack ids, such as `U0123ABCD, U0456EFGH`; none when unset."""
        ids = frozenset(part for part in re.split(r"[\s,]+", self.get(name) or "") if part)
        for slack_id in sorted(ids):
            if not re.fullmatch(rf"[{prefixes}][A-Z0-9]{{2,20}}", slack_id):
                self.problems.append(
                    f"{name} must list Slack ids such as {example} (copy one from a profile or channel's details); "
                    f"{slack_id[:30]!r} isn't one."
                )
                return frozenset()
        return ids

    def workspace_ids(self, name: str) -> frozenset[str]:
        """`*` alone (every workspace), or team and enterprise ids, comma- or space-separated; none when unset."""
        ids = frozenset(part for part in re.split(r"[\s,]+", self.get(name) or "") if part)
        if ids == {EVERY_WORKSPACE}:
            return ids
        for slack_id in sorted(ids):
            if not re.fullmatch(r"[TE][A-Z0-9]{2,20}", slack_id):
                self.problems.append(
                    f"{name} must be {EVERY_WORKSPACE} (every workspace) or list team and enterprise ids such as "
                    f"T0123ABCD, E0123ABCD (a workspace's id is in its URL, app.slack.com/client/T…); "
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

    def database_url(self, name: str, default: str) -> str:
        """`postgresql://…` / `postgres://…`, `sqlite:///relative.db`, `sqlite:////absolute.db`, a plain file path,
        or unset (`default`): checked here, opened by the store. Never shown: it may hold a password."""
        url = self.get(name)
        try:
            parse_database_url(url)
        except ValueError as error:
            self.problems.append(str(error))
        return url or default

    def audio_limits(self, defaults: AudioLimits) -> AudioLimits:
        before = len(self.problems)
        given = {name: self.get(name) is not None for name in _AUDIO}
        seconds = {name: self.number(name, int(getattr(defaults, limit)), 1, 3600) for name, limit in _AUDIO.items()}
        if len(self.problems) > before:
            return defaults  # a number is bad: its order against the others means nothing yet

        def shown(name: str) -> str:
            return f"{name} ({seconds[name]}{'' if given[name] else ', the default'})"

        order = " <= ".join(_AUDIO_ORDER)
        for shorter, longer in itertools.pairwise(_AUDIO_ORDER):
            if seconds[shorter] > seconds[longer]:
                self.problems.append(f"{shown(shorter)} is more than {shown(longer)}; they must go {order}.")
        if not seconds["MIN_AUDIO_SECONDS"] <= seconds["EXCERPT_SECONDS"] <= seconds["MAX_AUDIO_SECONDS"]:
            self.problems.append(
                f"{shown('EXCERPT_SECONDS')} must lie between {shown('MIN_AUDIO_SECONDS')} and "
                f"{shown('MAX_AUDIO_SECONDS')}."
            )
        if len(self.problems) > before:
            return defaults
        return AudioLimits(**{limit: seconds[name] for name, limit in _AUDIO.items()})

    def log_levels(self, name: str, default: str) -> tuple[int, int]:
        """(our level, the libraries' level) from LOG_LEVEL."""
        raw = (self.get(name) or default).lower()
        if raw == DEBUG_ALL:
            return logging.DEBUG, logging.DEBUG
        if raw not in LOG_LEVELS:
            self.problems.append(
                f"{name} must be one of {', '.join(LOG_LEVELS)} or {DEBUG_ALL} (default {default}); "
                f"it is {_shown(raw)}."
            )
            raw = default
        return LOG_LEVELS[raw], max(LOG_LEVELS[raw], logging.WARNING)
