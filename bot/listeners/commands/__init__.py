from slack_bolt.app.async_app import AsyncApp

from bot.listeners.answering import answered
from bot.listeners.commands.clone_voice import handle_clone_voice

COMMAND = "/clone-voice"


def register(app: AsyncApp) -> None:
    app.command(COMMAND)(answered(handle_clone_voice))
