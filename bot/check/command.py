"""`python -m bot check`: try every setting against Slack and RevRing and say how to fix what is wrong.

Each check prints one line, `✓ What: detail` or `✗ What: what went wrong. Fix: what to do`. Nothing here
connects the Socket Mode websocket or changes anything anywhere (the database is tried in a transaction that is
rolled back); secrets are never printed.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit, urlunsplit

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.check import workspaces as check_workspaces
from bot.config import Settings
from bot.slack.api_errors import error_code
from bot.store import postgres_probe, sqlite_file

log = logging.getLogger(__name__)

# What manifest.yml asks for under oauth_config.scopes.bot. Used when the bot runs without the
# manifest beside it (installed with pip, in a container); a test keeps the two lists equal.
REQUIRED_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "reactions:write",
    "files:read",
    "files:write",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "users:read",
    "channels:read",
    "groups:read",
    "im:read",
    "mpim:read",
    "usergroups:read",
)

MANIFEST_PATH = Path(__file__).resolve().parents[2] / "manifest.yml"
TIMEOUT_SECONDS = 10

PASS, FAIL, INFO = "✓", "✗", "–"
# For a terminal that cannot show those (an ASCII-only locale).
_PLAIN = str.maketrans({"✓": "[ok]", "✗": "[FAIL]", "–": "[--]", "→": ">"})

_APPS = "https://api.slack.com/apps"
_TOKEN_REFUSED = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}


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


# --- the scopes the bot needs -------------------------------------------------------------------------


def expected_scopes(manifest: Path = MANIFEST_PATH) -> tuple[list[str], str]:
    """The bot scopes to insist on and where they came from: manifest.yml when it is readable, else the constant."""
    try:
        text = manifest.read_text(encoding="utf-8")
    except OSError:
        return list(REQUIRED_SCOPES), "the bot's built-in list"
    scopes = scopes_from_manifest(text)
    if not scopes:
        return list(REQUIRED_SCOPES), "the bot's built-in list"
    return scopes, "manifest.yml"


def scopes_from_manifest(text: str) -> list[str] | None:
    """`oauth_config.scopes.bot` of a YAML manifest, without a YAML library (PyYAML is not a runtime dependency).

    Understands what a Slack manifest uses there: block mappings by indentation, a block list (`- scope`)
    or a flow list (`[a, b]`), quotes and `#` comments. Returns None when the key is absent.
    """
    target = ["oauth_config", "scopes", "bot"]
    keys: list[tuple[int, str]] = []  # (indent, key) of the mappings enclosing the current line
    scopes: list[str] | None = None
    in_target = False
    for raw in text.splitlines():
        line = _strip_comment(raw).rstrip()
        if not line.strip() or line.strip() == "---":
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if item == "-" or item.startswith("- "):
            if in_target and scopes is not None:
                scopes.append(_unquote(item[1:].strip()))
            continue
        while keys and keys[-1][0] >= indent:
            keys.pop()
        key, colon, rest = item.partition(":")
        if not colon:
            continue
        keys.append((indent, _unquote(key.strip())))
        in_target = [k for _, k in keys] == target
        if in_target:
            scopes = []
            rest = rest.strip()
            if rest.startswith("[") and rest.endswith("]"):
                scopes = [_unquote(part.strip()) for part in rest[1:-1].split(",") if part.strip()]
    return [s for s in scopes if s] if scopes is not None else None


def _strip_comment(line: str) -> str:
    if line.lstrip().startswith("#"):
        return ""
    cut = line.find(" #")
    return line if cut < 0 else line[:cut]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def granted_scopes(header: str | None) -> set[str] | None:
    """Slack's `x-oauth-scopes` header (`chat:write,commands,...`) as a set; None when it is missing."""
    if header is None:
        return None
    return {scope.strip() for scope in header.split(",") if scope.strip()}


# --- the checks ---------------------------------------------------------------------------------------


async def run_checks(settings: Settings, out: TextIO, *, manifest: Path = MANIFEST_PATH) -> bool:
    """Print the checklist to `out` as it goes; True only when every check passed."""
    encoding = getattr(out, "encoding", None)
    plain = not _can_show(encoding, PASS + FAIL + INFO + "→")

    def say(text: str) -> None:
        if plain and encoding:  # also keeps a workspace name the terminal cannot show from raising
            text = text.translate(_PLAIN).encode(encoding, "replace").decode(encoding)
        print(text, file=out, flush=True)

    mode = "distribution to many workspaces" if settings.distribution else (
        "Socket Mode" if settings.socket_mode else "HTTP mode")
    say(f"Checking Voice Cloner's settings ({mode}):")
    results: list[Result] = []

    def report(result: Result) -> None:
        results.append(result)
        say(f"  {result.line()}")

    timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS, sock_connect=TIMEOUT_SECONDS)
    if settings.distribution:
        await _check_distribution(settings, report, timeout)
    else:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            for result in await check_bot_token(settings, session, manifest):
                report(result)
            report(check_signing_secret(settings))
            report(await check_app_token(settings, session))
            report(await check_revring(settings, session))
        report(await check_database(settings))

    failed = [r for r in results if r.ok is False]
    if failed:
        noun = "check" if len(failed) == 1 else "checks"
        say(f"{len(failed)} {noun} failed. Fix the {FAIL} lines above, then run `{bot_command()} check` again.")
    else:
        say(f"All checks passed. Start the bot with `{bot_command()}`.")
    return not failed


async def _check_distribution(settings: Settings, report: Callable[[Result], None],
                              timeout: aiohttp.ClientTimeout) -> None:
    """The app's credentials and ENCRYPTION_KEY, the signing secret, the fallback RevRing key if there is one, and the
    database with its workspaces (counts only)."""
    report(Result("Slack app credentials", *check_workspaces.app_credentials(settings)))
    report(check_signing_secret(settings))
    report(Result("Encryption key", *check_workspaces.encryption_key(settings)))
    if settings.revring_api_key:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            result = await check_revring(settings, session)
        report(Result("Fallback RevRing API key", result.ok, result.detail, result.fix))
    else:
        report(Result("Fallback RevRing API key", None,
                      "not set: a workspace clones only once its admin connects RevRing in the Home tab."))
    if settings.database.sqlite_path is not None:
        database = await check_database(settings)
        if not database.ok:
            report(database)
            return
    report(Result("Workspaces", *await check_workspaces.workspaces(settings)))


def bot_command() -> str:
    """How to start the bot again as it was started now: `.venv/bin/python -m bot` from a clone's venv."""
    relative = os.path.relpath(sys.executable)
    inside = os.sep in relative and not relative.startswith(os.pardir)
    return f"{relative} -m bot" if inside else "python -m bot"


def check(settings: Settings) -> int:
    """The `check` command: 0 when everything passed, 1 otherwise."""
    return 0 if asyncio.run(run_checks(settings, sys.stdout)) else 1


def _slack_client(settings: Settings, session: aiohttp.ClientSession, token: str) -> AsyncWebClient:
    return AsyncWebClient(
        token=token, base_url=settings.slack_api_url, session=session, timeout=TIMEOUT_SECONDS, logger=log
    )


async def check_bot_token(settings: Settings, session: aiohttp.ClientSession, manifest: Path) -> list[Result]:
    """`auth.test` with the bot token, then the scopes Slack says it granted (from the same answer)."""
    name = "Slack bot token"
    scopes_name = "Bot token scopes"
    client = _slack_client(settings, session, settings.slack_bot_token)
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        code = error_code(error)
        if code in _TOKEN_REFUSED:
            fix = (
                f"copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions at {_APPS} into "
                "SLACK_BOT_TOKEN. If the app is not installed to the workspace any more, install it first."
            )
            result = Result(name, False, f"Slack refused it ({code}).", fix)
        else:
            result = Result(name, False, f"Slack answered {code} to auth.test.", _slack_unreachable_fix(settings))
        return [result, _skipped(scopes_name)]
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
        where = display_url(settings.slack_api_url)
        result = Result(name, False, f"cannot reach Slack at {where} ({_reason(error)}).",
                        _slack_unreachable_fix(settings))
        return [result, _skipped(scopes_name)]

    team = answer.get("team") or answer.get("team_id") or "?"
    user = answer.get("user") or answer.get("user_id") or "?"
    token_ok = Result(name, True, f"workspace {team}, bot @{user}")
    return [token_ok, _compare_scopes(scopes_name, answer.headers.get("x-oauth-scopes"), manifest)]


def _compare_scopes(name: str, header: str | None, manifest: Path) -> Result:
    wanted, source = expected_scopes(manifest)
    granted = granted_scopes(header)
    if granted is None:
        return Result(
            name, False, "Slack did not say which scopes the token has (no x-oauth-scopes header).",
            f"make sure SLACK_API_URL points at Slack's Web API (default https://slack.com/api/); "
            f"compare OAuth & Permissions at {_APPS} with {source} by hand.",
        )
    missing = ", ".join(scope for scope in wanted if scope not in granted)
    if not missing:
        return Result(name, True, f"all {len(wanted)} scopes the bot needs are granted (per {source})")
    fix = (
        f"add {missing} under OAuth & Permissions → Bot Token Scopes at {_APPS} "
        "(or paste manifest.yml again under App Manifest), then reinstall the app to the workspace "
        "(Slack shows a banner asking for it)."
    )
    return Result(name, False, f"missing {missing} (the bot needs {len(wanted)}, per {source}).", fix)


def check_signing_secret(settings: Settings) -> Result:
    """Only its shape can be checked: Slack proves it right by signing a request to the bot."""
    name = "Signing secret"
    if settings.slack_signing_secret is None:
        return Result(
            name, None,
            "not set. Socket Mode does not need it, but HTTP mode will (and /slack/events is not served without it): "
            f"it is under Basic Information → App Credentials at {_APPS}.",
        )
    length = len(settings.slack_signing_secret)
    if settings.socket_mode:
        return Result(name, True, f"set ({length} hex digits); Socket Mode does not use it")
    detail = f"set and well-formed ({length} hex digits)"
    if length != 32:
        detail += "; Slack's are usually 32 long, check you copied all of it"
    return Result(
        name, True,
        f"{detail}. Only Slack can confirm it, by signing a request: if the bot answers Slack with 401, "
        f"copy it again from Basic Information → App Credentials at {_APPS}.",
    )


async def check_app_token(settings: Settings, session: aiohttp.ClientSession) -> Result:
    """`apps.connections.open` with the app-level token: it proves the token, the websocket is never opened."""
    name = "Socket Mode token"
    if not settings.socket_mode:
        return Result(
            name, None,
            f"not set, so the bot runs in HTTP mode: the app's Request URLs must reach "
            f"https://YOUR-HOST/slack/events, served here on port {settings.port}.",
        )
    assert settings.slack_app_token is not None
    fix = (
        f"create an App-Level Token with the connections:write scope under Basic Information → App-Level Tokens "
        f"at {_APPS}, put it in SLACK_APP_TOKEN, and turn on Socket Mode in the app's settings."
    )
    client = _slack_client(settings, session, settings.slack_app_token)
    try:
        await client.apps_connections_open(app_token=settings.slack_app_token)
    except SlackApiError as error:
        return Result(name, False, f"Slack refused it ({error_code(error)}).", fix)
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
        where = display_url(settings.slack_api_url)
        return Result(name, False, f"cannot reach Slack at {where} ({_reason(error)}).",
                      _slack_unreachable_fix(settings))
    return Result(name, True, "Slack accepted it (websocket not opened)")


async def check_database(settings: Settings) -> Result:
    """SQLite: open the file and write in a transaction that is rolled back, or prove its folder is writable.
    PostgreSQL: connect, read the schema version and what the user may do, read-only."""
    sqlite_path = settings.database.sqlite_path
    if sqlite_path is None:
        found = await postgres_probe.probe(settings.database, TIMEOUT_SECONDS)
        return Result("Database", found.usable, found.detail, found.fix)
    verdict = await asyncio.to_thread(sqlite_file.probe, sqlite_path)
    return Result("Database", verdict.usable, verdict.detail, verdict.fix)


async def check_revring(settings: Settings, session: aiohttp.ClientSession) -> Result:
    """A harmless authenticated read: list the organisation's agents."""
    name = "RevRing API key"
    where = display_url(settings.revring_api_url)
    unreachable_fix = (
        f"check the network and REVRING_API_URL (now {where}, default https://api.revring.ai/v1)."
    )
    try:
        async with session.get(
            f"{settings.revring_api_url}/agents",
            headers={"x-api-key": settings.revring_api_key, "Accept": "application/json"},
            allow_redirects=False,
        ) as response:
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as error:
        return Result(name, False, f"RevRing is unreachable at {where} ({_reason(error)}).", unreachable_fix)
    if 200 <= status < 300:
        return Result(name, True, f"accepted by RevRing at {where}")
    if status == 401:
        return Result(
            name, False, "RevRing refused it (401).",
            "put a valid key in REVRING_API_KEY (RevRing dashboard → Settings → API keys).",
        )
    if status == 402:
        return Result(
            name, False, "the key works but RevRing says billing is inactive (402).",
            "reactivate the subscription or update the payment method in the RevRing dashboard.",
        )
    return Result(name, False, f"RevRing at {where} answered HTTP {status} instead of listing agents.",
                  unreachable_fix)


# --- small helpers ------------------------------------------------------------------------------------


def _can_show(encoding: str | None, text: str) -> bool:
    if not encoding:
        return True  # an in-memory stream holds any text
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _skipped(name: str) -> Result:
    return Result(name, None, "not checked, that needs a working bot token.")


def _slack_unreachable_fix(settings: Settings) -> str:
    if settings.slack_api_url_is_custom:
        return "check the network, or unset SLACK_API_URL to use Slack's own https://slack.com/api/."
    return "check the network and that this machine can reach https://slack.com."


def _reason(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {TIMEOUT_SECONDS} s"
    if isinstance(error, aiohttp.ClientSSLError):
        return "TLS handshake or certificate failed"
    if isinstance(error, aiohttp.ClientConnectorError):
        return "host not found" if isinstance(error.os_error, socket.gaierror) else "connection refused"
    return type(error).__name__


def display_url(url: str) -> str:
    """The URL without any user:password@ part, so a credential in a URL never reaches the terminal."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
