"""The Slack app manifest is valid and declares everything the bot listens for and calls."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

from bot.audio_formats import SLACK_FILETYPES
from bot.check.slack import CONSENT_NEEDS
from bot.cloning.workflow_step import CALLBACK_ID
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
    "function_executed",  # Workflow Builder runs the "Clone a voice" step
]
STEP_INPUTS = {
    "recording": "slack#/types/file_id",
    "voice_name": "string",
    "language": "string",
    "requester": "slack#/types/user_id",
    "progress_channel": "slack#/types/channel_id",
    "clone_anyway": "boolean",
}
STEP_REQUIRED_INPUTS = ["recording", "voice_name", "requester"]
STEP_OUTPUTS = ["voice_id", "voice_name", "language", "status"]  # what bot.cloning.workflow_step.outputs gives
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


def _parameter_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Custom steps' parameters as Slack's custom-step docs define them: `{properties: {name: {type, title,
    description, ...}}, required: [names]}`, the types Slack's schema knows and `slack#/types/file_id` (with
    `allowed_filetypes` or `allowed_filetypes_group`). Slack's older manifest schema knows neither this form nor
    `file_id`, so the functions' parameters are checked against this, and the rest of the manifest against Slack's."""
    known = schema["definitions"]["slack-functions.parameter"]["properties"]["type"]["enum"]
    parameter = {
        "type": "object",
        "required": ["type"],
        "additionalProperties": False,
        "properties": {
            "type": {"enum": [*known, "slack#/types/file_id"]},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "hint": {"type": "string"},
            "allowed_filetypes": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "allowed_filetypes_group": {"enum": ["ALL", "IMAGES_ONLY"]},
        },
    }
    return {
        "type": "object",
        "required": ["properties"],
        "additionalProperties": False,
        "properties": {
            "properties": {"type": "object", "minProperties": 1, "additionalProperties": parameter},
            "required": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        },
    }


def _errors(validator: Draft7Validator, document: Any, where: list[Any]) -> list[str]:
    found = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{where + list(e.absolute_path)}: {e.message}" for e in found]


def test_manifest_validates_against_schema(manifest: dict[str, Any], schema: dict[str, Any]) -> None:
    validator = Draft7Validator(schema, format_checker=Draft7Validator.FORMAT_CHECKER)
    parameters = Draft7Validator(_parameter_schema(schema))
    rest = json.loads(json.dumps(manifest))
    errors = []
    for callback_id, function in rest.get("functions", {}).items():
        for key in ("input_parameters", "output_parameters"):
            errors += _errors(parameters, function[key], ["functions", callback_id, key])
            declared = set(function[key]["properties"])
            errors += [
                f"{callback_id}.{key}: {name} is required but not declared"
                for name in function[key].get("required", [])
                if name not in declared
            ]
            function[key] = {}  # checked above; Slack's schema checks the rest of the function
    errors += _errors(validator, rest, [])
    assert not errors, "\n".join(errors)


def test_the_clone_step_is_defined_as_the_bot_serves_it(manifest: dict[str, Any]) -> None:
    step = manifest["functions"][CALLBACK_ID]
    assert step["title"] == "Clone a voice"
    inputs = step["input_parameters"]
    assert {name: value["type"] for name, value in inputs["properties"].items()} == STEP_INPUTS
    assert inputs["required"] == STEP_REQUIRED_INPUTS
    # Only audio: the same file types the clone dialog offers (bot/audio_formats.py).
    assert inputs["properties"]["recording"]["allowed_filetypes"] == list(SLACK_FILETYPES)
    produced = step["output_parameters"]
    assert list(produced["properties"]) == produced["required"] == STEP_OUTPUTS
    assert all(value["type"] == "string" for value in produced["properties"].values())
    # Slack runs custom steps only for org-ready apps.
    assert manifest["settings"]["org_deploy_enabled"] is True


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
