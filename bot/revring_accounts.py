"""Which RevRing organisation serves a workspace: the RevRing client (API key) for a team's requests.

With one workspace (SLACK_BOT_TOKEN), REVRING_API_KEY serves every request. Every RevRing call made for a Slack
request goes through `client_for`, so a key per workspace changes this module only.
"""

from __future__ import annotations

from bot.revring import RevRingClient


class RevRingAccounts:
    def __init__(self, default: RevRingClient | None) -> None:
        self._default = default

    async def client_for(self, team_id: str | None, enterprise_id: str | None = None) -> RevRingClient | None:
        """The client for the workspace (or Enterprise Grid org); None when no RevRing key is connected for it."""
        return self._default
