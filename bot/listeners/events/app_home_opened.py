from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.library.home import publish_home_for
from bot.listeners.access_guard import actor_of
from bot.services import services


async def handle_app_home_opened(event: dict, body: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The Home tab was opened: publish the voice library (or, to someone who may not use the bot, why not)."""
    if event.get("tab") != "home" or not event.get("user"):
        return  # the Messages tab
    shared = services(context)
    user_id = str(event["user"])
    refusal = await shared.access.refusal(client, actor_of(context, user_id, None, outside_conversations=True))
    await publish_home_for(shared, client, user_id, team_id=context.team_id or body.get("team_id") or "",
                           enterprise_id=context.enterprise_id, refusal=refusal)
