"""Structured logs: one JSON line per event, with the request or job it belongs to, and never a secret.

`bind(job=..., team=...)` attaches fields to every log line written by the current task (and the tasks
it starts), so modules deep down (the RevRing client, the downloader) need not pass ids around.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
from collections.abc import Iterable
from typing import Any

_fields: contextvars.ContextVar[dict[str, Any]] = contextvars.ContextVar("log_fields", default={})  # noqa: B039
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
REDACTED = "[redacted]"
# Slack's tokens by their shape, whether the bot knows them or not (each installation's bot token, a refresh token,
# an app-level token, a workflow step's token): bot, user, legacy workspace-app and refresh tokens, rotating
# (`xoxe.xoxp-…`, `xoxe-…`), app-level and workflow tokens.
SLACK_TOKEN = re.compile(r"\b(?:xox[abpre]|xapp|xwfp)[.-][A-Za-z0-9._-]+")


def bind(**fields: Any) -> None:
    """Add fields to every log line of this task from now on (and of tasks it creates)."""
    _fields.set({**_fields.get(), **{k: v for k, v in fields.items() if v is not None}})


class ContextFilter(logging.Filter):
    """Copies the bound fields onto each record (a record's own `extra` wins)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in _fields.get().items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class SecretFilter(logging.Filter):
    """Replaces any secret that slipped into a message, its arguments or an exception text: the secrets it was
    given or told of since (`add`: each workspace's RevRing key, once the bot has read it), and every Slack token."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        super().__init__()
        self._known: set[str] = set()
        self._secrets: list[str] = []
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 6 and secret not in self._known:
            self._known.add(secret)
            self._secrets = sorted(self._known, key=len, reverse=True)  # a longer secret before its own prefix

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return SLACK_TOKEN.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = self.scrub(message), None
        if record.exc_info:
            record.exc_text = self.scrub(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        for key, value in list(vars(record).items()):
            if key not in _STANDARD and isinstance(value, str):
                setattr(record, key, self.scrub(value))
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = value if isinstance(value, int | float | bool | type(None)) else str(value)
        if record.exc_text:
            line["error"] = record.exc_text
        elif record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


# These libraries check their own logger's level rather than the effective one before building debug lines, so
# their loggers get the level explicitly (app.py hands these loggers to the Slack SDK client and to Bolt).
_LEVEL_READ_DIRECTLY = ("slack_sdk", "slack_bolt")


def configure(
    secrets: Iterable[str | None], level: int = logging.INFO, library_level: int = logging.WARNING
) -> SecretFilter:
    """Send every log line, as JSON, to stderr, scrubbed of `secrets` and of Slack tokens; the filter is returned
    so that secrets learned later (each workspace's RevRing key) are scrubbed too.

    Our own loggers (`bot.*`) write from `level`; every other library (aiosqlite's per-statement lines, the
    Slack SDK's requests and retries, asyncio, aiohttp's access log) from `library_level`.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    secret_filter = SecretFilter(secrets)
    handler.addFilter(secret_filter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(library_level)
    for name in _LEVEL_READ_DIRECTLY:
        logging.getLogger(name).setLevel(library_level)
    logging.getLogger("bot").setLevel(level)
    return secret_filter
