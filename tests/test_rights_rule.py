"""bot.access.rights' one rule, case by case, on users.info's `user` as Slack gives it (the HTTP tests show it at
work: test_key_rights, test_voice_rights, test_candidate_rights, test_agent_updates_admins)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.access.rights import admin_of


def user(
    team: str = "T1",
    *,
    org: str | None = "E1",
    admin: bool = False,
    org_admin: bool = False,
    flag: str = "is_admin",
    stranger: bool = False,
) -> dict[str, Any]:
    found: dict[str, Any] = {"id": "U1", "team_id": team, "is_stranger": stranger, flag: admin}
    if org is not None:
        found["enterprise_user"] = {"id": "U1", "enterprise_id": org, flag: org_admin}
    return found


@pytest.mark.parametrize(
    ("who", "team_id", "enterprise_id", "admin"),
    [
        # A workspace outside any org: its admins, owners and primary owner.
        (user(org=None, admin=True), "T1", None, True),
        (user(org=None, admin=True, flag="is_owner"), "T1", None, True),
        (user(org=None, admin=True, flag="is_primary_owner"), "T1", None, True),
        (user(org=None), "T1", None, False),
        (user("T2", org=None, admin=True), "T1", None, False),  # an admin of another workspace
        # In an org: a workspace admin counts for their workspace only, never for a sibling or the org's own things.
        (user(admin=True), "T1", "E1", True),
        (user("T2", admin=True), "T1", "E1", False),
        (user(admin=True), None, "E1", False),
        # The org's admins and owners count everywhere in it.
        (user("T2", org_admin=True), "T1", "E1", True),
        (user("T2", org_admin=True, flag="is_owner"), None, "E1", True),
        (user("T2", org="E2", org_admin=True), "T1", "E1", False),  # another org's admin
        (user(org="E2", org_admin=True), "T1", "E1", False),  # even naming our team
        # A workspace admin from another org whose own workspace is the one named (an org-wide install's payload has
        # `"team": null`, so the workspace named is the person's own `user.team_id`): not of the org, nobody here.
        (user(org="E2", admin=True), "T1", "E1", False),
        (user(org=None, admin=True), "T1", "E1", False),
        # A stranger (Slack Connect) is nobody's admin here, whatever else users.info says.
        (user(admin=True, org_admin=True, stranger=True), "T1", "E1", False),
        (user(org=None, admin=True, stranger=True), "T1", None, False),
        # Nothing to administer: nobody.
        (user(admin=True, org_admin=True), None, None, False),
    ],
)
def test_who_is_an_admin_of_what(who: dict[str, Any], team_id: str | None, enterprise_id: str | None, admin: bool):
    assert admin_of(who, team_id=team_id, enterprise_id=enterprise_id) is admin
