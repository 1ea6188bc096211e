from slack_bolt.app.async_app import AsyncApp

from bot.listeners.events.app_home_opened import handle_app_home_opened
from bot.listeners.events.file_change import handle_file_change
from bot.listeners.events.file_share import handle_file_share
from bot.listeners.events.ignored import acknowledge_only
from bot.listeners.events.uninstalled import handle_app_uninstalled, handle_tokens_revoked


def register(app: AsyncApp) -> None:
    # Bolt runs the first listener that matches, so the file-share handler comes before the catch-all.
    app.event({"type": "message", "subtype": "file_share"})(handle_file_share)
    # Every other message in the bot's channels, and file_shared (which repeats each upload without a
    # thread), is acknowledged and left alone; an unhandled event would make Slack retry it.
    app.event("message")(acknowledge_only)
    app.event("file_shared")(acknowledge_only)
    app.event("file_change")(handle_file_change)  # a consent clip's transcription (CONSENT=recorded)
    app.event("app_home_opened")(handle_app_home_opened)
    app.event("app_uninstalled")(handle_app_uninstalled)
    app.event("tokens_revoked")(handle_tokens_revoked)
