from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.retries import Retried, Retry
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import clone as clone_text
from bot.messages import consent as consent_text


async def handle_retry(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """ "Try again" on a failed clone: run the same job again from its record (downloading anew)."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    retried = await shared.cloner.retry(client, str(action.get("value") or ""), asked.user_id, asked.team_id)
    text = why_not(retried, shared.settings.clones_per_hour)
    if text:
        await respond(text, replace_original=False, response_type="ephemeral")


def why_not(retried: Retried, clones_per_hour: int) -> str | None:
    """What the person is told when the clone did not start again; None when it did (the thread shows it)."""
    voice = retried.voice
    if retried.outcome is Retry.ALREADY_CLONED and voice is not None and voice.voice_id:
        return clone_text.retry_already_cloned(voice.request.name, voice.voice_id)
    if retried.outcome is Retry.RATE_LIMITED:
        return clone_text.over_the_hourly_limit(clones_per_hour, retried.retry_after_seconds)
    return {
        Retry.ALREADY_RUNNING: clone_text.retry_already_running(),
        Retry.FILE_BUSY: clone_text.already_cloning_file(),
        Retry.NOT_YOURS: clone_text.retry_not_yours(),
        Retry.UNKNOWN: clone_text.retry_request_gone(),
        Retry.NO_CONSENT: consent_text.ask_again(),
    }.get(retried.outcome)
