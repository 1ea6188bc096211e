"""Workflow Builder custom steps the app offers (manifest.yml's `functions`)."""

from slack_bolt.app.async_app import AsyncApp

from bot.cloning.workflow_step import CALLBACK_ID
from bot.listeners.functions.clone_voice_step import handle_clone_voice_step


def register(app: AsyncApp) -> None:
    # Bolt acknowledges the `function_executed` event itself, before the handler runs (auto_acknowledge).
    app.function(CALLBACK_ID)(handle_clone_voice_step)
