"""users.info as the fake Slack answers it: Slack's reference user object (tests/fixtures/slack/web_api/users.info.json)
with the person's home team, their roles, and inside an Enterprise Grid org `enterprise_user` with the org's roles.

The roles come from the fake's sets: `admins` and `owners` are admins (owners) of their workspace and, in an org, of
the org too; `workspace_admins` of their workspace only (`user.is_admin` true, `enterprise_user.is_admin` false);
`strangers` are flagged `is_stranger`; `user_teams` and `user_enterprises` name another home team or org."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.doubles.fake_slack import FakeSlack, Workspace

_FIXTURE = Path(__file__).parent.parent / "fixtures" / "slack" / "web_api" / "users.info.json"
ORG_HOME_TEAM = "T0ORGHOME"  # an org-wide install's people, when a test names no team of theirs


def users_info(slack: FakeSlack, user: str, workspace: Workspace | None) -> dict[str, Any]:
    """The answer to users.info about `user`, asked with `workspace`'s token (None: the single workspace's)."""
    answer = json.loads(_FIXTURE.read_text())
    person = answer["user"]
    org = slack.user_enterprises.get(user) or (workspace.enterprise if workspace is not None else slack.enterprise)
    home = slack.team_id if workspace is None else workspace.team_id or ORG_HOME_TEAM
    team = slack.user_teams.get(user, home)
    name = user.lower()
    admin = user in slack.admins or user in slack.owners
    person.update(
        id=user,
        team_id=team,
        name=name,
        real_name=slack.real_names.get(user, name),
        is_stranger=user in slack.strangers,
        is_admin=admin or user in slack.workspace_admins,
        is_owner=user in slack.owners,
    )
    person["profile"].update(real_name=slack.real_names.get(user, name), display_name=name, team=team)
    if org is None:
        del person["enterprise_user"]
    else:
        person["enterprise_user"].update(
            id=user,
            enterprise_id=org["id"],
            enterprise_name=org["name"],
            is_admin=admin,
            is_owner=user in slack.owners,
            teams=[team],
        )
    return answer
