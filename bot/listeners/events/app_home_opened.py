from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.access_guard import publish_home
from bot.listeners.body import incoming


async def handle_app_home_opened(event: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The Home tab was opened: publish the voice library (or, to someone who may not use the bot, why not)."""
    where = incoming(context).where
    if event.get("tab") != "home" or not where.user_id:
        return  # the Messages tab
    await publish_home(context, client, where)
