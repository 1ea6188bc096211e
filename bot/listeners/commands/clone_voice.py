from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.cloning import CloneRequest
from bot.command_text import Intent, parse_clone_text
from bot.services import services
from bot.store import PendingCommand


async def handle_clone_voice(ack: AsyncAck, command: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """`/clone-voice NAME [lang=xx]`: use the audio just shared here, or wait for the next one."""
    shared = services(context)
    settings = shared.settings
    minutes = settings.pending_minutes
    parsed = parse_clone_text(command.get("text", ""), settings.default_language)
    if parsed.intent is Intent.HELP:
        await ack(messages.usage(minutes))
        return
    if parsed.intent is Intent.BAD_LANGUAGE:
        await ack(messages.bad_language(parsed.bad_language))
        return

    team_id = context.team_id or command.get("team_id", "")
    channel_id = command["channel_id"]
    user_id = command["user_id"]
    recent = await shared.store.take_recent_audio(team_id, channel_id, user_id)
    if recent is not None:
        request = CloneRequest(
            team_id=team_id,
            channel_id=channel_id,
            user_id=user_id,
            file=recent.file,
            message_ts=recent.message_ts,
            thread_ts=recent.thread_ts,
            name=parsed.name,
            language=parsed.language,
        )
        if await shared.cloner.accept(request):
            await ack(messages.using_recent_file(recent.file.title, parsed.name, parsed.language))
            shared.cloner.start(client, request)
            return
    await shared.store.save_pending(
        PendingCommand(team_id, channel_id, user_id, name=parsed.name, language=parsed.language)
    )
    await ack(messages.waiting_for_file(parsed.name, parsed.language, minutes))
