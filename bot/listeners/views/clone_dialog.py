from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.dialog import DialogTarget, read_submission
from bot.listeners.body import clone_request, incoming
from bot.listeners.services import services
from bot.messages import clone as clone_text
from bot.messages import clone_dialog as dialog_text
from bot.messages import ids
from bot.records import Admission


async def handle_clone_dialog(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The dialog was submitted: show problems on their fields, or close it and start cloning."""
    shared = services(context)
    asked = incoming(context)
    target = DialogTarget.from_metadata(view.get("private_metadata", "")) or DialogTarget(asked.user_id)
    submission, errors = read_submission(view, target, shared.settings)
    if submission is None:
        await ack(response_action="errors", errors=errors)
        return
    request = clone_request(
        asked,
        submission.file,
        channel_id=target.channel_id or asked.user_id,
        message_ts=target.message_ts,
        thread_ts=target.thread_ts,
        name=submission.name,
        language=submission.language,
        language_given=submission.language_given,
        speaker_id=submission.speaker_id,
        speaker_outside=submission.speaker_outside,
    )
    admitted = await shared.cloner.submit(client, request)
    # The shortcut's file has no input of its own to carry an error; the name field does.
    block = ids.NAME_BLOCK if target.file_id else ids.AUDIO_BLOCK
    if admitted.outcome is Admission.DUPLICATE:
        await ack(response_action="errors", errors={block: dialog_text.dialog_file_busy()})
    elif admitted.outcome is Admission.RATE_LIMITED:
        text = clone_text.over_the_hourly_limit(shared.settings.clones_per_hour, admitted.retry_after_seconds)
        await ack(response_action="errors", errors={ids.NAME_BLOCK: text})
    else:
        await ack()
