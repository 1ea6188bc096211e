from slack_bolt.app.async_app import AsyncApp

from bot.listeners.answering import answered
from bot.listeners.views.agent_dialog import handle_agent_dialog
from bot.listeners.views.clone_dialog import handle_clone_dialog
from bot.listeners.views.design_dialog import handle_design_dialog
from bot.listeners.views.revring_key import handle_key_dialog
from bot.listeners.views.save_candidate import handle_save_candidate_dialog
from bot.messages import ids


def register(app: AsyncApp) -> None:
    app.view(ids.DIALOG_CALLBACK_ID)(answered(handle_clone_dialog))
    app.view(ids.DESIGN_CALLBACK_ID)(answered(handle_design_dialog))
    app.view(ids.SAVE_CALLBACK_ID)(answered(handle_save_candidate_dialog))
    app.view(ids.AGENT_DIALOG_CALLBACK_ID)(answered(handle_agent_dialog))
    app.view(ids.REVRING_KEY_CALLBACK_ID)(answered(handle_key_dialog))
