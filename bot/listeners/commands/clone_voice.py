import json

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.command_text import Intent, parse_clone_text, speaker_id
from bot.cloning.dialog import DialogTarget, open_clone_dialog
from bot.listeners.access_guard import installation_of
from bot.listeners.body import clone_request, incoming, pending_command
from bot.listeners.commands.design_voice import design_from_command
from bot.listeners.services import services
from bot.messages import clone as clone_text
from bot.messages import clone_dialog as dialog_text
from bot.messages import consent as consent_text
from bot.messages import library as library_text
from bot.records import Admission


async def handle_clone_voice(
    ack: AsyncAck, command: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """`/clone-voice [NAME] [lang=xx]`: the dialog, the audio just shared here, or wait for the next one;
    `/clone-voice design <description>`: voices designed from words."""
    shared = services(context)
    asked = incoming(context)
    settings = shared.settings
    minutes = settings.pending_minutes
    channel_id = asked.channel_id or ""
    parsed = parse_clone_text(command.get("text", ""), settings.default_language)
    if parsed.intent is Intent.HELP:
        await ack(clone_text.usage(minutes, settings.max_audio_mb))
        return
    if parsed.intent is Intent.BAD_LANGUAGE:
        await ack(clone_text.bad_language(parsed.bad_language))
        return
    if parsed.intent is Intent.BAD_SPEAKER:
        await ack(consent_text.unknown_speaker(parsed.bad_speaker))
        return
    if parsed.intent is Intent.LIST:
        jobs = await shared.store.recent_jobs(asked.team_id, limit=20)
        consents = await shared.store.consents_of([job.id for job in jobs])
        listed = library_text.voice_list_text(jobs, consents)
        await ack(text=listed, blocks=library_text.voice_list_blocks(jobs, consents))
        return
    if parsed.intent is Intent.DESIGN:
        await design_from_command(ack, respond, client, context, parsed.description)
        return
    if parsed.intent is Intent.DIALOG:
        await ack()
        opened = await open_clone_dialog(
            client,
            asked.trigger_id or "",
            settings,
            DialogTarget(channel_id),
            language=parsed.language if parsed.language_given else None,
            speaker_id=speaker_id(parsed, asked.user_id),
        )
        if not opened:
            await respond(dialog_text.dialog_did_not_open())
        return

    team_id, user_id = asked.team_id, asked.user_id
    # The slow membership check comes first, so that taking the shared audio (or leaving the command for the
    # file) follows at once, in one transaction: a file arriving meanwhile can't slip between the two.
    member = await shared.membership.includes_bot(client, installation_of(context), channel_id)
    waiting = pending_command(
        asked,
        channel_id,
        name=parsed.name,
        language=parsed.language,
        language_given=parsed.language_given,
        speaker_id=speaker_id(parsed, user_id),
    )
    recent = await shared.store.take_recent_audio_or_wait(team_id, channel_id, user_id, waiting if member else None)
    if recent is not None:
        request = clone_request(
            asked,
            recent.file,
            channel_id=channel_id,
            message_ts=recent.message_ts,
            thread_ts=recent.thread_ts,
            name=parsed.name,
            language=parsed.language,
            language_given=parsed.language_given,
            speaker_id=speaker_id(parsed, user_id),
        )
        admitted = await shared.cloner.submit(client, request)
        if admitted.outcome is Admission.ACCEPTED:
            await ack(clone_text.using_recent_file(recent.file.title, parsed.name, parsed.language))
        elif admitted.outcome is Admission.RATE_LIMITED:
            await ack(clone_text.over_the_hourly_limit(settings.clones_per_hour, admitted.retry_after_seconds))
        else:
            await ack(clone_text.already_cloning_file())
        return
    button_value = json.dumps({"name": parsed.name, **({"language": parsed.language} if parsed.language_given else {})})
    if not member:
        text = clone_text.not_a_member(parsed.name)
        await ack(text=text, blocks=clone_text.not_a_member_blocks(parsed.name, button_value))
        return
    await ack(
        text=clone_text.waiting_for_file(parsed.name, parsed.language, minutes),
        blocks=clone_text.waiting_for_file_blocks(parsed.name, parsed.language, minutes, button_value),
    )
