import logging

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.library import actions as voice_actions
from bot.library.failures import Refused
from bot.listeners.body import incoming
from bot.listeners.services import services
from bot.messages import agents as agents_text
from bot.revring import Agent, RevRingError

log = logging.getLogger(__name__)


async def handle_agent_search(ack: AsyncAck, options: dict, client: AsyncWebClient, context: AsyncBoltContext):
    """The agent select past Slack's 100 options: the agents whose name holds what was typed (first 100), for those
    who may give the dialog's voice (its private_metadata) to an agent; nothing for anyone else."""
    shared = services(context)
    asked = incoming(context)
    where = asked.where
    query = str(options.get("value") or "").casefold().strip()
    agents: list[Agent] = []
    try:
        await voice_actions.voice_to_give(
            shared.store,
            client,
            where,
            str(asked.view.get("private_metadata") or ""),
            agent_updates=shared.settings.agent_updates_mode,
        )
        revring = await voice_actions.revring_for(shared.revring, where)
        agents = await revring.list_agents()
    except Refused:
        pass
    except RevRingError as error:
        log.info("agents not listed for the search", extra={"cause": error.cause})
    matching = [agent for agent in agents if query in agent.name.casefold()][: agents_text.MAX_STATIC_OPTIONS]
    labels = await voice_actions.agent_labels(shared.store, where, matching)
    await ack(options=agents_text.agent_options(labels))
