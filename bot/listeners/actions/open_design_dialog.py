from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.design.dialogs import open_design_dialog
from bot.listeners.body import incoming


async def handle_open_design_dialog(ack: AsyncAck, client: AsyncWebClient, context: AsyncBoltContext):
    """*Design a voice* (the Home tab): the dialog with the description and how many candidates."""
    await ack()
    asked = incoming(context)
    # The Home tab has no response_url: when Slack refuses the dialog there is nowhere to say so but the log.
    await open_design_dialog(client, asked.trigger_id or "", asked.user_id)
