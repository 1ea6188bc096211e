from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.access_guard import actor_of
from bot.listeners.body import incoming
from bot.listeners.services import services


async def handle_app_home_opened(event: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The Home tab was opened: publish the voice library (or, to someone who may not use the bot, why not)."""
    where = incoming(context).where
    if event.get("tab") != "home" or not where.user_id:
        return  # the Messages tab
    shared = services(context)
    refusal = await shared.access.refusal(client, actor_of(context, where.user_id, None, outside_conversations=True))
    await shared.home.publish(client, where, refusal=refusal)
