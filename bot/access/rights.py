"""Who may act on what is the workspace's: give a voice to an agent, undo that, delete the voice, save a designed
candidate, or connect, replace and remove the workspace's RevRing key. One rule for all of them: the one person it
is theirs to (who cloned the voice, who asked for the design, who first installed the app, for the key), and the
admins and owners of what the thing belongs to, per Slack's users.info (asked afresh each time: roles change).

What a thing belongs to is a workspace, or for an org-wide install's key a whole Enterprise Grid org. In
users.info, `user.is_admin` / `is_owner` describe the person's own workspace (`user.team_id`) and
`user.enterprise_user.is_admin` / `is_owner` their organisation (`enterprise_user.enterprise_id`). So:

- an admin of the organisation counts for the org and for every workspace in it;
- an admin of a workspace counts for that workspace only: not for another workspace of the same org, and not for
  the org's own key;
- someone met in a Slack Connect channel (`is_stranger`, or from another team and org) is nobody's admin here,
  whatever their flags say, and whatever ALLOW_EXTERNAL_USERS lets them do;
- in an org, only the org's own people count at all: an org-wide install's interactions carry `"team": null`, so
  the workspace a request names is the person's own `user.team_id`, which for a partner from another organisation
  is their own workspace. Matching it proves nothing unless the person is of the org (`enterprise_user`).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.records import Where
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)

_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


async def may_act(client: AsyncWebClient, where: Where, *, owner_id: str | None, org_wide: bool = False) -> bool | None:
    """May `where.user_id` act on a thing of `where`'s workspace (`org_wide`: of its whole org)? True for `owner_id`
    (None: the thing is nobody's own, only admins may), and for an admin or owner of what the thing belongs to;
    None when Slack could not say (refuse then)."""
    if not where.user_id:
        return False
    if owner_id and where.user_id == owner_id:
        return True
    try:
        response = await client.users_info(user=where.user_id)
    except SLACK_FAILURES as error:
        log.warning("users.info failed; who may act is not known", extra={"slack_error": error_code(error)})
        return None
    user = response.get("user") or {}
    return admin_of(user, team_id=None if org_wide else where.team_id, enterprise_id=where.enterprise_id)


def admin_of(user: dict[str, Any], *, team_id: str | None, enterprise_id: str | None) -> bool:
    """users.info's `user` is an admin or owner of workspace `team_id` (None: of no workspace, the org's alone) or of
    the org `enterprise_id` it belongs to."""
    if not _of_its_org(user, enterprise_id):
        return False
    if enterprise_id and _any_flag(user.get("enterprise_user") or {}):
        return True
    return bool(team_id) and user.get("team_id") == team_id and _any_flag(user)


def _any_flag(roles: dict[str, Any]) -> bool:
    return any(bool(roles.get(flag)) for flag in _ADMIN_FLAGS)


def one_of_its_own(user: dict[str, Any], team_id: str | None, enterprise_id: str | None) -> bool:
    """users.info's `user` is one of the workspace's (or its org's) own people, not a Slack Connect guest: someone
    from another organisation keeps their own team (and org) there, or Slack flags them as a stranger."""
    if not _of_its_org(user, enterprise_id):
        return False
    return bool(enterprise_id) or (bool(team_id) and user.get("team_id") == team_id)


def _of_its_org(user: dict[str, Any], enterprise_id: str | None) -> bool:
    """Not a stranger, and where the thing is of an Enterprise Grid org (`enterprise_id`), one of that org's people:
    there a workspace id matching counts for nothing by itself (see the module's docstring)."""
    if user.get("is_stranger"):
        return False
    return not enterprise_id or (user.get("enterprise_user") or {}).get("enterprise_id") == enterprise_id
