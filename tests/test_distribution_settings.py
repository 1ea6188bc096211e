"""Distribution mode's settings: which mode the settings describe, one line when they mix or half-describe one, and
`python -m bot check` (credentials, ENCRYPTION_KEY, the database's workspaces: counts only)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.check.command import run_checks
from bot.config import ConfigError, Settings
from bot.workspaces.key_vault import KeyVault, masked
from tests.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.distribution import ACME_KEY, ENCRYPTION_KEY, OLD_ENCRYPTION_KEY, REVRING_KEYS, distribution_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack

CLIENT = {
    "SLACK_CLIENT_ID": "1234567890.9876543210",
    "SLACK_CLIENT_SECRET": "0123456789abcdef0123456789abcdef",
    "ENCRYPTION_KEY": ENCRYPTION_KEY,
}


def problems(**env: str) -> list[str]:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"SLACK_SIGNING_SECRET": SIGNING_SECRET, **env})
    return raised.value.problems


def test_distribution_needs_no_bot_token_and_no_revring_key():
    settings = Settings.from_env({"SLACK_SIGNING_SECRET": SIGNING_SECRET, **CLIENT})
    assert settings.distribution and settings.slack_bot_token is None and settings.revring_api_key is None
    assert CLIENT["SLACK_CLIENT_SECRET"] in settings.secrets and ENCRYPTION_KEY in settings.secrets
    assert CLIENT["SLACK_CLIENT_SECRET"] not in repr(settings) and ENCRYPTION_KEY not in repr(settings)


def test_one_workspace_stays_the_default():
    settings = Settings.from_env(
        {"SLACK_SIGNING_SECRET": SIGNING_SECRET, "SLACK_BOT_TOKEN": BOT_TOKEN, "REVRING_API_KEY": "rr_key"}
    )
    assert not settings.distribution


def test_both_kinds_of_settings_are_one_line_saying_what_to_remove():
    [line] = problems(SLACK_BOT_TOKEN=BOT_TOKEN, REVRING_API_KEY="rr_key", **CLIENT)
    assert line.startswith(
        "SLACK_BOT_TOKEN (one workspace) and SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and "
        "ENCRYPTION_KEY (distribution to many workspaces) are both set"
    )
    assert "remove SLACK_BOT_TOKEN to distribute" in line


@pytest.mark.parametrize(
    "given", [("SLACK_CLIENT_ID",), ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"), ("ENCRYPTION_KEY",)]
)
def test_half_of_distribution_is_one_line_saying_what_to_add(given: tuple[str, ...]):
    [line] = problems(**{name: CLIENT[name] for name in given})
    missing = [name for name in CLIENT if name not in given]
    assert line.startswith(
        "Distribution mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and ENCRYPTION_KEY: add " + " and ".join(missing)
    )
    assert "set SLACK_BOT_TOKEN to run in one workspace" in line


def test_a_bad_encryption_key_or_client_id_is_named_without_its_value():
    lines = problems(**{**CLIENT, "ENCRYPTION_KEY": f"{ENCRYPTION_KEY},not-a-fernet-key", "SLACK_CLIENT_ID": "abc"})
    assert len(lines) == 2
    assert lines[0].startswith("SLACK_CLIENT_ID does not look right (it is two numbers joined by a dot")
    assert lines[1].startswith("ENCRYPTION_KEY: key 2 of 2 is not a Fernet key")
    assert all(ENCRYPTION_KEY not in line and "not-a-fernet-key" not in line for line in lines)


def test_distribution_does_not_run_in_socket_mode():
    [line] = problems(SLACK_APP_TOKEN="xapp-1-A-1-x", **CLIENT)
    assert "remove SLACK_APP_TOKEN" in line


def test_a_rotated_encryption_key_still_opens_what_the_old_one_closed():
    old = KeyVault(OLD_ENCRYPTION_KEY).encrypt(ACME_KEY)
    rotated = KeyVault(f"{ENCRYPTION_KEY},{OLD_ENCRYPTION_KEY}")
    assert rotated.decrypt(old) == ACME_KEY
    assert KeyVault(ENCRYPTION_KEY).decrypt(rotated.encrypt(ACME_KEY)) == ACME_KEY  # the first key encrypts
    assert KeyVault(ENCRYPTION_KEY).decrypt(old) is None
    assert masked(ACME_KEY) == "••••aaaa"


async def test_check_in_distribution_mode_counts_workspaces_and_connected_keys(tmp_path: Path):
    slack, revring = FakeSlack("xoxb-unused"), FakeRevRing(REVRING_KEYS)
    await slack.start()
    await revring.start()
    try:
        env = distribution_env(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3")
        out = io.StringIO()
        assert await run_checks(Settings.from_env(env), out)
        text = out.getvalue()
        assert "(distribution to many workspaces)" in text
        assert "✓ Slack app credentials: client id 1234567890.9876543210" in text
        assert "✓ Encryption key: a valid Fernet key" in text
        assert "– Fallback RevRing API key: not set" in text
        assert "– Workspaces: no workspaces yet" in text
        assert not (tmp_path / "bot.sqlite3").exists()  # check creates nothing
        for secret in (slack.client_secret, ENCRYPTION_KEY):
            assert secret not in text
    finally:
        await revring.stop()
        await slack.stop()
