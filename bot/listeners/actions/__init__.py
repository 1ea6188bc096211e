from slack_bolt.app.async_app import AsyncApp

from bot import messages
from bot.listeners.actions.open_design_dialog import handle_open_design_dialog
from bot.listeners.actions.open_dialog import handle_open_dialog
from bot.listeners.actions.retry import handle_retry
from bot.listeners.actions.save_candidate import handle_save_candidate


def register(app: AsyncApp) -> None:
    app.action(messages.OPEN_DIALOG_ACTION)(handle_open_dialog)
    app.action(messages.RETRY_ACTION)(handle_retry)
    app.action(messages.DESIGN_DIALOG_ACTION)(handle_open_design_dialog)
    app.action(messages.SAVE_CANDIDATE_ACTION)(handle_save_candidate)
