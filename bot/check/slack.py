"""The Slack settings: the bot token (`auth.test`) and the scopes it was granted, the signing secret (its shape),
and the Socket Mode token (`apps.connections.open`, without opening the websocket)."""

from __future__ import annotations

import logging

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.check.result import APPS, TIMEOUT_SECONDS, Result, reason
from bot.config import DEFAULT_SLACK_API_URL, ConsentMode, Settings, display_url
from bot.scopes import BOT_SCOPES
from bot.slack.api_errors import error_code

log = logging.getLogger(__name__)

# Where the scopes insisted on are listed (tests/test_manifest.py keeps manifest.yml asking for the same).
SCOPES_SOURCE = "bot/scopes.py"
# What asking speakers for consent needs of Slack: the scopes (checked on the token) and the bot events (Slack's API
# cannot be asked which events an app gets: manifest.yml subscribes them, tests/test_manifest.py keeps it so).
CONSENT_NEEDS: dict[ConsentMode, tuple[tuple[str, ...], tuple[str, ...]]] = {
    ConsentMode.SPEAKER: (("chat:write", "users:read"), ()),
    ConsentMode.RECORDED: (("chat:write", "users:read", "im:history", "files:read"), ("message.im", "file_change")),
}
_TOKEN_REFUSED = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}


async def check_bot_token(settings: Settings, session: aiohttp.ClientSession) -> list[Result]:
    """`auth.test` with the bot token, then the scopes Slack says it granted (from the same answer)."""
    name = "Slack bot token"
    scopes_name = "Bot token scopes"
    client = _client(settings, session, settings.slack_bot_token or "")
    try:
        answer = await client.auth_test()
    except SlackApiError as error:
        code = error_code(error)
        if code in _TOKEN_REFUSED:
            fix = (
                f"copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions at {APPS} into "
                "SLACK_BOT_TOKEN. If the app is not installed to the workspace any more, install it first."
            )
            result = Result(name, False, f"Slack refused it ({code}).", fix)
        else:
            result = Result(name, False, f"Slack answered {code} to auth.test.", _unreachable_fix(settings))
        return [result, _skipped(scopes_name)]
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
        return [_unreachable(name, settings, error), _skipped(scopes_name)]

    team = answer.get("team") or answer.get("team_id") or "?"
    user = answer.get("user") or answer.get("user_id") or "?"
    token_ok = Result(name, True, f"workspace {team}, bot @{user}")
    header = answer.headers.get("x-oauth-scopes")
    consent = [] if settings.consent is ConsentMode.OFF else [check_consent(settings.consent, header)]
    return [token_ok, compare_scopes(scopes_name, header), *consent]


def check_consent(mode: ConsentMode, header: str | None) -> Result:
    """CONSENT=speaker or recorded: the scopes asking the speaker needs, and the events it relies on."""
    name = f"Consent (CONSENT={mode})"
    scopes, events = CONSENT_NEEDS[mode]
    granted = {scope.strip() for scope in (header or "").split(",") if scope.strip()}
    missing = [scope for scope in scopes if scope not in granted]
    if header is not None and missing:
        fix = (
            f"add {', '.join(missing)} under OAuth & Permissions → Bot Token Scopes at {APPS} (or paste manifest.yml "
            "again), then reinstall the app."
        )
        return Result(name, False, f"asking speakers needs {', '.join(missing)}, which the token lacks.", fix)
    detail = f"the token has {', '.join(scopes)}" if header is not None else f"it needs {', '.join(scopes)}"
    if events:
        detail += f"; the app must receive the {' and '.join(events)} events (manifest.yml subscribes them)"
    return Result(name, True, detail)


def compare_scopes(name: str, header: str | None) -> Result:
    """Slack's `x-oauth-scopes` header (`chat:write,commands,...`) against the scopes the bot needs."""
    if header is None:
        return Result(
            name,
            False,
            "Slack did not say which scopes the token has (no x-oauth-scopes header).",
            f"make sure SLACK_API_URL points at Slack's Web API (default {DEFAULT_SLACK_API_URL}); "
            f"compare OAuth & Permissions at {APPS} with {SCOPES_SOURCE} by hand.",
        )
    granted = {scope.strip() for scope in header.split(",") if scope.strip()}
    missing = ", ".join(scope for scope in BOT_SCOPES if scope not in granted)
    if not missing:
        return Result(name, True, f"all {len(BOT_SCOPES)} scopes the bot needs are granted (per {SCOPES_SOURCE})")
    fix = (
        f"add {missing} under OAuth & Permissions → Bot Token Scopes at {APPS} "
        "(or paste manifest.yml again under App Manifest), then reinstall the app to the workspace "
        "(Slack shows a banner asking for it)."
    )
    return Result(name, False, f"missing {missing} (the bot needs {len(BOT_SCOPES)}, per {SCOPES_SOURCE}).", fix)


def check_signing_secret(settings: Settings) -> Result:
    """Only its shape can be checked: Slack proves it right by signing a request to the bot."""
    name = "Signing secret"
    if settings.slack_signing_secret is None:
        return Result(
            name,
            None,
            "not set. Socket Mode does not need it, but HTTP mode will (and /slack/events is not served without it): "
            f"it is under Basic Information → App Credentials at {APPS}.",
        )
    length = len(settings.slack_signing_secret)
    if settings.socket_mode:
        return Result(name, True, f"set ({length} hex digits); Socket Mode does not use it")
    detail = f"set and well-formed ({length} hex digits)"
    if length != 32:
        detail += "; Slack's are usually 32 long, check you copied all of it"
    return Result(
        name,
        True,
        f"{detail}. Only Slack can confirm it, by signing a request: if the bot answers Slack with 401, "
        f"copy it again from Basic Information → App Credentials at {APPS}.",
    )


async def check_app_token(settings: Settings, session: aiohttp.ClientSession) -> Result:
    """`apps.connections.open` with the app-level token: it proves the token, the websocket is never opened."""
    name = "Socket Mode token"
    if not settings.slack_app_token:
        return Result(
            name,
            None,
            f"not set, so the bot runs in HTTP mode: the app's Request URLs must reach "
            f"https://YOUR-HOST/slack/events, served here on port {settings.port}.",
        )
    fix = (
        f"create an App-Level Token with the connections:write scope under Basic Information → App-Level Tokens "
        f"at {APPS}, put it in SLACK_APP_TOKEN, and turn on Socket Mode in the app's settings."
    )
    client = _client(settings, session, settings.slack_app_token)
    try:
        await client.apps_connections_open(app_token=settings.slack_app_token)
    except SlackApiError as error:
        return Result(name, False, f"Slack refused it ({error_code(error)}).", fix)
    except (SlackClientError, aiohttp.ClientError, TimeoutError) as error:
        return _unreachable(name, settings, error)
    return Result(name, True, "Slack accepted it (websocket not opened)")


def _client(settings: Settings, session: aiohttp.ClientSession, token: str) -> AsyncWebClient:
    return AsyncWebClient(
        token=token, base_url=settings.slack_api_url, session=session, timeout=TIMEOUT_SECONDS, logger=log
    )


def _unreachable(name: str, settings: Settings, error: BaseException) -> Result:
    where = display_url(settings.slack_api_url)
    return Result(name, False, f"cannot reach Slack at {where} ({reason(error)}).", _unreachable_fix(settings))


def _unreachable_fix(settings: Settings) -> str:
    if settings.slack_api_url_is_custom:
        return f"check the network, or unset SLACK_API_URL to use Slack's own {DEFAULT_SLACK_API_URL}."
    return "check the network and that this machine can reach https://slack.com."


def _skipped(name: str) -> Result:
    return Result(name, None, "not checked, that needs a working bot token.")
