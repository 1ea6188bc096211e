"""Which Slack client (bot token) serves a workspace's job.

With one workspace every job uses the app's one client. In distribution mode the token comes from the workspace's
installation in the shared database, looked up when the job runs, so a job taken over after a restart or from
another instance answers with the token of the workspace it came from, and a workspace that uninstalled the app
has none.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient


class SlackClients:
    def __init__(self, base: AsyncWebClient, installations: AsyncInstallationStore | None = None) -> None:
        self._base = base
        self._installations = installations

    async def for_workspace(self, team_id: str | None, enterprise_id: str | None) -> AsyncWebClient | None:
        """The client with the workspace's bot token; None when the app is not installed there (any more)."""
        if self._installations is None:
            return self._base
        bot = await find_bot(self._installations, team_id, enterprise_id)
        if bot is None or not bot.bot_token:
            return None
        return with_token(self._base, bot.bot_token)


async def find_bot(installations: AsyncInstallationStore, team_id: str | None, enterprise_id: str | None) -> Bot | None:
    """The workspace's own installation, else its org's (an org-wide install serves every workspace of the org)."""
    if team_id:
        bot = await installations.async_find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is not None:
            return bot
    if enterprise_id:
        return await installations.async_find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
    return None


def with_token(base: AsyncWebClient, token: str) -> AsyncWebClient:
    """`base` (its session, API URL, retry handlers) with another bot token, as Bolt builds one per request."""
    return AsyncWebClient(
        token=token,
        base_url=base.base_url,
        timeout=base.timeout,
        session=base.session,
        logger=base.logger,
        retry_handlers=list(base.retry_handlers or []),
    )


async def find_installation(
    installations: AsyncInstallationStore | None, team_id: str | None, enterprise_id: str | None
) -> Installation | None:
    """The installation serving the workspace, as `find_bot` finds it (the workspace's own, else its org's)."""
    if installations is None:
        return None
    if team_id:
        found = await installations.async_find_installation(enterprise_id=enterprise_id, team_id=team_id)
        if found is not None:
            return found
    if enterprise_id:
        return await installations.async_find_installation(
            enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
        )
    return None
