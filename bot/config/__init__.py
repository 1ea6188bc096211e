"""Every setting the bot reads, with its default and the sentence shown when it is wrong: the settings record and
its fields in settings.py, how each kind of value is read and told wrong in reading.py."""

from bot.config.reading import DEBUG_ALL, DISTRIBUTION_SETTINGS, LANGUAGE_PATTERN, LOG_LEVELS, ConfigError
from bot.config.settings import (
    DEFAULT_LANGUAGE,
    DEFAULT_LOG_LEVEL,
    DEFAULT_REVRING_API_URL,
    DEFAULT_SLACK_API_URL,
    CloneSettings,
    Settings,
    display_url,
)

__all__ = [
    "DEBUG_ALL",
    "DEFAULT_LANGUAGE",
    "DEFAULT_LOG_LEVEL",
    "DEFAULT_REVRING_API_URL",
    "DEFAULT_SLACK_API_URL",
    "DISTRIBUTION_SETTINGS",
    "LANGUAGE_PATTERN",
    "LOG_LEVELS",
    "CloneSettings",
    "ConfigError",
    "Settings",
    "display_url",
]
