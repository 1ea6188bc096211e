"""The Slack app manifest is valid and declares everything the bot listens for and calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot.check.slack import CONSENT_NEEDS
from bot.scopes import BOT_SCOPES

ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = ROOT / "manifest.yml"
SCHEMA_PATH = Path(__file__).resolve().parent / "slack-manifest.schema.json"

REQUEST_PATH = "/slack/events"
COMMAND = "/clone-voice"
SHORTCUT_CALLBACK_ID = "clone_voice_from_message"

BOT_EVENTS = [
    "message.channels",
    "message.groups",
    "message.im",
    "message.mpim",
    "file_shared",
    "file_change",
    "app_home_opened",
    "app_uninstalled",
    "tokens_revoked",
]
# The bot token scopes each Web API method the bot calls needs (https://api.slack.com/methods).
SCOPES_FOR_METHOD = {
    "auth_test": set(),
    "apps_connections_open": set(),  # the app-level token's connections:write
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_update": {"chat:write"},
    "reactions_add": {"reactions:write"},
    "reactions_remove": {"reactions:write"},
    "conversations_info": {"channels:read", "groups:read", "im:read", "mpim:read"},
    "files_info": {"files:read"},
    "files_upload_v2": {"files:write"},
    "users_info": {"users:read"},
    "usergroups_users_list": {"usergroups:read"},
    "views_open": set(),
    "views_update": set(),
    "views_publish": set(),
    "chat_getPermalink": set(),
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_schema_is_draft_7(schema: dict[str, Any]) -> None:
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    Draft7Validator.check_schema(schema)


def test_manifest_validates_against_schema(manifest: dict[str, Any], schema: dict[str, Any]) -> None:
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def test_command_and_request_urls_agree(manifest: dict[str, Any]) -> None:
    commands = [c for c in manifest["features"]["slash_commands"] if c["command"] == COMMAND]
    assert len(commands) == 1, f"expected exactly one {COMMAND} command"
    command_url = commands[0]["url"]
    events_url = manifest["settings"]["event_subscriptions"]["request_url"]
    interactivity = manifest["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert command_url == events_url == interactivity["request_url"] == interactivity["message_menu_options_url"]
    assert command_url.startswith("https://")
    assert command_url.endswith(REQUEST_PATH)


def test_socket_mode_is_off(manifest: dict[str, Any]) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is False


@pytest.mark.parametrize("event", BOT_EVENTS)
def test_bot_event_subscribed(manifest: dict[str, Any], event: str) -> None:
    assert event in manifest["settings"]["event_subscriptions"]["bot_events"]


@pytest.mark.parametrize("mode", list(CONSENT_NEEDS))
def test_what_asking_speakers_needs_is_in_the_manifest(manifest: dict[str, Any], mode: Any) -> None:
    scopes, events = CONSENT_NEEDS[mode]
    assert set(scopes) <= set(manifest["oauth_config"]["scopes"]["bot"])
    assert set(events) <= set(manifest["settings"]["event_subscriptions"]["bot_events"])


def test_a_mention_in_the_command_arrives_as_a_slack_id(manifest: dict[str, Any]) -> None:
    # `/clone-voice Rachel voice=@ana`: escaped, Slack sends the person picked as <@U…|ana>.
    [command] = [c for c in manifest["features"]["slash_commands"] if c["command"] == COMMAND]
    assert command["should_escape"] is True


@pytest.mark.parametrize("scope", BOT_SCOPES)
def test_bot_scope_requested(manifest: dict[str, Any], scope: str) -> None:
    assert scope in manifest["oauth_config"]["scopes"]["bot"]


def test_the_manifest_asks_for_exactly_the_bots_scopes(manifest: dict[str, Any]) -> None:
    # bot/scopes.py is what `check` insists on and what an OAuth install asks for: the same list, in the same order.
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)


def test_message_shortcut_declared(manifest: dict[str, Any]) -> None:
    shortcuts = [s for s in manifest["features"]["shortcuts"] if s["callback_id"] == SHORTCUT_CALLBACK_ID]
    assert len(shortcuts) == 1, f"expected exactly one shortcut {SHORTCUT_CALLBACK_ID}"
    assert shortcuts[0]["type"] == "message"


def test_app_home_messages_tab_writable_and_home_tab_on(manifest: dict[str, Any]) -> None:
    app_home = manifest["features"]["app_home"]
    assert app_home["home_tab_enabled"] is True  # the voice library
    assert app_home["messages_tab_enabled"] is True
    assert app_home["messages_tab_read_only_enabled"] is False


def test_every_web_api_method_the_bot_calls_has_its_scope_in_the_manifest(manifest: dict[str, Any]) -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in (ROOT / "bot").rglob("*.py"))
    called = set(re.findall(r"client\.([a-z][A-Za-z0-9_]+)\b", source)) - {"retry_handlers", "token"}
    assert called, "found no Web API calls: the pattern is out of date"
    unknown = called - SCOPES_FOR_METHOD.keys()
    assert not unknown, f"add these methods and their scopes to SCOPES_FOR_METHOD: {sorted(unknown)}"
    granted = set(manifest["oauth_config"]["scopes"]["bot"])
    for method in called:
        missing = SCOPES_FOR_METHOD[method] - granted
        assert not missing, f"{method} needs {sorted(missing)}"


def test_distribution_redirect_url_and_home_tab(manifest: dict[str, Any]) -> None:
    events_url = manifest["settings"]["event_subscriptions"]["request_url"]
    redirect = events_url.removesuffix(REQUEST_PATH) + "/slack/oauth_redirect"
    assert manifest["oauth_config"]["redirect_urls"] == [redirect]
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
