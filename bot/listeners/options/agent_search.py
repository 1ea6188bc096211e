import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.library import actions as voice_actions
from bot.library.actions import Where
from bot.listeners.tell import team_of
from bot.messages import agents as agents_text
from bot.revring import RevRingError
from bot.services import services

log = logging.getLogger(__name__)


async def handle_agent_search(ack: AsyncAck, body: dict, context: AsyncBoltContext):
    """The agent select past Slack's 100 options: the agents whose name holds what was typed (first 100)."""
    shared = services(context)
    where = Where(team_of(context, body), context.enterprise_id, (body.get("user") or {}).get("id", ""))
    query = str(body.get("value") or "").casefold().strip()
    revring = await voice_actions.revring_for(shared, where)
    agents = []
    if not isinstance(revring, str):
        try:
            agents = await revring.list_agents()
        except RevRingError as error:
            log.info("agents not listed for the search", extra={"cause": error.cause})
    matching = [agent for agent in agents if query in agent.name.casefold()][: agents_text.MAX_STATIC_OPTIONS]
    labels = await voice_actions.agent_labels(shared, where, matching)
    await ack(options=agents_text.agent_options(labels))
