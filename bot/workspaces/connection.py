"""The Home tab's "RevRing connection" section: whether the workspace is connected, and for those who may change it
(Slack's workspace admins and owners, and the person who installed the app) a dialog to connect, replace or remove
the workspace's RevRing API key. Everyone else sees the status only; the handlers check again on every click and
every submission, so a forged button or dialog does nothing.

`revring_connection_blocks` is pure; `connection_blocks` is the section for one person, which library.home puts first.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.access.rights import may_act
from bot.config import Settings
from bot.messages import revring_connection as connection_text
from bot.records import Where
from bot.workspaces.revring_accounts import Connection, KeyStatus, RevRingAccounts
from bot.workspaces.slack_clients import find_installation


def revring_connection_blocks(status: KeyStatus, *, can_manage: bool) -> list[dict[str, Any]]:
    """The section: a header, the status (a key only ever masked), and the buttons for those who may use them."""
    own_key = (status.shown or "") if status.connection is Connection.OWN_KEY else None
    return connection_text.revring_connection_blocks(
        own_key=own_key, server_key=status.connection is Connection.SERVER_KEY, can_manage=can_manage)


def key_owner(where: Where, *, org_wide: bool) -> str | None:
    """Whose key a request connects: the workspace's, or for an org-wide install the org's (one key for all)."""
    if org_wide and where.enterprise_id:
        return where.enterprise_id
    return where.team_id or None


async def may_change_key(settings: Settings, installations: AsyncInstallationStore | None, client: AsyncWebClient,
                         where: Where) -> bool:
    """The rule of bot.access.rights, the key being the installer's: they and the workspace's (or org's) own admins
    and owners. Anything Slack cannot answer is a no."""
    if not settings.distribution:
        return False  # one workspace: the key is the server's REVRING_API_KEY, changed by whoever runs the server
    installation = await find_installation(installations, where.team_id, where.enterprise_id)
    installer = installation.user_id if installation is not None else None
    return await may_act(client, where, owner_id=installer) is True


async def connection_blocks(accounts: RevRingAccounts, settings: Settings,
                            installations: AsyncInstallationStore | None, client: AsyncWebClient,
                            where: Where) -> list[dict[str, Any]]:
    """The section as `where.user_id` of that workspace may see it."""
    status = await accounts.status(where.team_id, where.enterprise_id)
    can_manage = await may_change_key(settings, installations, client, where)
    return revring_connection_blocks(status, can_manage=can_manage)
