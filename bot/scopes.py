"""The bot token scopes the app asks for: what a workspace grants on install (OAuth) and what `check` insists on.

The same list as manifest.yml's `oauth_config.scopes.bot`, in its order; tests/test_manifest.py keeps the two equal.
"""

BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "reactions:write",
    "files:read",
    "files:write",
    "channels:history",
    "groups:history",
    "im:history",
    "mpim:history",
    "users:read",
    "channels:read",
    "groups:read",
    "im:read",
    "mpim:read",
    "usergroups:read",
)
