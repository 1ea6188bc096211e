"""The Home tab's "RevRing connection" section: whether the workspace is connected, with whose key since when, and for
those who may change it a dialog to connect, replace or remove the key. Everyone else sees the status only; the
handlers ask again on every click and every submission, so a forged button or dialog does nothing.

Who may change a key is bot.access.rights' one rule, the key being the first installer's: the person who first
installed the app (a reinstall by someone else grants nothing), and the admins and owners of what the key serves,
a workspace, or for an org-wide install the whole org (its own admins and owners only, not a workspace's). Each
change is told: the Home tab names who connected the key, the person who connected the key being replaced or
removed gets a DM naming who did it, and the log line names who. Never the key.

`revring_connection_blocks` is pure; `RevRingConnection.blocks` is the section for one person, which library.home
puts first.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.access.rights import may_act
from bot.config import Settings
from bot.messages import revring_connection as connection_text
from bot.records import Where
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.store import Workspaces
from bot.workspaces.revring_accounts import Connection, KeyStatus, RevRingAccounts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeyHolder:
    """Whose key a workspace's requests use and change: the workspace's (`owner` its team id), or for an org-wide
    install the org's (`owner` its enterprise id, one key for all its workspaces)."""

    owner: str
    org_wide: bool


def revring_connection_blocks(status: KeyStatus, *, can_manage: bool, org_wide: bool = False) -> list[dict[str, Any]]:
    """The section: a header, the status (a key only ever masked, and who connected it when), and the buttons for
    those who may use them."""
    own = status.connection is Connection.OWN_KEY
    return connection_text.revring_connection_blocks(
        own_key=(status.shown or "") if own else None,
        server_key=status.connection is Connection.SERVER_KEY,
        can_manage=can_manage,
        connected_by=status.connected_by,
        connected_at=status.connected_at,
        org_wide=org_wide,
    )


class RevRingConnection:
    """The key of each installation, as the people of a workspace may see and change it (distribution mode; with
    one workspace the key is the server's REVRING_API_KEY, changed by whoever runs the server)."""

    def __init__(self, settings: Settings, accounts: RevRingAccounts, workspaces: Workspaces | None) -> None:
        self._settings = settings
        self._accounts = accounts
        self._workspaces = workspaces

    async def holder(self, where: Where) -> KeyHolder | None:
        """Whose key serves `where`, as the installation serving it says (the workspace's own, else its org's);
        None with one workspace, or where the app is not installed."""
        if not self._settings.distribution:
            return None
        found = await self._accounts.owner(where.team_id, where.enterprise_id)
        return KeyHolder(*found) if found is not None else None

    async def changeable_by(self, client: AsyncWebClient, where: Where) -> KeyHolder | None:
        """The key `where.user_id` may connect, replace or remove; None when they may not (or Slack cannot say)."""
        holder = await self.holder(where)
        return holder if holder is not None and await self._may_change(client, where, holder) else None

    async def blocks(self, client: AsyncWebClient, where: Where) -> list[dict[str, Any]]:
        """The section as `where.user_id` may see it."""
        status = await self._accounts.status(where.team_id, where.enterprise_id)
        holder = await self.holder(where)
        can_manage = holder is not None and await self._may_change(client, where, holder)
        return revring_connection_blocks(status, can_manage=can_manage, org_wide=holder is not None and holder.org_wide)

    async def _may_change(self, client: AsyncWebClient, where: Where, holder: KeyHolder) -> bool:
        if self._workspaces is None:
            return False
        installer = await self._workspaces.first_installer(holder.owner)
        return await may_act(client, where, owner_id=installer, org_wide=holder.org_wide) is True

    async def connect(self, where: Where, holder: KeyHolder, key: str) -> KeyChange:
        """Keep `key` (already checked with RevRing) as `holder`'s."""
        previous = await self._accounts.connect(holder.owner, key, where.user_id)
        change = KeyChange(holder, where.user_id, previous, removed=False)
        log.info("RevRing key replaced" if previous else "RevRing key connected", extra=change.logged)
        return change

    async def remove(self, where: Where, holder: KeyHolder) -> KeyChange | None:
        """Forget `holder`'s key; None when there was none (a double click)."""
        previous = await self._accounts.remove(holder.owner)
        if previous is None:
            return None
        change = KeyChange(holder, where.user_id, previous, removed=True)
        log.info("RevRing key removed", extra=change.logged)
        return change

    async def tell(self, client: AsyncWebClient, change: KeyChange) -> None:
        """A DM to whoever had connected the key replaced or removed, unless they changed it themselves."""
        if change.previous is None or change.previous == change.by:
            return
        org_wide = change.holder.org_wide
        text = (
            connection_text.key_removed_notice(change.by, org_wide=org_wide)
            if change.removed
            else connection_text.key_replaced_notice(change.by, org_wide=org_wide)
        )
        try:
            await client.chat_postMessage(channel=change.previous, text=text)
        except SLACK_FAILURES as error:
            log.warning(
                "the key change was not told to who had connected the key",
                extra={"user": change.previous, "slack_error": error_code(error)},
            )


@dataclass(frozen=True)
class KeyChange:
    """A key connected, replaced or removed: by whom, and who had connected the key before (None: nobody)."""

    holder: KeyHolder
    by: str
    previous: str | None
    removed: bool

    @property
    def logged(self) -> dict[str, str | None]:
        """What the log line says: who, whose key, who had connected the one before; never the key."""
        return {"user": self.by, "owner": self.holder.owner, "previous": self.previous}
