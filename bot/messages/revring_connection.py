"""The Home tab's "RevRing connection" section (whether the workspace is connected, and for those who may change it
the buttons to connect, replace or remove its key) and the dialog where an admin pastes the key."""

from __future__ import annotations

from typing import Any

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


def revring_key_rejected() -> str:
    return "RevRing refused this key. Copy it again from the RevRing dashboard (Settings > API keys)."


def revring_key_billing_inactive() -> str:
    return "RevRing knows this key, but the organisation's billing is inactive. Reactivate it, then connect again."


def revring_key_not_checked() -> str:
    return "RevRing could not be reached to check the key, so it was not saved. Try again in a minute."


def revring_key_not_admin() -> str:
    return revring_who_may_change()
