"""Which RevRing organisation serves a workspace: the RevRing client (API key) for a team's requests.

The one place that says it. With one workspace (SLACK_BOT_TOKEN), REVRING_API_KEY serves every request. In
distribution mode a workspace (or a whole Enterprise Grid org, for an org-wide install) connects its own key, kept
encrypted in the store; REVRING_API_KEY, if set, serves only the workspaces and orgs REVRING_API_KEY_WORKSPACES
lists (or, with `*`, every one) that have not: anyone may install the app through the public install page, and the
server's key would otherwise pay for every one of them. Whose key it is, the installation serving the request says
(`owner`): the workspace's own installation, else its org's org-wide one. A
request through an org-wide install may name a workspace outside the org (a Slack Connect partner's own); that
workspace's key, if it installed the app on its own, is never used for it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore

from bot.revring import RevRingClient
from bot.store import StoredKey, Workspaces, owner_of
from bot.workspaces.key_vault import KeyVault, masked
from bot.workspaces.slack_clients import find_installation

log = logging.getLogger(__name__)


class Connection(StrEnum):
    OWN_KEY = "own_key"  # the workspace (or its org) connected a key
    SERVER_KEY = "server_key"  # REVRING_API_KEY serves it
    NONE = "none"


@dataclass(frozen=True)
class KeyStatus:
    connection: Connection
    shown: str | None = None  # OWN_KEY: the key masked, last four characters only
    connected_by: str | None = None  # OWN_KEY: who connected it, and when
    connected_at: float | None = None


class RevRingAccounts:
    """`make_client(key)` builds a RevRing client on the app's one session; `vault` and `installations` are None with
    one workspace. `on_key` is told every key read from the vault or typed into the key dialog, before it is used
    (the logs scrub it). `default_serves` are the team and enterprise ids `default_key` serves; None for any."""

    def __init__(
        self,
        default_key: str | None,
        make_client: Callable[[str], RevRingClient],
        store: Workspaces | None = None,
        vault: KeyVault | None = None,
        on_key: Callable[[str], None] = lambda _key: None,
        installations: AsyncInstallationStore | None = None,
        default_serves: frozenset[str] | None = None,
    ) -> None:
        self._default = make_client(default_key) if default_key else None
        self._default_serves = default_serves
        self._make_client = make_client
        self._store = store
        self._vault = vault
        self._on_key = on_key
        self._installations = installations

    async def owner(self, team_id: str | None, enterprise_id: str | None) -> tuple[str, bool] | None:
        """Whose key serves the workspace, as the installation serving it says: (its team id, False), or for an
        org-wide install (the org's enterprise id, True); None with one workspace, or where the app is not
        installed."""
        installation = await find_installation(self._installations, team_id, enterprise_id)
        if installation is None:
            return None
        org_wide = bool(installation.is_enterprise_install)
        owner = owner_of(installation.team_id, installation.enterprise_id, org_wide=org_wide)
        return (owner, org_wide) if owner else None

    async def client_for(self, team_id: str | None, enterprise_id: str | None = None) -> RevRingClient | None:
        """The client for the workspace (or Enterprise Grid org); None when no RevRing key is connected for it."""
        key, _stored = await self._own_key(team_id, enterprise_id)
        return self._make_client(key) if key else await self._default_for(team_id, enterprise_id)

    async def status(self, team_id: str | None, enterprise_id: str | None = None) -> KeyStatus:
        key, stored = await self._own_key(team_id, enterprise_id)
        if key and stored is not None:
            return KeyStatus(Connection.OWN_KEY, masked(key), stored.connected_by, stored.connected_at)
        served = await self._default_for(team_id, enterprise_id)
        return KeyStatus(Connection.SERVER_KEY if served else Connection.NONE)

    async def _default_for(self, team_id: str | None, enterprise_id: str | None) -> RevRingClient | None:
        """The server's client, if it serves the installation serving the workspace (its team or its org)."""
        if self._default_serves is None:
            return self._default
        installation = await find_installation(self._installations, team_id, enterprise_id)
        if installation is not None and {installation.team_id, installation.enterprise_id} & self._default_serves:
            return self._default
        return None

    def candidate(self, key: str) -> RevRingClient:
        """A client for a key someone is about to connect, to prove it first (`check_key`)."""
        self._on_key(key)
        return self._make_client(key)

    async def connect(self, owner: str, key: str, connected_by: str) -> str | None:
        """Keep `key` for `owner` (a team id, or an enterprise id for an org-wide install), encrypted; returns who
        had connected the key it replaces (None: there was none)."""
        assert self._store is not None and self._vault is not None, "distribution mode only"
        self._on_key(key)
        return await self._store.save_revring_key(owner, self._vault.encrypt(key), connected_by)

    async def remove(self, owner: str) -> str | None:
        """Forget `owner`'s key; returns who had connected it (None: there was none)."""
        assert self._store is not None, "distribution mode only"
        return await self._store.delete_revring_key(owner)

    async def _own_key(self, team_id: str | None, enterprise_id: str | None) -> tuple[str | None, StoredKey | None]:
        """The key of the installation serving the workspace (`owner`): its own, or its org's (an org-wide install
        connects one key for all its workspaces)."""
        if self._store is None or self._vault is None:
            return None, None
        found = await self.owner(team_id, enterprise_id)
        stored = await self._store.revring_key(found[0]) if found is not None else None
        if found is None or stored is None:
            return None, None
        key = self._vault.decrypt(stored.ciphertext)
        if key is not None:
            self._on_key(key)
        if key is None:
            log.error(
                "a RevRing key cannot be decrypted with ENCRYPTION_KEY; was a key removed from it?",
                extra={"owner": found[0]},
            )
        return key, stored
