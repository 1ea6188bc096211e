from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.retries import Retry
from bot.listeners.actions.retry import why_not
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import recording as recording_text


async def handle_clone_anyway(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """*Clone anyway* under a take the quality check held back: a Try again that sends the take as it is, for the
    person who asked only, once, counted toward the hourly limit."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    retried = await shared.cloner.retry(
        client, str(action.get("value") or ""), asked.user_id, asked.team_id, anyway=True
    )
    if retried.outcome is Retry.NOT_YOURS:
        text: str | None = recording_text.anyway_not_yours()
    elif retried.outcome is Retry.NOT_HELD:
        text = recording_text.anyway_not_held()
    else:
        text = why_not(retried, shared.settings.clones_per_hour)
    if text:
        await respond(text, replace_original=False, response_type="ephemeral")
