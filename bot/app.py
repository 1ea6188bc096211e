"""The app factory: builds the Bolt app, the web server and every shared resource from one Settings."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot import logs
from bot.access import AccessPolicy, ChannelMembership
from bot.cloning import Cloner
from bot.config import Settings
from bot.listeners import register_listeners
from bot.revring import RevRingClient
from bot.services import CONTEXT_KEY, Services
from bot.slack_api import error_code
from bot.store import RequestStore, SQLStore

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
BOLT = web.AppKey("bolt", AsyncApp)
ON_READY = web.AppKey("on_ready", Callable)
VERIFIER = web.AppKey("verifier", SignatureVerifier)

class StartupError(Exception):
    """The bot cannot start; the message is one line for the person starting it."""


@dataclass(frozen=True)
class Workspace:
    """Who the bot token belongs to, from Slack's auth.test."""

    name: str
    bot_user: str


def create_web_app(
    settings: Settings, on_ready: Callable[[Workspace], None] | None = None
) -> web.Application:
    """The aiohttp application used by `python -m bot` and by the tests alike.

    `on_ready` is told the workspace once Slack has accepted the token, before requests are taken.
    """
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[SETTINGS] = settings
    web_app[VERIFIER] = SignatureVerifier(settings.slack_signing_secret)
    web_app[ON_READY] = on_ready or (lambda _workspace: None)
    web_app.add_routes([web.post("/slack/events", _slack_events), web.get("/healthz", _healthz)])
    web_app.cleanup_ctx.append(_resources)
    return web_app


async def _resources(web_app: web.Application) -> AsyncIterator[None]:
    """Open the one client session and everything built on it; close them in reverse on shutdown.

    The exit stack closes every resource even when an earlier close fails: a store left open would keep
    its thread, and the process, alive.
    """
    settings = web_app[SETTINGS]
    async with contextlib.AsyncExitStack() as resources:
        # Each running clone may hold a connection to Slack's file host and one to RevRing; the rest of the pool
        # stays free for Web API calls, so answering Slack never waits behind the clones (aiohttp's default is 100).
        connector = aiohttp.TCPConnector(limit=2 * settings.max_concurrent_clones + 20)
        session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=300, sock_connect=10))
        resources.push_async_callback(session.close)
        client = AsyncWebClient(
            token=settings.slack_bot_token, base_url=settings.slack_api_url, session=session, logger=log
        )
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        workspace = await _workspace(client, settings)
        store = await SQLStore.open(
            settings.database_url,
            ttl_seconds=settings.pending_minutes * 60,
            pool_size=settings.database_pool_size,
            statement_timeout_seconds=settings.database_statement_timeout_seconds,
        )
        resources.push_async_callback(store.close)
        pruning = asyncio.create_task(_prune_every_hour(store, settings.job_retention_days))
        resources.callback(pruning.cancel)
        revring = RevRingClient(
            session,
            settings.revring_api_url,
            settings.revring_api_key,
            timeout=aiohttp.ClientTimeout(total=settings.revring_timeout_seconds, sock_connect=10),
        )
        cloner = Cloner(settings, session, revring, store)
        resources.push_async_callback(cloner.shutdown, settings.shutdown_grace_seconds)
        shared = Services(settings, store, cloner, AccessPolicy(settings), ChannelMembership())
        bolt = build_bolt_app(settings, client, shared)
        web_app[BOLT] = bolt
        cloner.resume_in_background(client)
        if settings.socket_mode:
            socket_mode = AsyncSocketModeHandler(bolt, settings.slack_app_token)
            await socket_mode.connect_async()
            resources.push_async_callback(socket_mode.close_async)  # first to close: no new work arrives
        web_app[ON_READY](workspace)
        yield


async def _prune_every_hour(store: RequestStore, retention_days: int) -> None:
    """Expired entries and old job records go now, then every hour."""
    while True:
        forgotten = await store.prune(time.time() - retention_days * 86400)
        if forgotten:
            log.info("forgot old job records", extra={"count": forgotten, "days": retention_days})
        await asyncio.sleep(3600)


async def _workspace(client: AsyncWebClient, settings: Settings) -> Workspace:
    """auth.test: proves the bot token before anything else starts, and names the workspace."""
    try:
        response = await client.auth_test()
    except SlackApiError as error:
        raise StartupError(
            f"Slack refused SLACK_BOT_TOKEN ({error_code(error)}). Copy the Bot User OAuth Token (xoxb-...) again from "
            "OAuth & Permissions at https://api.slack.com/apps, and reinstall the app if it was removed."
        ) from None
    except (aiohttp.ClientError, TimeoutError) as error:
        raise StartupError(
            f"Cannot reach Slack at {settings.slack_api_url} ({type(error).__name__}). Check the network "
            "(and SLACK_API_URL if you set it)."
        ) from None
    return Workspace(name=str(response.get("team") or response.get("team_id")), bot_user=str(response.get("user")))


async def ignore_further_stop_signals(_web_app: web.Application) -> None:
    """Once shutdown has begun, a second SIGTERM or Ctrl-C must not cut the clones' grace period short."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, log.info, "already shutting down; waiting for running clones")


def build_bolt_app(settings: Settings, client: AsyncWebClient, shared: Services) -> AsyncApp:
    bolt_logger = logging.getLogger("bot.bolt")
    # Bolt also reads SLACK_BOT_TOKEN from the environment and warns that the client given wins over it;
    # the client (one session, our base URL) is exactly what we want, so that warning is noise here.
    level = bolt_logger.level
    bolt_logger.setLevel(logging.ERROR)
    try:
        bolt = AsyncApp(client=client, signing_secret=settings.slack_signing_secret, logger=bolt_logger)
    finally:
        bolt_logger.setLevel(level)

    @bolt.use
    async def attach_services(body: dict, context: AsyncBoltContext, next):
        context[CONTEXT_KEY] = shared
        # Every log line of this request (and of the tasks it starts) names it.
        logs.bind(request=body.get("event_id") or body.get("trigger_id") or uuid.uuid4().hex[:12],
                  team=context.team_id, user=context.user_id)
        await next()

    register_listeners(bolt)
    return bolt


async def _slack_events(request: web.Request) -> web.StreamResponse:
    bolt = request.app[BOLT]
    body = await request.text()
    # Bolt verifies the signature too; checking it here first means an unsigned body gets its 401 even when
    # it is also malformed, and the shape check below only ever sees requests from Slack.
    if not request.app[VERIFIER].is_valid_request(body, dict(request.headers)):
        return web.Response(status=401, text="invalid request")
    if not _shaped_like_slack(body):
        return web.Response(status=400, text="bad request")
    try:
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
    except Exception:
        # Bolt catches errors in our listeners itself; what escapes is Bolt failing to read a body that is
        # not shaped like anything Slack sends (a bare number, `"event": ""`): not a Slack request.
        log.info("refused a request Bolt could not read", exc_info=True)
        return web.Response(status=400, text="bad request")
    return await to_aiohttp_response(bolt_response)


_OBJECT_FIELDS = ("event", "user", "channel", "team", "view", "message", "container", "enterprise")


def _shaped_like_slack(body: str) -> bool:
    """Bolt's built-in middleware assumes Slack's shapes (an `event` that is an object, and so on) and answers
    500 when they are not; such a body is not from Slack, so it is refused here with a 400 instead."""
    if body.lstrip().startswith("{"):
        return _object_shaped(body)
    form = parse_qs(body)
    return "payload" not in form or _object_shaped(form["payload"][0])


def _object_shaped(text: str) -> bool:
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return (
        isinstance(data, dict)
        and isinstance(data.get("type", ""), str)
        and all(isinstance(data[key], dict) for key in _OBJECT_FIELDS if key in data)
        and (not isinstance(data.get("event"), dict) or all(
            not isinstance(data["event"].get(key), list | int | float) for key in ("channel", "user", "type")
        ))
        and (not isinstance(data.get("view"), dict) or isinstance(data["view"].get("state", {}), dict))
        and isinstance(data.get("actions", []), list)
        and all(isinstance(action, dict) for action in data.get("actions", []))
    )


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})
