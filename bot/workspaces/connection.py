"""The Home tab's "RevRing connection" section: whether the workspace is connected, and for those who may change it
(Slack's workspace admins and owners, and the person who installed the app) a dialog to connect, replace or remove
the workspace's RevRing API key. Everyone else sees the status only; the handlers check again on every click and
every submission, so a forged button or dialog does nothing.

`revring_connection_blocks` is pure; `connection_blocks` is the section for one person, which library.home puts first.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.messages import revring_connection as connection_text
from bot.services import Services
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.workspaces.revring_accounts import Connection, KeyStatus, RevRingAccounts
from bot.workspaces.slack_clients import find_installation

log = logging.getLogger(__name__)


def revring_connection_blocks(status: KeyStatus, *, can_manage: bool) -> list[dict[str, Any]]:
    """The section: a header, the status (a key only ever masked), and the buttons for those who may use them."""
    own_key = (status.shown or "") if status.connection is Connection.OWN_KEY else None
    return connection_text.revring_connection_blocks(
        own_key=own_key, server_key=status.connection is Connection.SERVER_KEY, can_manage=can_manage)


def key_owner(context: AsyncBoltContext) -> str | None:
    """Whose key a request connects: the workspace's, or for an org-wide install the org's (one key for all)."""
    if context.is_enterprise_install and context.enterprise_id:
        return context.enterprise_id
    return context.team_id


async def may_manage(settings: Settings, installations: AsyncInstallationStore | None, client: AsyncWebClient,
                     team_id: str | None, enterprise_id: str | None, user_id: str) -> bool:
    """A workspace (or org) admin or owner per Slack's users.info, or the person who installed the app. Anything
    Slack cannot answer is a no."""
    if not settings.distribution or not user_id:
        return False  # one workspace: the key is the server's REVRING_API_KEY, changed by whoever runs the server
    installation = await find_installation(installations, team_id, enterprise_id)
    if installation is not None and installation.user_id == user_id:
        return True
    try:
        response = await client.users_info(user=user_id)
    except SLACK_FAILURES as error:
        log.warning("users.info failed; the RevRing connection is not offered",
                    extra={"slack_error": error_code(error)})
        return False
    user = response.get("user") or {}
    org = user.get("enterprise_user") or {}
    # One of the installation's own people: a Slack Connect guest is an admin of another workspace, not of this one.
    member = not user.get("is_stranger") and (
        user.get("team_id") == team_id or (bool(enterprise_id) and org.get("enterprise_id") == enterprise_id)
    )
    flags = ("is_admin", "is_owner", "is_primary_owner")
    return member and any(bool(user.get(flag)) or bool(org.get(flag)) for flag in flags)


async def may_manage_here(shared: Services, client: AsyncWebClient, context: AsyncBoltContext, user_id: str) -> bool:
    """`may_manage` for the workspace a Slack request came from."""
    return await may_manage(shared.settings, shared.installations, client, context.team_id, context.enterprise_id,
                            user_id)


async def connection_blocks(accounts: RevRingAccounts, settings: Settings,
                            installations: AsyncInstallationStore | None, client: AsyncWebClient,
                            team_id: str | None, enterprise_id: str | None, user_id: str) -> list[dict[str, Any]]:
    """The section as `user_id` of that workspace may see it."""
    status = await accounts.status(team_id, enterprise_id)
    can_manage = await may_manage(settings, installations, client, team_id, enterprise_id, user_id)
    return revring_connection_blocks(status, can_manage=can_manage)
