import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.library import actions as voice_actions
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


def chosen_agent(view: dict) -> str:
    """The agent picked in the dialog, from the static select or the searchable one."""
    fields = ((view.get("state") or {}).get("values") or {}).get(messages.AGENT_BLOCK) or {}
    for action_id in (messages.FIELD_ACTION, messages.AGENT_SEARCH_ACTION):
        option = (fields.get(action_id) or {}).get("selected_option") or {}
        if option.get("value"):
            return str(option["value"])
    return ""


async def handle_agent_dialog(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The agent was chosen: the dialog says it is working (a submission must be answered in 3 seconds), gives the
    agent the voice, then shows how it went. A second submission of the same dialog does nothing."""
    agent_id = chosen_agent(view)
    if not agent_id:
        await ack(response_action="errors", errors={messages.AGENT_BLOCK: messages.agent_dialog_needs_agent()})
        return
    shared = services(context)
    where = incoming(context).where
    if not await shared.store.claim(f"agent-dialog:{where.team_id}:{view.get('id')}"):
        await ack()
        return
    await ack(response_action="update",
              view=messages.notice_modal(messages.AGENT_DIALOG_TITLE, messages.agent_working()))
    text = await voice_actions.give_voice(shared.store, shared.revring, client, where,
                                          str(view.get("private_metadata") or ""), agent_id,
                                          agent_updates=shared.settings.agent_updates)
    try:
        await client.views_update(view_id=view["id"], view=messages.notice_modal(messages.AGENT_DIALOG_TITLE, text))
    except SLACK_FAILURES as error:
        log.warning("agent dialog not updated", extra={"slack_error": error_code(error)})
