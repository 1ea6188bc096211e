"""Distribution mode: Bolt's OAuth flow (`AsyncOAuthFlow`) on GET /slack/install and GET /slack/oauth_redirect,
with installations and single-use OAuth states in the shared database, and pages that say what happened in plain
words and lead back to Slack."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions, AsyncFailureArgs, AsyncSuccessArgs
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore

from bot.config import Settings
from bot.messages import pages
from bot.scopes import BOT_SCOPES

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def oauth_settings(
    settings: Settings, installations: AsyncInstallationStore, states: AsyncOAuthStateStore
) -> AsyncOAuthSettings:
    """/slack/install sets the state cookie and sends the browser straight on to Slack's consent screen."""
    assert settings.slack_client_id and settings.slack_client_secret
    return AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        user_scopes=[],
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        install_page_rendering_enabled=False,
        installation_store=installations,
        state_store=states,
        state_expiration_seconds=600,
        callback_options=AsyncCallbackOptions(success=_installed, failure=_not_installed),
        logger=logging.getLogger("slack_bolt"),
    )


def routes(bolt_key: web.AppKey[AsyncApp]) -> list[web.RouteDef]:
    """The two pages, answered by the Bolt app kept under `bolt_key` once start-up is done."""

    async def install(request: web.Request) -> web.StreamResponse:
        flow = request.app[bolt_key].oauth_flow
        assert flow is not None
        return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

    async def redirect(request: web.Request) -> web.StreamResponse:
        flow = request.app[bolt_key].oauth_flow
        assert flow is not None
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    return [web.get(INSTALL_PATH, install), web.get(REDIRECT_PATH, redirect)]


async def _installed(args: AsyncSuccessArgs) -> BoltResponse:
    installation = args.installation
    org_wide = bool(installation.is_enterprise_install)
    team = installation.enterprise_id if org_wide else installation.team_id
    name = (installation.enterprise_name if org_wide else installation.team_name) or team or ""
    log.info("app installed", extra={"team": team, "org_wide": org_wide})
    slack_url = "https://slack.com/app_redirect?" + urlencode({"app": installation.app_id or "", "team": team or ""})
    return _page(200, pages.install_succeeded_page(name, slack_url), args.settings)


async def _not_installed(args: AsyncFailureArgs) -> BoltResponse:
    log.info("installation refused", extra={"reason": args.reason})
    page = pages.install_failed_page(pages.install_failure_reason(args.reason), INSTALL_PATH)
    return _page(args.suggested_status_code, page, args.settings)


def _page(status: int, html: str, settings: AsyncOAuthSettings) -> BoltResponse:
    # The state cookie has done its job either way.
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Set-Cookie": [settings.state_utils.build_set_cookie_for_deletion()],
    }
    return BoltResponse(status=status, body=html, headers=headers)
