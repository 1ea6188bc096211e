from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.design.limits import DesignsBusy, OverDesignLimit
from bot.design.thread import DEFAULT_CANDIDATES, DesignRequest, description_problem, design_voices
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import design as design_text
from bot.messages import revring_connection as connection_text
from bot.revring import MAX_INSTRUCTION_LENGTH


async def design_from_command(
    ack: AsyncAck, respond: AsyncRespond, client: AsyncWebClient, context: AsyncBoltContext, description: str
) -> None:
    """`/clone-voice design <description>`: three candidates in a thread in this conversation (or the DM), within
    the design limits (bot.design.limits)."""
    problem = description_problem(description)
    if problem is not None:
        await ack(design_text.design_usage(MAX_INSTRUCTION_LENGTH, problem))
        return
    shared = services(context)
    asked = incoming(context)
    revring = await shared.revring.client_for(asked.team_id, asked.enterprise_id)
    if revring is None:
        await ack(connection_text.revring_not_connected())
        return
    try:
        slot = await shared.designs.admit(asked.where)
    except DesignsBusy:
        await ack(design_text.designs_busy())
        return
    except OverDesignLimit as over:
        await ack(design_text.over_the_design_limit(over.limit, over.retry_after_seconds))
        return
    with slot:
        await ack(design_text.design_started(DEFAULT_CANDIDATES))
        request = DesignRequest(
            asked.team_id,
            asked.user_id,
            asked.channel_id or asked.user_id,
            description,
            DEFAULT_CANDIDATES,
            asked.enterprise_id,
        )
        thread = await design_voices(client, revring, shared.store, shared.metrics, request)
    if thread is None:
        await respond(design_text.design_not_posted())
    elif thread.moved:
        await respond(design_text.design_moved_to_dm())
