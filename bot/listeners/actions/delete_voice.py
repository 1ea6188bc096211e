from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.library import actions as voice_actions
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.listeners.tell import tell
from bot.messages.library import HomeState


async def handle_delete_voice(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """*Delete* (after Slack's confirmation), on the voice's message or in the library."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    text = await voice_actions.delete_voice(
        shared.store, shared.revring, client, asked.where, str(action.get("value") or "")
    )
    if text is not None:
        await tell(client, asked, respond, text)
    if asked.view.get("type") == "home":  # the library drops it (or shows it again, after a failure)
        await shared.home.publish(client, asked.where, state=HomeState.decode(asked.view.get("private_metadata")))
