"""Slack surfaces: each sub-package registers its handlers on the Bolt app."""

from slack_bolt.app.async_app import AsyncApp

from bot.listeners import actions, commands, events, shortcuts, views


def register_listeners(app: AsyncApp) -> None:
    commands.register(app)
    events.register(app)
    actions.register(app)
    shortcuts.register(app)
    views.register(app)
