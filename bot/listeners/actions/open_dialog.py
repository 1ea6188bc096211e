import json

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.dialog import DialogTarget, open_clone_dialog
from bot.messages import clone_dialog as dialog_text
from bot.services import services


async def handle_open_dialog(
    ack: AsyncAck, body: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """"Upload in a dialog instead": the same dialog, with the name already typed."""
    await ack()
    settings = services(context).settings
    try:
        typed = json.loads(body["actions"][0].get("value") or "{}")
    except (ValueError, KeyError, IndexError, AttributeError):
        typed = {}
    typed = typed if isinstance(typed, dict) else {}
    channel_id = (body.get("channel") or {}).get("id") or (body.get("user") or {}).get("id", "")
    opened = await open_clone_dialog(
        client,
        body["trigger_id"],
        settings,
        DialogTarget(channel_id),
        name=str(typed.get("name") or ""),
        language=str(typed.get("language") or "") or None,
    )
    if not opened:
        await respond(dialog_text.dialog_did_not_open(), replace_original=False)
