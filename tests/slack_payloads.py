"""Slack's payloads as Slack sends them, built from the complete fixtures in tests/fixtures/slack/.

Every builder starts from a fresh copy of a fixture shaped like Slack's reference, nulls and all
(`"enterprise": null`, `"is_enterprise_install": false`, no `channel` on a global shortcut, no `message` on a
view submission), and sets only the values a test cares about. Tests never write a payload by hand.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures" / "slack"
TEAM = "T0TEAM"
USER = "U0ALICE"
CHANNEL = "C0VOICES"
ENTERPRISE = {"id": "E0ACME", "name": "Acme Org"}
INTERACTIVE = {  # payload type -> the fixture it is completed from
    "block_actions": "block_actions_message",
    "message_action": "message_action",
    "shortcut": "shortcut",
    "view_submission": "view_submission",
    "block_suggestion": "block_suggestion",
}

_ids = itertools.count(1)


@cache
def _fixture_text(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text()


def fixture(name: str) -> dict[str, Any]:
    """A fresh copy of tests/fixtures/slack/<name>.json."""
    return json.loads(_fixture_text(name))


def new_trigger_id() -> str:
    n = next(_ids)
    return f"{5929461582400 + n}.1110111000111.{n:032x}"


def _action_ts() -> str:
    return f"1700000100.{next(_ids):06d}"


def _user_name(user: str) -> str:
    return user.removeprefix("U0").lower()


def _channel_name(channel: str) -> str:
    return "directmessage" if channel.startswith("D") else channel.removeprefix("C0").lower()


def _set_user(payload: dict[str, Any], user: str) -> None:
    payload["user"].update(id=user, username=_user_name(user))
    if "name" in payload["user"]:
        payload["user"]["name"] = _user_name(user)


# --- slash command --------------------------------------------------------------------------------


def slash_command(
    text: str,
    *,
    response_url: str,
    user: str = USER,
    channel: str = CHANNEL,
    team: str = TEAM,
    trigger_id: str | None = None,
) -> dict[str, str]:
    """The form fields of `/clone-voice text` (sent form-encoded over HTTP, as the payload in Socket Mode)."""
    form = fixture("slash_command")
    form.update(
        text=text,
        user_id=user,
        user_name=_user_name(user),
        channel_id=channel,
        channel_name=_channel_name(channel),
        team_id=team,
        response_url=response_url,
        trigger_id=trigger_id or new_trigger_id(),
    )
    return form


# --- interactions ---------------------------------------------------------------------------------


def _clicked(template: dict[str, Any], button: dict[str, Any]) -> dict[str, Any]:
    """The `actions[0]` entry for a click on `button`, an element exactly as the bot sent it."""
    return {
        **template,
        "action_id": button["action_id"],
        "text": {**template["text"], **(button.get("text") or {})},
        "value": button.get("value", ""),
        "type": button.get("type", "button"),
        "action_ts": _action_ts(),
    }


def block_actions(
    button: dict[str, Any],
    *,
    response_url: str,
    channel: str = CHANNEL,
    message_ts: str | None = None,
    thread_ts: str | None = None,
    user: str = USER,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A click on `button` in a message in `channel`. Without `message_ts` the message is ephemeral (an ack or a
    response_url answer), and Slack then sends no `message`."""
    payload = fixture("block_actions_message")
    _set_user(payload, user)
    clicked = _clicked(payload["actions"][0], button)
    payload.update(
        channel={"id": channel, "name": _channel_name(channel)},
        response_url=response_url,
        trigger_id=trigger_id or new_trigger_id(),
        actions=[clicked],
    )
    container, message = payload["container"], payload["message"]
    container["channel_id"] = channel
    for part in (container, message):
        part.pop("thread_ts")
        if thread_ts:
            part["thread_ts"] = thread_ts
    if not thread_ts:
        message.pop("parent_user_id")
    if message_ts:
        container["message_ts"] = message["ts"] = message_ts
        actions = next(block for block in message["blocks"] if block["type"] == "actions")
        actions["elements"] = [{key: value for key, value in button.items() if key != "action_ts"}]
        clicked["block_id"] = actions["block_id"]
    else:
        container.update(message_ts=f"1700000000.{next(_ids):06d}", is_ephemeral=True)
        del payload["message"]
    return payload


def block_actions_in_view(button: dict[str, Any], *, user: str = USER, trigger_id: str | None = None) -> dict[str, Any]:
    """A click on `button` inside a modal: `container.type` "view", a `view`, and no channel, message or
    response_url."""
    payload = fixture("block_actions_view")
    _set_user(payload, user)
    payload.update(trigger_id=trigger_id or new_trigger_id(), actions=[_clicked(payload["actions"][0], button)])
    return payload


def block_actions_in_home(
    button: dict[str, Any],
    home: dict[str, Any] | None = None,
    *,
    user: str = USER,
    team: str = TEAM,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """A click on `button` in the Home tab: `container.type` "view", the Home `view` as the bot published it
    (views.publish), and no channel, message or response_url."""
    payload = fixture("block_actions_home")
    _set_user(payload, user)
    view = payload["view"]
    view.update(id=f"V0HOME{user}", root_view_id=f"V0HOME{user}")
    if home is not None:  # else the fixture's own Home view
        view.update(blocks=home["blocks"], private_metadata=home.get("private_metadata", ""))
    payload["container"]["view_id"] = view["id"]
    clicked = _clicked(payload["actions"][0], button)
    clicked.pop("style", None)
    if "style" in button:
        clicked["style"] = button["style"]
    payload.update(trigger_id=trigger_id or new_trigger_id(), actions=[clicked])
    return payload if team == TEAM else in_workspace(payload, team)


def block_suggestion(value: str, view: dict[str, Any], *, user: str = USER) -> dict[str, Any]:
    """What Slack sends while `user` types `value` into the external select of the modal `view` (as last opened
    or updated by the bot)."""
    payload = fixture("block_suggestion")
    _set_user(payload, user)
    for key in ("id", "callback_id", "private_metadata", "blocks", "title", "submit", "close"):
        if key in view:
            payload["view"][key] = view[key]
    payload["container"]["view_id"] = payload["view"]["id"]
    payload["value"] = value
    return payload


def message_action(
    message: dict[str, Any],
    *,
    response_url: str,
    callback_id: str = "clone_voice_from_message",
    channel: str = CHANNEL,
    user: str = USER,
    trigger_id: str | None = None,
) -> dict[str, Any]:
    """The message shortcut used on a message; `message` holds the fields that differ from the fixture's (at
    least `ts`). Without `files` the message has none."""
    payload = fixture("message_action")
    _set_user(payload, user)
    shown = {**payload["message"], **message}
    if "files" not in message:
        del shown["files"], shown["upload"]
    payload.update(
        callback_id=callback_id,
        channel={"id": channel, "name": _channel_name(channel)},
        response_url=response_url,
        trigger_id=trigger_id or new_trigger_id(),
        message_ts=shown["ts"],
        message=shown,
    )
    return payload


def global_shortcut(callback_id: str, *, user: str = USER, trigger_id: str | None = None) -> dict[str, Any]:
    """A global shortcut (from the composer or search): no channel, no message, no response_url."""
    payload = fixture("shortcut")
    _set_user(payload, user)
    payload.update(callback_id=callback_id, trigger_id=trigger_id or new_trigger_id())
    return payload


def view_submission(
    values: dict[str, Any],
    *,
    view: dict[str, Any] | None = None,
    user: str = USER,
    trigger_id: str | None = None,
    team: str = TEAM,
) -> dict[str, Any]:
    """A modal submitted with `state.values` = `values`. `view` is the view as the bot opened it (views.open);
    Slack echoes its callback_id, private_metadata and blocks back. Values taken from the fixture must have their
    file replaced by a hosted one: the fixture's file points at Slack's real file host."""
    payload = fixture("view_submission")
    _set_user(payload, user)
    submitted = payload["view"]
    for key in ("id", "callback_id", "private_metadata", "blocks", "title", "submit", "close"):
        if view is not None and key in view:
            submitted[key] = view[key]
    submitted["state"] = {"values": values}
    payload["trigger_id"] = trigger_id or new_trigger_id()
    return in_workspace(payload, team) if team != TEAM else payload


# --- events ---------------------------------------------------------------------------------------


def event_callback(event: dict[str, Any], *, event_id: str, event_time: int, team: str = TEAM) -> dict[str, Any]:
    """The Events API envelope around `event`."""
    envelope = fixture("event_callback_file_share")
    envelope.update(event=event, event_id=event_id, event_time=event_time, team_id=team, context_team_id=team)
    envelope["authorizations"][0]["team_id"] = team
    return envelope


def app_home_opened(
    *, user: str = USER, tab: str = "home", event_id: str, event_time: int, team: str = TEAM
) -> dict[str, Any]:
    """The Events API envelope Slack sends when `user` opens the app's Home tab (or its Messages tab)."""
    envelope = fixture("event_callback_app_home_opened")
    envelope.update(event_id=event_id, event_time=event_time, team_id=team, context_team_id=team)
    envelope["authorizations"][0]["team_id"] = team
    envelope["event"].update(user=user, tab=tab)
    envelope["event"]["view"].update(id=f"V0HOME{user}", root_view_id=f"V0HOME{user}", team_id=team)
    return envelope


def _rich_text(text: str) -> list[dict[str, Any]]:
    """The `rich_text` block Slack adds to a message with text: mentions become user elements."""
    mention = r"(<@[A-Z0-9]+>)"
    elements = [
        {"type": "user", "user_id": part[2:-1]} if re.fullmatch(mention, part) else {"type": "text", "text": part}
        for part in re.split(mention, text)
        if part
    ]
    section = {"type": "rich_text_section", "elements": elements}
    return [{"type": "rich_text", "block_id": "Vb1n", "elements": [section]}]


def file_share_event(
    files: list[dict[str, Any]],
    *,
    ts: str,
    text: str = "",
    user: str = USER,
    channel: str = CHANNEL,
    thread_ts: str | None = None,
) -> dict[str, Any]:
    """The `message` event with `subtype: file_share` Slack sends when someone shares `files`."""
    event = fixture("event_callback_file_share")["event"]
    event.update(
        files=files,
        text=text,
        user=user,
        channel=channel,
        ts=ts,
        event_ts=ts,
        channel_type="im" if channel.startswith("D") else "channel",
    )
    if text:
        event["blocks"] = _rich_text(text)
    else:
        del event["blocks"]
    if thread_ts:
        event.update(thread_ts=thread_ts, parent_user_id=user)
    return event


def file_object(*, url: str, **values: Any) -> dict[str, Any]:
    """A complete Slack file object; `url` is where both of its private URLs point."""
    file = fixture("event_callback_file_share")["event"]["files"][0]
    file.update(url_private=url, url_private_download=url)
    file.update(values)
    if "pretty_type" not in values:
        file["pretty_type"] = str(file.get("filetype") or "binary").upper()
    if "permalink" not in values:
        file["permalink"] = f"https://acme.slack.com/files/{file['user']}/{file['id']}/{file['name']}"
    return file


def clip_object(*, url: str, **values: Any) -> dict[str, Any]:
    """A complete file object of a clip recorded in Slack (`subtype: "slack_audio"`), as its share event carries it:
    Slack's transcription still `processing`; `url` is where both of its private URLs point."""
    file = fixture("event_callback_file_share_slack_audio")["event"]["files"][0]
    file.update(url_private=url, url_private_download=url)
    file.update(values)
    return file


def transcription(status: str = "complete", **values: Any) -> dict[str, Any]:
    """Slack's `transcription` of a clip: `processing` as the share event has it, or `complete` as files.info has it
    a few seconds later (`locale`, `content` and `has_more` change what it heard)."""
    if status == "processing":
        return fixture("event_callback_file_share_slack_audio")["event"]["files"][0]["transcription"]
    heard = fixture("files_info_slack_audio")["file"]["transcription"]
    heard["status"] = status
    heard["locale"] = values.get("locale", heard["locale"])
    for key in ("content", "has_more"):
        heard["preview"][key] = values.get(key, heard["preview"][key])
    return heard if status == "complete" else {"status": status}


def file_change_event(file_id: str) -> dict[str, Any]:
    """The `file_change` event Slack sends when a file changed (a clip's transcription done): ids only."""
    event = fixture("event_callback_file_change")["event"]
    event.update(file_id=file_id, file={"id": file_id})
    return event


def app_uninstalled(*, event_id: str, event_time: int, team: str = TEAM) -> dict[str, Any]:
    """The envelope Slack sends once a workspace removed the app."""
    envelope = fixture("event_callback_app_uninstalled")
    envelope.update(event_id=event_id, event_time=event_time)
    return in_workspace(envelope, team)


def tokens_revoked(
    *, event_id: str, event_time: int, team: str = TEAM, bot: list[str] | None = None, oauth: list[str] | None = None
) -> dict[str, Any]:
    """The envelope Slack sends when tokens were revoked: user ids under `oauth`, bot user ids under `bot`."""
    envelope = fixture("event_callback_tokens_revoked")
    envelope["event"]["tokens"] = {"oauth": oauth or [], "bot": ["UBOT"] if bot is None else bot}
    envelope.update(event_id=event_id, event_time=event_time)
    return in_workspace(envelope, team)


# --- where the app is installed -------------------------------------------------------------------


def in_workspace(payload: dict[str, Any], team: str) -> dict[str, Any]:
    """The same payload from another workspace, `team`, in each place Slack names the team."""
    payload = copy.deepcopy(payload)
    if payload.get("type") == "event_callback":
        payload.update(team_id=team, context_team_id=team)
        for authorization in payload["authorizations"]:
            authorization["team_id"] = team
        view = payload["event"].get("view")
    elif "command" in payload:
        payload["team_id"] = team
        return payload
    else:
        if isinstance(payload.get("team"), dict):
            payload["team"]["id"] = team
        if isinstance(payload.get("user"), dict) and "team_id" in payload["user"]:
            payload["user"]["team_id"] = team
        view = payload.get("view")
    if isinstance(view, dict):
        view.update(team_id=team, app_installed_team_id=team)
    return payload


# --- Enterprise Grid ----------------------------------------------------------------------------


def in_enterprise_grid(payload: dict[str, Any]) -> dict[str, Any]:
    """The same payload from a workspace of an Enterprise Grid org, the app installed on that workspace."""
    payload = copy.deepcopy(payload)
    if payload.get("type") == "event_callback":
        payload.update(enterprise_id=ENTERPRISE["id"], context_enterprise_id=ENTERPRISE["id"])
        for authorization in payload["authorizations"]:
            authorization["enterprise_id"] = ENTERPRISE["id"]
    elif "command" in payload:
        payload.update(enterprise_id=ENTERPRISE["id"], enterprise_name=ENTERPRISE["name"])
    else:
        payload["enterprise"] = dict(ENTERPRISE)
        if isinstance(payload.get("team"), dict):
            payload["team"].update(enterprise_id=ENTERPRISE["id"], enterprise_name=ENTERPRISE["name"])
    return payload


def org_wide(payload: dict[str, Any]) -> dict[str, Any]:
    """The same payload to an app installed on the whole org: interactions may then carry `"team": null`."""
    payload = in_enterprise_grid(payload)
    if payload.get("type") == "event_callback":
        for authorization in payload["authorizations"]:
            authorization["is_enterprise_install"] = True
    elif "command" in payload:
        payload["is_enterprise_install"] = "true"
    else:
        payload.update(team=None, is_enterprise_install=True)
    return payload


# --- Socket Mode ----------------------------------------------------------------------------------


def socket_mode_envelope(payload: dict[str, Any], envelope_id: str) -> dict[str, Any]:
    """`payload` as Slack delivers it over the Socket Mode websocket."""
    if payload.get("type") == "event_callback":
        return {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": 0,
            "retry_reason": "",
        }
    kind = "slash_commands" if "command" in payload else "interactive"
    return {"envelope_id": envelope_id, "payload": payload, "type": kind, "accepts_response_payload": True}
