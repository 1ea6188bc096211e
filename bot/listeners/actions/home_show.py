from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.library.home import publish_home_for
from bot.listeners.tell import team_of
from bot.messages.library import HomeState
from bot.services import services


async def handle_home_show(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                           context: AsyncBoltContext):
    """*Mine* / *Everyone* / *Newer* / *Older* in the Home tab: publish that page of the library."""
    await ack()
    shared = services(context)
    await publish_home_for(shared, client, (body.get("user") or {}).get("id", ""), team_id=team_of(context, body),
                           enterprise_id=context.enterprise_id, state=HomeState.decode(action.get("value")))
