from slack_bolt.app.async_app import AsyncApp

from bot import messages
from bot.listeners.options.agent_search import handle_agent_search


def register(app: AsyncApp) -> None:
    app.options(messages.AGENT_SEARCH_ACTION)(handle_agent_search)
