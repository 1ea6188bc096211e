"""The workspaces of a distributed app (distribution mode): their RevRing keys, and forgetting one that uninstalls.

Installations and OAuth states are slack_sdk's own stores on the same database (bot.store.slack_oauth).
"""

from __future__ import annotations

from typing import Protocol


class Workspaces(Protocol):
    """RevRing keys per owner (a team id, or an enterprise id for an org-wide install), and an uninstall.
    Raises StoreUnavailable (bot.store.errors) while the database is down."""

    async def save_revring_key(self, owner: str, ciphertext: str, connected_by: str) -> None:
        """Connect (or replace) the RevRing key of `owner`: a team id, or an enterprise id for an org-wide install.
        Only ever given the key encrypted (bot.workspaces.key_vault)."""
        ...

    async def revring_key(self, owner: str) -> str | None:
        """The encrypted RevRing key of `owner`; None when none is connected."""
        ...

    async def delete_revring_key(self, owner: str) -> bool: ...
    async def forget_workspace(self, team_id: str | None, enterprise_id: str | None) -> int:
        """The workspace (`team_id`), or with no team the whole org (`enterprise_id`), uninstalled the app: its
        RevRing key, waiting commands, recent audio and job records go at once. Returns how many jobs went; a runner
        still holding one of them finds its next fenced write refused and stops without a word."""
        ...
