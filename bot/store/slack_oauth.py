"""slack_sdk's installation and OAuth state stores, on the store's own database (the tables of schema migration 5).

Several instances share them: an install started on one instance can finish on another.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import delete

from bot.store.sql.store import SQLStore
from bot.store.workspaces import owner_of

log = logging.getLogger(__name__)

STATE_SECONDS = 600  # an install must finish within 10 minutes of starting


def installation_store(store: SQLStore, client_id: str) -> AsyncSQLAlchemyInstallationStore:
    """Installations (bot token, bot user, team, enterprise, installer, scopes), one row per install."""
    return InstallationStore(store, client_id)


class InstallationStore(AsyncSQLAlchemyInstallationStore):
    """slack_sdk's installation store, remembering who installed first, before the installation is kept: the
    installer privilege (bot.workspaces.connection) stays theirs across reinstalls by anyone else."""

    def __init__(self, store: SQLStore, client_id: str) -> None:
        super().__init__(client_id=client_id, engine=store.engine, logger=logging.getLogger("slack_sdk"))
        self._workspaces = store

    async def async_save(self, installation: Installation) -> None:
        owner = owner_of(
            installation.team_id, installation.enterprise_id, org_wide=bool(installation.is_enterprise_install)
        )
        if owner and installation.user_id:
            await self._workspaces.remember_installer(owner, installation.user_id)
        await super().async_save(installation)


class OAuthStateStore(AsyncSQLAlchemyOAuthStateStore):
    """slack_sdk's state store, with a state consumed in one statement: of two redirects carrying the same state
    (a replay, or a double click reaching two instances), exactly one gets it. slack_sdk's own reads, then deletes,
    and on PostgreSQL both readers could pass."""

    def __init__(self, store: SQLStore) -> None:
        super().__init__(expiration_seconds=STATE_SECONDS, engine=store.engine, logger=logging.getLogger("slack_sdk"))

    async def async_consume(self, state: str) -> bool:
        now = datetime.now(tz=UTC).replace(tzinfo=None)  # the column holds UTC without a zone, as slack_sdk writes it
        table = self.oauth_states
        consuming = delete(table).where(table.c.state == state, table.c.expire_at > now).returning(table.c.id)
        async with self.engine.begin() as conn:
            consumed = (await conn.execute(consuming)).first() is not None
            # Expired states are of no use to anyone.
            await conn.execute(delete(table).where(table.c.expire_at <= now))
        return consumed
