from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.services import services


async def handle_retry(ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext,
                       respond: AsyncRespond):
    """"Try again" on a failed clone: run the same job again from its record (downloading anew)."""
    await ack()
    job = await services(context).cloner.retry(client, str(action.get("value") or ""))
    if job is None:
        await respond(messages.retry_already_running(), replace_original=False, response_type="ephemeral")
