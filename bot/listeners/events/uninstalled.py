import logging

from slack_bolt.context.async_context import AsyncBoltContext

from bot.listeners.body import incoming
from bot.listeners.services import services

log = logging.getLogger(__name__)


async def handle_app_uninstalled(context: AsyncBoltContext):
    """The workspace (or, for an org-wide install, the org) removed the app: forget it at once."""
    await _forget(context)


async def handle_tokens_revoked(event: dict, context: AsyncBoltContext):
    """Tokens were revoked. The bot's own token means the app can do nothing more there: forget the workspace. (The
    app asks for no user tokens, so a revoked user token leaves nothing of ours behind.)"""
    if (event.get("tokens") or {}).get("bot"):
        await _forget(context)


async def _forget(context: AsyncBoltContext) -> None:
    """Its installation, RevRing key, waiting commands, recent audio and jobs; a queued job is dropped unanswered."""
    shared = services(context)
    if not shared.settings.distribution or shared.installations is None:
        return  # one workspace: the token is the operator's to remove, along with the bot
    asked = incoming(context)
    org_wide = asked.org_wide
    team_id = None if org_wide else asked.team_id or None
    enterprise_id = asked.enterprise_id
    if not team_id and not enterprise_id:
        return
    # The key and the jobs first: from here on nothing of theirs runs; then the token.
    jobs = await shared.store.forget_workspace(team_id, enterprise_id)
    await shared.installations.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
    log.info("workspace forgotten: the app was removed", extra={"org_wide": org_wide, "jobs": jobs})
