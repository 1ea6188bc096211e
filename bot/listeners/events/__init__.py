from slack_bolt.app.async_app import AsyncApp

from bot.listeners.answering import answered
from bot.listeners.events.app_home_opened import handle_app_home_opened
from bot.listeners.events.file_change import handle_file_change
from bot.listeners.events.file_share import handle_file_share
from bot.listeners.events.ignored import acknowledge_only
from bot.listeners.events.uninstalled import handle_app_uninstalled, handle_tokens_revoked


def register(app: AsyncApp) -> None:
    # Bolt runs the first listener that matches, so the file-share handler comes before the catch-all.
    app.event({"type": "message", "subtype": "file_share"})(answered(handle_file_share))
    # Every other message in the bot's channels, and file_shared (which repeats each upload without a
    # thread), is acknowledged and left alone; an unhandled event would make Slack retry it.
    app.event("message")(answered(acknowledge_only))
    app.event("file_shared")(answered(acknowledge_only))
    app.event("file_change")(answered(handle_file_change))  # a consent clip's transcription (CONSENT=recorded)
    app.event("app_home_opened")(answered(handle_app_home_opened))
    app.event("app_uninstalled")(answered(handle_app_uninstalled))
    app.event("tokens_revoked")(answered(handle_tokens_revoked))
