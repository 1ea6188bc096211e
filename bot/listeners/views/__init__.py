from slack_bolt.app.async_app import AsyncApp

from bot import messages
from bot.listeners.views.clone_dialog import handle_clone_dialog
from bot.listeners.views.revring_key import handle_key_dialog


def register(app: AsyncApp) -> None:
    app.view(messages.DIALOG_CALLBACK_ID)(handle_clone_dialog)
    app.view(messages.REVRING_KEY_CALLBACK_ID)(handle_key_dialog)
