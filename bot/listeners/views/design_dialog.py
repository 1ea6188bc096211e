from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.design.dialogs import read_design
from bot.design.limits import DesignsBusy, OverDesignLimit
from bot.design.thread import DesignRequest, design_voices
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import design as design_text
from bot.messages import ids
from bot.messages import revring_connection as connection_text


async def handle_design_dialog(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """*Design a voice* was submitted: problems on the description (the design limits among them, bot.design.limits),
    or close it and design in the person's DM."""
    design, errors = read_design(view)
    if design is None:
        await ack(response_action="errors", errors=errors)
        return
    shared = services(context)
    where = incoming(context).where
    revring = await shared.revring.client_for(where.team_id, where.enterprise_id)
    if revring is None:
        await ack(response_action="errors", errors={ids.DESCRIPTION_BLOCK: connection_text.revring_not_connected()})
        return
    try:
        slot = await shared.designs.admit(where)
    except DesignsBusy:
        await ack(response_action="errors", errors={ids.DESCRIPTION_BLOCK: design_text.designs_busy()})
        return
    except OverDesignLimit as over:
        refusal = design_text.over_the_design_limit(over.limit, over.retry_after_seconds)
        await ack(response_action="errors", errors={ids.DESCRIPTION_BLOCK: refusal})
        return
    with slot:
        await ack()
        request = DesignRequest(
            where.team_id, where.user_id, where.user_id, design.description, design.count, where.enterprise_id
        )
        await design_voices(client, revring, shared.store, shared.metrics, request)
