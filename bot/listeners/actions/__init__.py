from slack_bolt.app.async_app import AsyncApp

from bot import messages
from bot.listeners.actions.open_dialog import handle_open_dialog
from bot.listeners.actions.retry import handle_retry
from bot.listeners.actions.revring_key import handle_connect, handle_remove


def register(app: AsyncApp) -> None:
    app.action(messages.OPEN_DIALOG_ACTION)(handle_open_dialog)
    app.action(messages.RETRY_ACTION)(handle_retry)
    app.action(messages.REVRING_CONNECT_ACTION)(handle_connect)
    app.action(messages.REVRING_REMOVE_ACTION)(handle_remove)
