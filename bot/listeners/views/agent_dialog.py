import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.library import actions as voice_actions
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import agents as agents_text
from bot.messages import ids
from bot.messages import library as library_text
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


def chosen_agent(view: dict) -> str:
    """The agent picked in the dialog, from the static select or the searchable one."""
    fields = ((view.get("state") or {}).get("values") or {}).get(ids.AGENT_BLOCK) or {}
    for action_id in (ids.FIELD_ACTION, ids.AGENT_SEARCH_ACTION):
        option = (fields.get(action_id) or {}).get("selected_option") or {}
        if option.get("value"):
            return str(option["value"])
    return ""


async def handle_agent_dialog(ack: AsyncAck, view: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The agent was chosen: the dialog says it is working (a submission must be answered in 3 seconds), gives the
    agent the voice, then shows how it went. A second submission of the same dialog does nothing."""
    agent_id = chosen_agent(view)
    if not agent_id:
        await ack(response_action="errors", errors={ids.AGENT_BLOCK: agents_text.agent_dialog_needs_agent()})
        return
    shared = services(context)
    where = incoming(context).where
    if not await shared.store.claim(f"agent-dialog:{where.team_id}:{view.get('id')}"):
        await ack()
        return
    await ack(
        response_action="update",
        view=library_text.notice_modal(agents_text.AGENT_DIALOG_TITLE, agents_text.agent_working()),
    )
    text = await voice_actions.give_voice(
        shared.store,
        shared.revring,
        client,
        where,
        str(view.get("private_metadata") or ""),
        agent_id,
        agent_updates=shared.settings.agent_updates_mode,
    )
    try:
        notice = library_text.notice_modal(agents_text.AGENT_DIALOG_TITLE, text)
        await client.views_update(view_id=view["id"], view=notice)
    except SLACK_FAILURES as error:
        log.warning("agent dialog not updated", extra={"slack_error": error_code(error)})
