from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.library import actions as voice_actions
from bot.library.actions import Where
from bot.library.home import publish_home_for
from bot.listeners.tell import team_of, tell
from bot.messages.library import HomeState
from bot.services import services


async def handle_delete_voice(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient,
                              context: AsyncBoltContext, respond: AsyncRespond):
    """*Delete* (after Slack's confirmation), on the voice's message or in the library."""
    await ack()
    shared = services(context)
    where = Where(team_of(context, body), context.enterprise_id, (body.get("user") or {}).get("id", ""))
    text = await voice_actions.delete_voice(shared, client, where, str(action.get("value") or ""))
    if text is not None:
        await tell(client, body, respond, text)
    view = body.get("view") or {}
    if view.get("type") == "home":  # the library drops it (or shows it again, after a failure)
        await publish_home_for(shared, client, where.user_id, team_id=where.team_id, enterprise_id=where.enterprise_id,
                               state=HomeState.decode(view.get("private_metadata")))
