import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.library import actions as voice_actions
from bot.library import failures as voice_failures
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.listeners.tell import tell
from bot.messages import agents as agents_text
from bot.messages import clone_dialog as dialog_text
from bot.messages import library as library_text
from bot.messages import library_failures
from bot.revring import RevRingError
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


async def handle_use_in_agent(
    ack: AsyncAck, action: dict, client: AsyncWebClient, context: AsyncBoltContext, respond: AsyncRespond
):
    """*Use in an agent*: check the voice and the person, open the dialog at once (a trigger lives 3 seconds), then
    fill it with the workspace's agents."""
    await ack()
    shared = services(context)
    asked = incoming(context)
    try:  # with AGENT_UPDATES=off the button is hidden; an old message may still carry it
        job = await voice_actions.voice_to_give(
            shared.store,
            client,
            asked.where,
            str(action.get("value") or ""),
            agent_updates=shared.settings.agent_updates_mode,
        )
        revring = await voice_actions.revring_for(shared.revring, asked.where)
    except voice_failures.Refused as refused:
        await tell(client, asked, respond, voice_failures.refusal(refused))
        return
    name = job.request.name
    try:
        opened = await client.views_open(trigger_id=asked.trigger_id or "", view=agents_text.agents_loading_modal(name))
    except SLACK_FAILURES as error:
        log.warning("agent dialog not opened", extra={"slack_error": error_code(error)})
        if asked.response_url:
            await respond(text=dialog_text.dialog_did_not_open(), response_type="ephemeral", replace_original=False)
        return
    view_id = str((opened.get("view") or {}).get("id") or "")
    try:
        agents = await revring.list_agents()
    except RevRingError as error:
        explained = voice_failures.explain(error, library_failures.LIST_AGENTS)
        log.info("agents not listed", extra={"cause": explained.cause})
        view = library_text.notice_modal(agents_text.AGENT_DIALOG_TITLE, explained.text)
    else:
        if not agents:
            view = library_text.notice_modal(agents_text.AGENT_DIALOG_TITLE, agents_text.no_agents(name))
        else:
            labels = await voice_actions.agent_labels(shared.store, asked.where, agents)
            view = agents_text.agent_dialog(name, job.id, labels)
    try:
        await client.views_update(view_id=view_id, view=view)
    except SLACK_FAILURES as error:
        log.warning("agent dialog not filled in", extra={"slack_error": error_code(error)})
