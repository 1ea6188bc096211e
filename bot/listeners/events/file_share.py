from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.command_text import Intent, clean_name, parse_clone_text, speaker_id
from bot.listeners.access_guard import actor_of
from bot.listeners.body import clone_request, in_direct_message, incoming, recent_audio
from bot.listeners.services import Services, services
from bot.messages import clone as clone_text
from bot.messages import consent as consent_text
from bot.records import Admission, CloneRequest, SharedFile
from bot.slack.shapes import looks_like_audio, shared_file


async def handle_file_share(event: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """A file was shared: clone it if the bot was mentioned or a command waits; else remember audio quietly."""
    shared = services(context)
    asked = incoming(context)
    user_id = asked.user_id
    channel_id = asked.channel_id
    message_ts = event.get("ts")
    files = [shared_file(f) for f in event.get("files") or [] if isinstance(f, dict)]
    if not user_id or not channel_id or not message_ts or not files or event.get("bot_id"):
        return
    team_id = asked.team_id
    # Slack redelivers events it thinks were missed; one message is handled once.
    if not await shared.store.claim(f"message:{team_id}:{channel_id}:{message_ts}"):
        return
    thread_ts = event.get("thread_ts") or message_ts
    audio = next((f for f in files if looks_like_audio(f)), None)
    if audio is not None and in_direct_message(event):  # a speaker's clip read aloud for their consent?
        thread = event.get("thread_ts")
        if await shared.cloner.consent.take_clip(client, asked.where, audio, channel_id=channel_id, thread_ts=thread):
            return

    def request(file: SharedFile, name: str, language: str, given: bool, speaker: str | None) -> CloneRequest:
        return clone_request(
            asked,
            file,
            channel_id=channel_id,
            message_ts=message_ts,
            thread_ts=thread_ts,
            name=name,
            language=language,
            language_given=given,
            speaker_id=speaker,
        )

    mention = f"<@{context.bot_user_id}>" if context.bot_user_id else None
    text = event.get("text") or ""
    if mention and mention in text:
        parsed = parse_clone_text(text.replace(mention, " "), shared.settings.default_language)
        if parsed.intent in (Intent.BAD_LANGUAGE, Intent.BAD_SPEAKER):
            said = (
                clone_text.bad_language(parsed.bad_language)
                if parsed.intent is Intent.BAD_LANGUAGE
                else consent_text.unknown_speaker(parsed.bad_speaker)
            )
            await client.chat_postEphemeral(channel=channel_id, user=user_id, text=said)
            return
        # This file answers any command still waiting here, so the next audio shared is not cloned as well.
        await shared.store.take_pending(team_id, channel_id, user_id)
        file = audio or files[0]
        name = parsed.name if parsed.intent is Intent.CLONE else clean_name(file.title.rsplit(".", 1)[0])
        language = parsed.language or shared.settings.default_language
        speaker = speaker_id(parsed, user_id)
        await _clone(shared, client, context, request(file, name or "Voice", language, parsed.language_given, speaker))
        return

    # A waiting command takes this file; without one, audio is kept for the next command (in one transaction: a
    # command typed at the same moment meets it, see Inbox.take_recent_audio_or_wait).
    kept = recent_audio(asked, channel_id, audio, message_ts=message_ts, thread_ts=thread_ts) if audio else None
    pending = await shared.store.take_pending_or_keep_audio(team_id, channel_id, user_id, kept)
    if pending is not None:
        # Access was checked when the command was typed; nothing slow may come between taking it and the job.
        await _clone(
            shared,
            client,
            context,
            request(audio or files[0], pending.name, pending.language, pending.language_given, pending.speaker_id),
            checked=True,
        )
        return


async def _clone(
    shared: Services, client: AsyncWebClient, context: AsyncBoltContext, request: CloneRequest, *, checked: bool = False
) -> None:
    refusal = (
        None if checked else await shared.access.refusal(client, actor_of(context, request.user_id, request.channel_id))
    )
    if refusal is not None:
        await client.chat_postEphemeral(channel=request.channel_id, user=request.user_id, text=refusal)
        return
    admitted = await shared.cloner.submit(client, request)
    if admitted.outcome is Admission.RATE_LIMITED:
        text = clone_text.over_the_hourly_limit(shared.settings.clones_per_hour, admitted.retry_after_seconds)
        await client.chat_postEphemeral(channel=request.channel_id, user=request.user_id, text=text)
    elif admitted.outcome is Admission.DUPLICATE:  # as the other ways in do: point to the first answer
        await client.chat_postEphemeral(
            channel=request.channel_id, user=request.user_id, text=clone_text.already_cloning_file()
        )
