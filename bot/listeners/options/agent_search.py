import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.library import actions as voice_actions
from bot.library.failures import NotConnected
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import agents as agents_text
from bot.revring import Agent, RevRingError

log = logging.getLogger(__name__)


async def handle_agent_search(ack: AsyncAck, options: dict, context: AsyncBoltContext):
    """The agent select past Slack's 100 options: the agents whose name holds what was typed (first 100)."""
    shared = services(context)
    where = incoming(context).where
    query = str(options.get("value") or "").casefold().strip()
    agents: list[Agent] = []
    try:
        revring = await voice_actions.revring_for(shared.revring, where)
        agents = await revring.list_agents()
    except NotConnected:
        pass
    except RevRingError as error:
        log.info("agents not listed for the search", extra={"cause": error.cause})
    matching = [agent for agent in agents if query in agent.name.casefold()][: agents_text.MAX_STATIC_OPTIONS]
    labels = await voice_actions.agent_labels(shared.store, where, matching)
    await ack(options=agents_text.agent_options(labels))
