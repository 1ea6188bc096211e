from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.cloning import Retry
from bot.services import services


async def handle_retry(ack: AsyncAck, body: dict, action: dict, client: AsyncWebClient, context: AsyncBoltContext,
                       respond: AsyncRespond):
    """"Try again" on a failed clone: run the same job again from its record (downloading anew)."""
    await ack()
    user_id = (body.get("user") or {}).get("id", "")
    outcome = await services(context).cloner.retry(client, str(action.get("value") or ""), user_id)
    text = {
        Retry.ALREADY_RUNNING: messages.retry_already_running(),
        Retry.NOT_YOURS: messages.retry_not_yours(),
        Retry.UNKNOWN: messages.retry_already_running(),
    }.get(outcome)
    if text:
        await respond(text, replace_original=False, response_type="ephemeral")
