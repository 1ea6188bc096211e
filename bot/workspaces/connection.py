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

from bot import messages
from bot.access.rights import may_act
from bot.config import Settings
from bot.records import Where
from bot.workspaces.revring_accounts import Connection, KeyStatus, RevRingAccounts
from bot.workspaces.slack_clients import find_installation


def revring_connection_blocks(status: KeyStatus, *, can_manage: bool) -> list[dict[str, Any]]:
    """The section: a header, the status (a key only ever masked), and the buttons for those who may use them."""
    if status.connection is Connection.OWN_KEY:
        text = messages.revring_connected_own(status.shown or "")
    elif status.connection is Connection.SERVER_KEY:
        text = messages.revring_connected_server()
    else:
        text = messages.revring_status_not_connected()
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": messages.REVRING_CONNECTION_TITLE}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
    ]
    if not can_manage:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": messages.revring_who_may_change()}]})
        return blocks
    own = status.connection is Connection.OWN_KEY
    label = messages.REVRING_REPLACE_BUTTON if own else messages.REVRING_CONNECT_BUTTON
    buttons: list[dict[str, Any]] = [{
        "type": "button", "action_id": messages.REVRING_CONNECT_ACTION, "value": "replace" if own else "connect",
        "text": {"type": "plain_text", "text": label},
        **({} if own else {"style": "primary"}),
    }]
    if own:
        buttons.append({
            "type": "button", "action_id": messages.REVRING_REMOVE_ACTION, "value": "remove", "style": "danger",
            "text": {"type": "plain_text", "text": messages.REVRING_REMOVE_BUTTON},
            "confirm": messages.revring_remove_confirm(),
        })
    blocks.append({"type": "actions", "elements": buttons})
    return blocks


def key_dialog() -> dict[str, Any]:
    """The modal where an admin pastes the key. Nothing in it says which workspace: that comes from the request."""
    return {
        "type": "modal",
        "callback_id": messages.REVRING_KEY_CALLBACK_ID,
        "title": {"type": "plain_text", "text": messages.REVRING_KEY_DIALOG_TITLE},
        "submit": {"type": "plain_text", "text": messages.REVRING_KEY_DIALOG_SUBMIT},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{
            "type": "input", "block_id": messages.REVRING_KEY_BLOCK,
            "label": {"type": "plain_text", "text": messages.REVRING_KEY_LABEL},
            "hint": {"type": "plain_text", "text": messages.REVRING_KEY_HINT},
            "element": {"type": "plain_text_input", "action_id": messages.FIELD_ACTION, "min_length": 8,
                        "max_length": 200},
        }],
    }


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
