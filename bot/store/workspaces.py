"""The workspaces of a distributed app (distribution mode): their RevRing keys, who first installed the app, and
forgetting one that uninstalls.

Installations and OAuth states are slack_sdk's own stores on the same database (bot.store.slack_oauth).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


def owner_of(team_id: str | None, enterprise_id: str | None, *, org_wide: bool) -> str | None:
    """Whose key (and first installer) an installation's is: the workspace's, or for an org-wide install the org's
    (one for all its workspaces)."""
    if org_wide:
        return enterprise_id or None
    return team_id or None


@dataclass(frozen=True)
class StoredKey:
    """A connected RevRing key, encrypted, and who connected it when."""

    ciphertext: str
    connected_by: str
    connected_at: float


class Workspaces(Protocol):
    """RevRing keys and first installers per owner (a team id, or an enterprise id for an org-wide install: see
    `owner_of`), and an uninstall. Raises StoreUnavailable (bot.store.errors) while the database is down."""

    async def save_revring_key(self, owner: str, ciphertext: str, connected_by: str) -> str | None:
        """Connect (or replace) the RevRing key of `owner`. Only ever given the key encrypted
        (bot.workspaces.key_vault). Returns who had connected the key it replaced (None: there was none)."""
        ...

    async def revring_key(self, owner: str) -> StoredKey | None:
        """The RevRing key of `owner`, encrypted; None when none is connected."""
        ...

    async def delete_revring_key(self, owner: str) -> str | None:
        """Remove `owner`'s key; returns who had connected it (None: there was none)."""
        ...

    async def remember_installer(self, owner: str, user_id: str) -> None:
        """`user_id` installed the app for `owner`: kept if nobody did before (a reinstall changes nothing)."""
        ...

    async def first_installer(self, owner: str) -> str | None: ...

    async def forget_workspace(self, team_id: str | None, enterprise_id: str | None) -> int:
        """The workspace (`team_id`), or with no team the whole org (`enterprise_id`), uninstalled the app: its
        RevRing key, first installer, waiting commands, recent audio, design candidates and counts, job records and
        their agent changes go at once. An org's uninstall leaves the workspaces of the org that installed the app on
        their own (their installation still serves them). Returns how many jobs went; a runner still holding one of
        them finds its next fenced write refused and stops without a word."""
        ...
