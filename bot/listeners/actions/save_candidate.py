from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.design.dialogs import SaveTarget, open_save_dialog, save_refusal
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import clone_dialog as dialog_text
from bot.messages import design as design_text


async def handle_save_candidate(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """*Save as a voice…* under a designed candidate: ask for the name and language, unless its hour is over or the
    person may not save it."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    candidate = await shared.store.get_candidate(asked.team_id, str(action.get("value") or ""))
    if candidate is None or candidate.expired:
        await respond(design_text.candidate_expired(), replace_original=False, response_type="ephemeral")
        return
    refusal = await save_refusal(client, asked.where, candidate)
    if refusal is not None:
        await respond(refusal, replace_original=False, response_type="ephemeral")
        return
    target = SaveTarget(candidate.id, candidate.channel_id, asked.message[1] if asked.message else None)
    if not await open_save_dialog(client, asked.trigger_id or "", shared.settings, target, candidate.index):
        await respond(dialog_text.dialog_did_not_open(), replace_original=False, response_type="ephemeral")
