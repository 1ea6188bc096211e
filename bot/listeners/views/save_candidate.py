from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.design.dialogs import SaveTarget, read_save, save_refusal
from bot.listeners.body import clone_request, incoming
from bot.listeners.services import services
from bot.messages import clone as clone_text
from bot.messages import design as design_text
from bot.messages import ids
from bot.messages import revring_connection as connection_text
from bot.records import Admission, SharedFile


async def handle_save_candidate_dialog(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """*Save as a voice…* was submitted: the candidate's uploaded preview is cloned like any shared recording."""
    shared = services(context)
    save, errors = read_save(view, shared.settings)
    if save is None:
        await ack(response_action="errors", errors=errors)
        return
    asked = incoming(context)
    target = SaveTarget.from_metadata(view.get("private_metadata", ""))
    candidate = await shared.store.get_candidate(asked.team_id, target.candidate_id) if target else None
    if target is None or candidate is None or candidate.expired:
        await ack(response_action="errors", errors={ids.NAME_BLOCK: design_text.candidate_expired()})
        return
    refusal = await save_refusal(client, asked.where, candidate)  # a forged submission is refused here too
    if refusal is not None:
        await ack(response_action="errors", errors={ids.NAME_BLOCK: refusal})
        return
    if await shared.revring.client_for(asked.team_id, asked.enterprise_id) is None:
        await ack(response_action="errors", errors={ids.NAME_BLOCK: connection_text.revring_not_connected()})
        return
    # The preview is a Slack file like any shared recording (completed with files.info when cloning).
    request = clone_request(
        asked,
        SharedFile(candidate.file_id),
        channel_id=candidate.channel_id,
        message_ts=target.message_ts,
        thread_ts=candidate.thread_ts,
        name=save.name,
        language=save.language,
        designed=True,
    )
    admitted = await shared.cloner.submit(client, request)
    if admitted.outcome is Admission.DUPLICATE:
        await ack(response_action="errors", errors={ids.NAME_BLOCK: design_text.candidate_already_saving()})
    elif admitted.outcome is Admission.RATE_LIMITED:
        text = clone_text.over_the_hourly_limit(shared.settings.clones_per_hour, admitted.retry_after_seconds)
        await ack(response_action="errors", errors={ids.NAME_BLOCK: text})
    else:
        await ack()
