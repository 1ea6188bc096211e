from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages.library import HomeState


async def handle_home_show(ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """*Mine* / *Everyone* / *Newer* / *Older* in the Home tab: publish that page of the library."""
    await ack()
    await services(context).home.publish(client, incoming(context).where, state=HomeState.decode(action.get("value")))
