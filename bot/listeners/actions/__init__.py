from slack_bolt.app.async_app import AsyncApp

from bot.listeners.actions.clone_anyway import handle_clone_anyway
from bot.listeners.actions.consent import handle_consent
from bot.listeners.actions.delete_voice import handle_delete_voice
from bot.listeners.actions.home_show import handle_home_show
from bot.listeners.actions.open_design_dialog import handle_open_design_dialog
from bot.listeners.actions.open_dialog import handle_open_dialog
from bot.listeners.actions.retry import handle_retry
from bot.listeners.actions.revring_key import handle_connect, handle_remove
from bot.listeners.actions.save_candidate import handle_save_candidate
from bot.listeners.actions.undo_agent_change import handle_undo_agent_change
from bot.listeners.actions.use_in_agent import handle_use_in_agent
from bot.listeners.answering import answered
from bot.messages import ids


def register(app: AsyncApp) -> None:
    app.action(ids.OPEN_DIALOG_ACTION)(answered(handle_open_dialog))
    app.action(ids.RETRY_ACTION)(answered(handle_retry))
    app.action(ids.CLONE_ANYWAY_ACTION)(answered(handle_clone_anyway))
    app.action(ids.DESIGN_DIALOG_ACTION)(answered(handle_open_design_dialog))
    app.action(ids.SAVE_CANDIDATE_ACTION)(answered(handle_save_candidate))
    app.action(ids.USE_IN_AGENT_ACTION)(answered(handle_use_in_agent))
    app.action(ids.UNDO_AGENT_CHANGE_ACTION)(answered(handle_undo_agent_change))
    app.action(ids.DELETE_VOICE_ACTION)(answered(handle_delete_voice))
    for action_id in ids.HOME_SHOW_ACTIONS:
        app.action(action_id)(answered(handle_home_show))
    app.action(ids.REVRING_CONNECT_ACTION)(answered(handle_connect))
    app.action(ids.REVRING_REMOVE_ACTION)(answered(handle_remove))
    for action_id in ids.CONSENT_ACTIONS:
        app.action(action_id)(answered(handle_consent))
