from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.library import actions as voice_actions
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.listeners.tell import tell


async def handle_undo_agent_change(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """*Undo* under "Agent X now speaks with Y": the agent's old voice back, once."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    text = await voice_actions.undo_change(
        shared.store,
        shared.revring,
        client,
        asked.where,
        str(action.get("value") or ""),
        asked.message,
        agent_updates=shared.settings.agent_updates_mode,
    )
    if text is not None:
        await tell(client, asked, respond, text)
