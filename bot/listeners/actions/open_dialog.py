import json

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.dialog import DialogTarget, open_clone_dialog
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import clone_dialog as dialog_text


async def handle_open_dialog(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """ "Upload in a dialog instead": the same dialog, with the name already typed."""
    await ack()
    settings = services(context).settings
    asked = incoming(context)
    try:
        typed = json.loads(action.get("value") or "{}")
    except (ValueError, TypeError):
        typed = {}
    typed = typed if isinstance(typed, dict) else {}
    opened = await open_clone_dialog(
        client,
        asked.trigger_id or "",
        settings,
        DialogTarget(asked.channel_id or asked.user_id),
        name=str(typed.get("name") or ""),
        language=str(typed.get("language") or "") or None,
    )
    if not opened:
        await respond(dialog_text.dialog_did_not_open(), replace_original=False)
