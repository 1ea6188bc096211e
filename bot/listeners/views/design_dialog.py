from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.design.dialogs import read_design
from bot.design.thread import DesignRequest, design_voices
from bot.messages import ids
from bot.messages import revring_connection as connection_text
from bot.services import services


async def handle_design_dialog(ack: AsyncAck, body: dict, view: dict, client: AsyncWebClient,
                               context: AsyncBoltContext):
    """*Design a voice* was submitted: problems on the description, or close it and design in the person's DM."""
    design, errors = read_design(view)
    if design is None:
        await ack(response_action="errors", errors=errors)
        return
    shared = services(context)
    team_id = context.team_id or (body.get("team") or {}).get("id", "")
    revring = await shared.revring.client_for(team_id, context.enterprise_id)
    if revring is None:
        await ack(response_action="errors", errors={ids.DESCRIPTION_BLOCK: connection_text.revring_not_connected()})
        return
    await ack()
    user_id = (body.get("user") or {}).get("id", "")
    request = DesignRequest(team_id, user_id, user_id, design.description, design.count)
    await design_voices(client, revring, shared.store, shared.metrics, request)
