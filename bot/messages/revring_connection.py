"""The Home tab's "RevRing connection" section (whether the workspace is connected, and for those who may change it
the buttons to connect, replace or remove its key) and the dialog where an admin pastes the key."""

from __future__ import annotations

from typing import Any

from bot.messages.ids import (
    FIELD_ACTION,
    REVRING_CONNECT_ACTION,
    REVRING_KEY_BLOCK,
    REVRING_KEY_CALLBACK_ID,
    REVRING_REMOVE_ACTION,
)

REVRING_CONNECTION_TITLE = "RevRing connection"
REVRING_CONNECT_BUTTON = "Connect RevRing"
REVRING_REPLACE_BUTTON = "Replace key"
REVRING_REMOVE_BUTTON = "Remove key"


def revring_connected_own(shown: str) -> str:
    return f":white_check_mark: Connected to RevRing with this workspace's API key `{shown}`."


def revring_connected_server() -> str:
    return (
        ":white_check_mark: Connected to RevRing through this app's own key. An admin can connect the workspace's "
        "own RevRing organisation instead."
    )


def revring_status_not_connected() -> str:
    return ":warning: Not connected to RevRing: voices cannot be cloned here until an admin connects a RevRing API key."


def revring_who_may_change() -> str:
    return "Only a workspace admin or owner, or the person who installed the app, can change the connection."


def revring_remove_confirm() -> dict[str, Any]:
    return {
        "title": {"type": "plain_text", "text": "Remove the RevRing key?"},
        "text": {"type": "plain_text", "text": "Nobody here can clone voices until a key is connected again."},
        "confirm": {"type": "plain_text", "text": "Remove"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }


def revring_connection_blocks(*, own_key: str | None, server_key: bool, can_manage: bool) -> list[dict[str, Any]]:
    """The section: a header, the status (`own_key` is the workspace's own key, masked, when it connected one;
    `server_key` when the app's own key serves it), and the buttons for those who may use them."""
    if own_key is not None:
        text = revring_connected_own(own_key)
    elif server_key:
        text = revring_connected_server()
    else:
        text = revring_status_not_connected()
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": REVRING_CONNECTION_TITLE}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
    ]
    if not can_manage:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": revring_who_may_change()}]})
        return blocks
    own = own_key is not None
    label = REVRING_REPLACE_BUTTON if own else REVRING_CONNECT_BUTTON
    buttons: list[dict[str, Any]] = [{
        "type": "button", "action_id": REVRING_CONNECT_ACTION, "value": "replace" if own else "connect",
        "text": {"type": "plain_text", "text": label},
        **({} if own else {"style": "primary"}),
    }]
    if own:
        buttons.append({
            "type": "button", "action_id": REVRING_REMOVE_ACTION, "value": "remove", "style": "danger",
            "text": {"type": "plain_text", "text": REVRING_REMOVE_BUTTON},
            "confirm": revring_remove_confirm(),
        })
    blocks.append({"type": "actions", "elements": buttons})
    return blocks


def revring_not_connected() -> str:
    """No RevRing key serves this workspace (none connected, no REVRING_API_KEY): nothing was sent."""
    return "RevRing isn't connected for this workspace yet: an admin needs to connect RevRing in the app's Home tab."


# --- The key dialog --------------------------------------------------------------------------------

REVRING_KEY_DIALOG_TITLE = "Connect RevRing"
REVRING_KEY_DIALOG_SUBMIT = "Connect"
REVRING_KEY_LABEL = "RevRing API key"
REVRING_KEY_HINT = (
    "From the RevRing dashboard, Settings > API keys. It is checked with RevRing before it is saved, kept encrypted, "
    "and only ever shown by its last four characters."
)


def key_dialog() -> dict[str, Any]:
    """The modal where an admin pastes the key. Nothing in it says which workspace: that comes from the request."""
    return {
        "type": "modal",
        "callback_id": REVRING_KEY_CALLBACK_ID,
        "title": {"type": "plain_text", "text": REVRING_KEY_DIALOG_TITLE},
        "submit": {"type": "plain_text", "text": REVRING_KEY_DIALOG_SUBMIT},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [{
            "type": "input", "block_id": REVRING_KEY_BLOCK,
            "label": {"type": "plain_text", "text": REVRING_KEY_LABEL},
            "hint": {"type": "plain_text", "text": REVRING_KEY_HINT},
            "element": {"type": "plain_text_input", "action_id": FIELD_ACTION, "min_length": 8,
                        "max_length": 200},
        }],
    }


def revring_key_rejected() -> str:
    return "RevRing refused this key. Copy it again from the RevRing dashboard (Settings > API keys)."


def revring_key_billing_inactive() -> str:
    return "RevRing knows this key, but the organisation's billing is inactive. Reactivate it, then connect again."


def revring_key_not_checked() -> str:
    return "RevRing could not be reached to check the key, so it was not saved. Try again in a minute."


def revring_key_not_admin() -> str:
    return revring_who_may_change()
