from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.command_text import clean_name
from bot.cloning.dialog import DialogTarget, open_clone_dialog
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import clone as clone_text
from bot.messages import clone_dialog as dialog_text
from bot.slack.shapes import looks_like_audio, shared_file


async def handle_clone_from_message(
    ack: AsyncAck, shortcut: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """ "Clone voice from audio" on a message: the dialog with that message's audio already chosen."""
    await ack()
    message = shortcut.get("message") or {}
    files = [shared_file(f) for f in message.get("files") or [] if isinstance(f, dict)]
    audio = next((f for f in files if looks_like_audio(f)), None)
    if audio is None:
        await respond(clone_text.no_audio_in_message())
        return
    message_ts = message.get("ts") or shortcut.get("message_ts")
    asked = incoming(context)
    target = DialogTarget(
        channel_id=asked.channel_id or "",
        thread_ts=message.get("thread_ts") or message_ts,
        message_ts=message_ts,
        file_id=audio.id,
    )
    opened = await open_clone_dialog(
        client,
        asked.trigger_id or "",
        services(context).settings,
        target,
        name=clean_name(audio.title.rsplit(".", 1)[0]),
        fixed_file_title=audio.title or audio.name,
    )
    if not opened:
        await respond(dialog_text.dialog_did_not_open())
