"""Every setting the bot reads, with its default and the sentence shown when it is wrong: the settings record and
its fields in settings.py, how each kind of value is read and told wrong in reading.py."""

from bot.config.reading import LANGUAGE_PATTERN, ConfigError
from bot.config.settings import (
    DEFAULT_LANGUAGE,
    DEFAULT_REVRING_API_URL,
    DEFAULT_SLACK_API_URL,
    AgentUpdates,
    CloneSettings,
    ConsentMode,
    Settings,
    display_url,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_REVRING_API_URL",
    "DEFAULT_SLACK_API_URL",
    "LANGUAGE_PATTERN",
    "AgentUpdates",
    "CloneSettings",
    "ConfigError",
    "ConsentMode",
    "Settings",
    "display_url",
]
