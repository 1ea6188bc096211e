"""Slack surfaces: each sub-package registers its handlers on the Bolt app."""

from slack_bolt.app.async_app import AsyncApp

from bot.listeners import actions, commands, events, functions, options, shortcuts, views
from bot.listeners.access_guard import guard_access
from bot.listeners.body import remember


def register_listeners(app: AsyncApp) -> None:
    app.use(remember)  # the request read once: who, which workspace and org, what kind
    app.use(guard_access)
    commands.register(app)
    events.register(app)
    functions.register(app)
    actions.register(app)
    shortcuts.register(app)
    views.register(app)
    options.register(app)
