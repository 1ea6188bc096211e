"""Workflow Builder custom steps the app offers (manifest.yml's `functions`)."""

from slack_bolt.app.async_app import AsyncApp

from bot.cloning.workflow_step import CALLBACK_ID
from bot.listeners.answering import answered
from bot.listeners.functions.clone_voice_step import handle_clone_voice_step


def register(app: AsyncApp) -> None:
    # Bolt acknowledges the `function_executed` event itself (auto_acknowledge) as soon as `answered` returns, which
    # is at once: the run is taken in afterwards, in a task.
    app.function(CALLBACK_ID)(answered(handle_clone_voice_step))
