from slack_bolt.app.async_app import AsyncApp

from bot.listeners.answering import answered
from bot.listeners.options.agent_search import handle_agent_search
from bot.messages import ids


def register(app: AsyncApp) -> None:
    app.options(ids.AGENT_SEARCH_ACTION)(answered(handle_agent_search))
