from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.body import changed_file_id, incoming
from bot.listeners.services import services


async def handle_file_change(event: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """A file changed: when it is a clip a speaker recorded for their consent, Slack's transcription may be done."""
    file_id = changed_file_id(event)
    if file_id:
        await services(context).cloner.consent.clips.file_changed(client, incoming(context).team_id, file_id)
