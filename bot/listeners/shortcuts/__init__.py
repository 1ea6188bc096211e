from slack_bolt.app.async_app import AsyncApp

from bot.listeners.answering import answered
from bot.listeners.shortcuts.clone_from_message import handle_clone_from_message
from bot.messages import ids


def register(app: AsyncApp) -> None:
    app.shortcut(ids.SHORTCUT_CALLBACK_ID)(answered(handle_clone_from_message))
