"""One line of the checklist, and what every check shares: how long it waits and how a failure is put in words."""

from __future__ import annotations

import socket
from dataclasses import dataclass

import aiohttp

TIMEOUT_SECONDS = 10
APPS = "https://api.slack.com/apps"

PASS, FAIL, INFO = "✓", "✗", "–"


@dataclass(frozen=True)
class Result:
    """One line of the checklist. `ok` is None for a line that is only information."""

    name: str
    ok: bool | None
    detail: str
    fix: str = ""

    def line(self) -> str:
        mark = INFO if self.ok is None else PASS if self.ok else FAIL
        text = f"{mark} {self.name}: {self.detail}"
        if self.ok is False and self.fix:
            text += f" Fix: {self.fix}"
        return text


def reason(error: BaseException) -> str:
    """Why a connection failed, in a few words (never the error's message, which may quote a URL)."""
    if isinstance(error, TimeoutError):
        return f"no answer within {TIMEOUT_SECONDS} s"
    if isinstance(error, aiohttp.ClientSSLError):
        return "TLS handshake or certificate failed"
    if isinstance(error, aiohttp.ClientConnectorError):
        return "host not found" if isinstance(error.os_error, socket.gaierror) else "connection refused"
    return type(error).__name__
