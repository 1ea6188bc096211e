from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.library import actions as voice_actions
from bot.library.actions import Where
from bot.listeners.tell import team_of, tell
from bot.services import services


async def handle_undo_agent_change(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                                   context: AsyncBoltContext, respond: AsyncRespond):
    """*Undo* under "Agent X now speaks with Y": the agent's old voice back, once."""
    await ack()
    where = Where(team_of(context, body), context.enterprise_id, (body.get("user") or {}).get("id", ""))
    container = body.get("container") or {}
    message = ((container["channel_id"], container["message_ts"])
               if container.get("channel_id") and container.get("message_ts") else None)
    text = await voice_actions.undo_change(services(context), client, where, str(action.get("value") or ""), message)
    if text is not None:
        await tell(client, body, respond, text)
