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
from bot.messages.mrkdwn import local_time, person

REVRING_CONNECTION_TITLE = "RevRing connection"
REVRING_CONNECT_BUTTON = "Connect RevRing"
REVRING_REPLACE_BUTTON = "Replace key"
REVRING_REMOVE_BUTTON = "Remove key"


def _whose(org_wide: bool) -> str:
    return "your organisation's" if org_wide else "this workspace's"


def revring_connected_own(
    shown: str, connected_by: str | None = None, connected_at: float | None = None, *, org_wide: bool = False
) -> str:
    who = f", connected by {person(connected_by)}" if connected_by else ""
    when = f" on {local_time(connected_at)}" if connected_at else ""
    return f":white_check_mark: Connected to RevRing with {_whose(org_wide)} API key `{shown}`{who}{when}."


def revring_connected_server() -> str:
    return (
        ":white_check_mark: Connected to RevRing through this app's own key. An admin can connect the workspace's "
        "own RevRing organisation instead."
    )


def revring_status_not_connected() -> str:
    return ":warning: Not connected to RevRing: voices cannot be cloned here until an admin connects a RevRing API key."


def revring_who_may_change(*, org_wide: bool = False) -> str:
    if org_wide:
        return (
            "Only an admin or owner of the organisation, or the person who first installed the app on it, can "
            "change the connection."
        )
    return "Only a workspace admin or owner, or the person who first installed the app, can change the connection."


def _scope(org_wide: bool) -> str:
    return "your organisation" if org_wide else "this workspace"


def key_replaced_notice(changed_by: str, *, org_wide: bool = False) -> str:
    """A DM to whoever had connected the key that `changed_by` just replaced (the key itself is never told)."""
    return (
        f":information_source: {person(changed_by)} replaced the RevRing API key you had connected for "
        f"{_scope(org_wide)}: voices cloned from now on go to the new key's RevRing organisation. If you did not "
        "expect this, talk to your Slack admins."
    )


def key_removed_notice(changed_by: str, *, org_wide: bool = False) -> str:
    """A DM to whoever had connected the key that `changed_by` just removed."""
    return (
        f":information_source: {person(changed_by)} removed the RevRing API key you had connected for "
        f"{_scope(org_wide)}: nobody there can clone voices until a key is connected again."
    )


def revring_remove_confirm() -> dict[str, Any]:
    return {
        "title": {"type": "plain_text", "text": "Remove the RevRing key?"},
        "text": {"type": "plain_text", "text": "Nobody here can clone voices until a key is connected again."},
        "confirm": {"type": "plain_text", "text": "Remove"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }


def revring_connection_blocks(
    *,
    own_key: str | None,
    server_key: bool,
    can_manage: bool,
    connected_by: str | None = None,
    connected_at: float | None = None,
    org_wide: bool = False,
) -> list[dict[str, Any]]:
    """The section: a header, the status (`own_key` is the workspace's own key, masked, when it connected one, with
    who connected it when; `server_key` when the app's own key serves it), and the buttons for those who may use
    them."""
    if own_key is not None:
        text = revring_connected_own(own_key, connected_by, connected_at, org_wide=org_wide)
    elif server_key:
        text = revring_connected_server()
    else:
        text = revring_status_not_connected()
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": REVRING_CONNECTION_TITLE}},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
    ]
    if not can_manage:
        who = revring_who_may_change(org_wide=org_wide)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": who}]})
        return blocks
    own = own_key is not None
    label = REVRING_REPLACE_BUTTON if own else REVRING_CONNECT_BUTTON
    buttons: list[dict[str, Any]] = [
        {
            "type": "button",
            "action_id": REVRING_CONNECT_ACTION,
            "value": "replace" if own else "connect",
            "text": {"type": "plain_text", "text": label},
            **({} if own else {"style": "primary"}),
        }
    ]
    if own:
        buttons.append(
            {
                "type": "button",
                "action_id": REVRING_REMOVE_ACTION,
                "value": "remove",
                "style": "danger",
                "text": {"type": "plain_text", "text": REVRING_REMOVE_BUTTON},
                "confirm": revring_remove_confirm(),
            }
        )
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
        "blocks": [
            {
                "type": "input",
                "block_id": REVRING_KEY_BLOCK,
                "label": {"type": "plain_text", "text": REVRING_KEY_LABEL},
                "hint": {"type": "plain_text", "text": REVRING_KEY_HINT},
                "element": {"type": "plain_text_input", "action_id": FIELD_ACTION, "min_length": 8, "max_length": 200},
            }
        ],
    }


def revring_key_rejected() -> str:
    return "RevRing refused this key. Copy it again from the RevRing dashboard (Settings > API keys)."


def revring_key_billing_inactive() -> str:
    return "RevRing knows this key, but the organisation's billing is inactive. Reactivate it, then connect again."


def revring_key_not_checked() -> str:
    return "RevRing could not be reached to check the key, so it was not saved. Try again in a minute."


def revring_key_not_admin(*, org_wide: bool = False) -> str:
    return revring_who_may_change(org_wide=org_wide)
