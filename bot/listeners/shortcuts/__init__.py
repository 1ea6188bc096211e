from slack_bolt.app.async_app import AsyncApp

from bot import messages
from bot.listeners.shortcuts.clone_from_message import handle_clone_from_message


def register(app: AsyncApp) -> None:
    app.shortcut(messages.SHORTCUT_CALLBACK_ID)(handle_clone_from_message)
