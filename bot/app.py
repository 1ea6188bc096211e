"""The app factory: builds the Bolt app, the web server and every shared resource from one Settings."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.access.membership import AccessPolicy, ChannelMembership
from bot.cloning.cloner import Cloner
from bot.cloning.outbox import AnswerHooks
from bot.cloning.pipeline import Pipeline, work_folder
from bot.cloning.workflow_step import StepCompletion, StepDeadlines, token_vault
from bot.config import Settings
from bot.design.limits import DesignLimits
from bot.library.home import HomeTab
from bot.listeners import register_listeners
from bot.listeners.refusals import raised_inside_bolt, refuse_what_bolt_cannot_read
from bot.listeners.services import CONTEXT_KEY, Services
from bot.ops import logs
from bot.ops.health import Health
from bot.ops.metrics import Metrics
from bot.revring import RevRingClient
from bot.slack.api_errors import error_code
from bot.store import RequestStore, SchemaTooNew, SQLStore, StoreUnavailable, sqlite_file
from bot.store.slack_oauth import OAuthStateStore, installation_store
from bot.workspaces import install_pages
from bot.workspaces.connection import RevRingConnection
from bot.workspaces.key_vault import KeyVault
from bot.workspaces.revring_accounts import RevRingAccounts
from bot.workspaces.slack_clients import SlackClients

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
BOLT = web.AppKey("bolt", AsyncApp)
ON_READY: web.AppKey[Callable[[Workspace], None]] = web.AppKey("on_ready")
VERIFIER = web.AppKey("verifier", SignatureVerifier)
HEALTH = web.AppKey("health", Health)
SERVICES = web.AppKey("services", Services)  # once started
ON_SECRET: web.AppKey[Callable[[str], None]] = web.AppKey("on_secret")
DRAIN: web.AppKey[Callable[[], Awaitable[None]]] = web.AppKey("drain")


class StartupError(Exception):
    """The bot cannot start; the message is one line for the person starting it."""


@dataclass(frozen=True)
class Workspace:
    """Who the bot token belongs to, from Slack's auth.test; in distribution mode, empty (any workspace)."""

    name: str
    bot_user: str


def create_web_app(
    settings: Settings,
    on_ready: Callable[[Workspace], None] | None = None,
    on_secret: Callable[[str], None] | None = None,
) -> web.Application:
    """The aiohttp application used by `python -m bot` and by the tests alike.

    `on_ready` is told the workspace once Slack has accepted the token and every resource is open, before the
    port is bound. `on_secret` is told each secret the bot learns while it runs (a workspace's RevRing key), so the
    logs can scrub it. Without a signing secret (Socket Mode only) no HTTP request can be verified, so /slack/events
    is not served at all. The metrics are this app's own: a registry per app, never shared.
    """
    web_app = web.Application(client_max_size=1024 * 1024)
    web_app[SETTINGS] = settings
    web_app[ON_READY] = on_ready or (lambda _workspace: None)
    web_app[ON_SECRET] = on_secret or (lambda _secret: None)
    web_app[HEALTH] = Health(Metrics())
    web_app.add_routes(web_app[HEALTH].routes())
    if settings.slack_signing_secret:
        web_app[VERIFIER] = SignatureVerifier(settings.slack_signing_secret)
        web_app.add_routes([web.post("/slack/events", _slack_events)])
    if settings.distribution:
        web_app.add_routes(install_pages.routes(BOLT))
    web_app.cleanup_ctx.append(_resources)
    return web_app


async def _resources(web_app: web.Application) -> AsyncIterator[None]:
    """Open the one client session and everything built on it; close them in reverse on shutdown.

    The exit stack closes every resource even when an earlier close fails: a store left open would keep
    its thread, and the process, alive.
    """
    settings = web_app[SETTINGS]
    health = web_app[HEALTH]
    # Before anything opens: a store that fails half-way through opening would keep its thread, and the process.
    sqlite_path = settings.database.sqlite_path
    if sqlite_path is not None:
        database = await asyncio.to_thread(sqlite_file.probe, sqlite_path)
        if not database.usable:
            raise StartupError(f"DATABASE_URL cannot be used: {database.detail} Fix: {database.fix}")
    async with contextlib.AsyncExitStack() as resources:
        if sqlite_path is not None:
            try:
                resources.enter_context(sqlite_file.held(sqlite_path))
            except sqlite_file.InUse as error:
                raise StartupError(f"DATABASE_URL cannot be used: {error}") from None
        # Each running clone may hold a connection to Slack's file host and one to RevRing; the rest of the pool
        # stays free for Web API calls, so answering Slack never waits behind the clones (aiohttp's default is 100).
        connector = aiohttp.TCPConnector(limit=2 * settings.max_concurrent_clones + 20)
        session = aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=300, sock_connect=10))
        resources.push_async_callback(session.close)
        # The SDK's own logger, which logs.configure keeps at the libraries' level.
        client = AsyncWebClient(
            token=settings.slack_bot_token,
            base_url=settings.slack_api_url,
            session=session,
            logger=logging.getLogger("slack_sdk"),
        )
        client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=2))
        # Distribution mode has no token of its own: each workspace's comes from its installation.
        workspace = Workspace("", "") if settings.distribution else await _workspace(client, settings)
        try:
            store = await SQLStore.open(
                settings.database_url,
                ttl_seconds=settings.pending_minutes * 60,
                pool_size=settings.database_pool_size,
                statement_timeout_seconds=settings.database_statement_timeout_seconds,
            )
        except (StoreUnavailable, SchemaTooNew) as error:
            raise StartupError(f"DATABASE_URL cannot be used: {error}") from None
        resources.push_async_callback(store.close)
        log.debug("database opened", extra={"database": settings.database.display()})
        pruning = asyncio.create_task(_prune_every_hour(store, settings.job_retention_days))
        resources.push_async_callback(_stopped, pruning)
        revring_timeout = aiohttp.ClientTimeout(total=settings.revring_timeout_seconds, sock_connect=10)

        def revring_client(key: str) -> RevRingClient:
            return RevRingClient(session, settings.revring_api_url, key, timeout=revring_timeout)

        installations, oauth = None, None
        if settings.distribution:
            assert settings.slack_client_id and settings.encryption_key
            installations = installation_store(store, settings.slack_client_id)
            oauth = install_pages.oauth_settings(settings, installations, OAuthStateStore(store))
        accounts = RevRingAccounts(
            settings.revring_api_key,
            revring_client,
            store,
            KeyVault(settings.encryption_key) if settings.encryption_key else None,
            on_key=web_app[ON_SECRET],
            installations=installations,
            default_serves=settings.server_key_workspaces,
        )
        connection = RevRingConnection(settings, accounts, store)
        home = HomeTab(store, settings, connection)
        resources.push_async_callback(home.close)
        steps = StepCompletion(token_vault(settings.slack_bot_token, settings.encryption_key))
        cloner = Cloner(
            settings,
            store,
            Pipeline(settings, session, await resources.enter_async_context(work_folder())),
            health.metrics,
            accounts=accounts,
            slack_clients=SlackClients(client, installations),
            shared_database=settings.database.is_postgres,
            on_answered=AnswerHooks(hand_on=steps.hand_on, beside=home),
        )
        resources.push_async_callback(cloner.shutdown, settings.shutdown_grace_seconds)
        deadlines = StepDeadlines(
            store,
            cloner.fail,
            cloner.consent.sweep,
            limit_seconds=settings.step_queue_seconds,
            lease_seconds=settings.job_lease_seconds,
        )
        resources.push_async_callback(deadlines.close)
        designs = DesignLimits(store, per_hour=settings.designs_per_hour, at_once=settings.max_concurrent_clones)
        shared = Services(
            settings,
            store,
            cloner,
            AccessPolicy(settings),
            ChannelMembership(),
            health.metrics,
            accounts,
            home,
            connection,
            designs,
            steps,
            deadlines,
            installations,
        )
        bolt = build_bolt_app(settings, client, shared, oauth)
        web_app[BOLT] = bolt
        web_app[SERVICES] = shared
        cloner.start_working()
        sweeping = asyncio.create_task(cloner.consent.keep_sweeping())  # requests whose speaker did not answer
        resources.push_async_callback(_stopped, sweeping)
        socket_mode = None
        if settings.socket_mode:
            socket_mode = AsyncSocketModeHandler(bolt, settings.slack_app_token)
            await socket_mode.connect_async()
            resources.push_async_callback(socket_mode.close_async)  # first to close: no new work arrives

        async def drain() -> None:
            health.stopping = True
            cloner.stop_taking_work()
            if socket_mode is not None:
                await socket_mode.close_async()  # stop receiving first, as on any shutdown
            # The clones' grace and, at the same time, at least the time a balancer needs to see /readyz say 503.
            await asyncio.gather(
                cloner.shutdown(settings.shutdown_grace_seconds), asyncio.sleep(settings.shutdown_drain_seconds)
            )

        web_app[DRAIN] = drain
        health.serving(store)
        web_app[ON_READY](workspace)
        yield


async def _stopped(task: asyncio.Task[None]) -> None:
    """Cancel a task that runs until the app stops, and wait until it has: one cut off in a store call must give its
    connection back before the store closes (else closing the store can wait for it forever)."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _prune_every_hour(store: RequestStore, retention_days: int) -> None:
    """Expired entries and old job records go now, then every hour; a database down at that moment is tried again
    at the next hour (the loop would otherwise end, and nothing be pruned again until a restart)."""
    while True:
        try:
            forgotten = await store.prune(time.time() - retention_days * 86400)
        except StoreUnavailable as error:
            log.warning("nothing pruned: the database is unreachable", extra={"cause": str(error)})
        else:
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


async def drain(web_app: web.Application) -> None:
    """SIGTERM, before the web server stops: /readyz answers 503 and no new clone starts (a request that still
    arrives is answered and its job recorded for the next start, or another instance); Socket Mode stops receiving;
    running clones get `SHUTDOWN_GRACE_SECONDS` while the server keeps answering, for `SHUTDOWN_DRAIN_SECONDS` at
    least. Stopping the server and closing the resources come after, in the runner's cleanup. Does nothing for an
    app that never finished starting."""
    if DRAIN in web_app:
        await web_app[DRAIN]()


def build_bolt_app(
    settings: Settings, client: AsyncWebClient, shared: Services, oauth: AsyncOAuthSettings | None = None
) -> AsyncApp:
    """With `oauth` (distribution mode) every request is authorised by its team's (or org's) installation, and the
    client Bolt hands a listener carries that installation's token."""
    bolt_logger = logging.getLogger("slack_bolt")  # kept at the libraries' level by logs.configure
    # Bolt also reads SLACK_BOT_TOKEN from the environment and warns that the client given wins over it;
    # the client (one session, our base URL) is exactly what we want, so that warning is noise here.
    level = bolt_logger.level
    bolt_logger.setLevel(logging.ERROR)
    try:
        # Without a secret (Socket Mode only) Bolt must not read one from the environment either; its request
        # verification skips Socket Mode requests, and /slack/events is not served.
        # Answered when the listener returns (each listener returns once it has acknowledged: listeners/answering.py).
        bolt = AsyncApp(
            client=client,
            signing_secret=settings.slack_signing_secret or "",
            logger=bolt_logger,
            oauth_settings=oauth,
            process_before_response=True,
        )
    finally:
        bolt_logger.setLevel(level)

    @bolt.use
    async def attach_services(body: dict, context: AsyncBoltContext, next):
        context[CONTEXT_KEY] = shared
        # Every log line of this request (and of the tasks it starts) names it.
        logs.bind(
            request=body.get("event_id") or body.get("trigger_id") or uuid.uuid4().hex[:12],
            team=context.team_id,
            user=context.user_id,
        )
        await next()

    bolt.error(refuse_what_bolt_cannot_read)
    register_listeners(bolt)
    return bolt


async def _slack_events(request: web.Request) -> web.StreamResponse:
    body = await request.text()
    # Bolt verifies the signature too; checking it here first means an unsigned body gets its 401 even when
    # Bolt could not read it, and only a request from Slack is ever parsed.
    if not request.app[VERIFIER].is_valid_request(body, dict(request.headers)):
        return web.Response(status=401, text="invalid request")
    try:
        bolt_request = await to_bolt_request(request)
    except Exception:
        # Parsing the body (JSON or a form with a JSON `payload`) and reading its ids is all this does: a body
        # that fails here is not a Slack request.
        log.info("refused a request Bolt could not read", exc_info=True)
        return web.Response(status=400, text="bad request")
    try:
        response = await request.app[BOLT].async_dispatch(bolt_request)
    except Exception as error:
        # A body Bolt fails on again while building its own error handler's arguments (`"event": null` does so
        # in its authorization middleware, then in `to_event`) escapes Bolt altogether: the sender's fault if
        # Bolt raised it, a 500 only if our own code did.
        if not raised_inside_bolt(error, caught_here=True):
            raise
        log.info("refused a request Bolt could not read", exc_info=error)
        return web.Response(status=400, text="bad request")
    return await to_aiohttp_response(response)
