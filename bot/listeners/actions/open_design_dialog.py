from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.design.dialogs import open_design_dialog


async def handle_open_design_dialog(ack: AsyncAck, body: dict, client: AsyncWebClient):
    """*Design a voice* (the Home tab): the dialog with the description and how many candidates."""
    await ack()
    # The Home tab has no response_url: when Slack refuses the dialog there is nowhere to say so but the log.
    await open_design_dialog(client, body["trigger_id"], (body.get("user") or {}).get("id", ""))
