from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.revring_connection import publish_home
from bot.services import services


async def handle_app_home_opened(event: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """Someone opened the app's Home tab: show it as they may see it (the Messages tab needs nothing)."""
    if event.get("tab") == "home" and event.get("user"):
        await publish_home(services(context), client, context, str(event["user"]))
