"""DATABASE_URL and the database settings: read, checked, and never shown with the password."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET

BASE = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY}


def test_the_database_settings_have_defaults_and_take_postgres():
    settings = Settings.from_env(BASE)
    assert settings.database_url == "sqlite:///voice-cloner.sqlite3"
    assert (settings.database_pool_size, settings.database_statement_timeout_seconds) == (10, 10)
    settings = Settings.from_env(
        {
            **BASE,
            "DATABASE_URL": "postgres://voice:s3cret@db:5432/cloner",
            "DATABASE_POOL_SIZE": "25",
            "DATABASE_STATEMENT_TIMEOUT_SECONDS": "3",
        }
    )
    assert settings.database_url == "postgres://voice:s3cret@db:5432/cloner"
    assert (settings.database_pool_size, settings.database_statement_timeout_seconds) == (25, 3)
    assert "s3cret" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("DATABASE_URL", "mysql://voice:s3cret@db/cloner", "DATABASE_URL must start with sqlite:/// or postgresql://"),
        ("DATABASE_URL", "sqlite:///", "DATABASE_URL names no file"),
        ("DATABASE_POOL_SIZE", "0", "DATABASE_POOL_SIZE must be a whole number from 1 to 1000"),
        ("DATABASE_STATEMENT_TIMEOUT_SECONDS", "soon", "DATABASE_STATEMENT_TIMEOUT_SECONDS must be a whole number"),
    ],
)
def test_a_bad_database_setting_is_named_in_one_line(name: str, value: str, says: str):
    with pytest.raises(ConfigError, match=says) as error:
        Settings.from_env({**BASE, name: value})
    assert "\n" not in str(error.value) and "s3cret" not in str(error.value)
