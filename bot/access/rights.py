"""Who may act on what is the workspace's: give a voice to an agent, undo that, delete the voice, or connect, replace
and remove the workspace's RevRing key. One rule for all of them: the one person it is theirs to (who cloned the
voice; who installed the app, for the key), and the workspace's own admins and owners per Slack's users.info (asked
afresh each time: roles change). Someone met in a Slack Connect channel is an admin of another workspace, never of
this one, whatever their `is_admin` says."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.records import Where
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)

_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


async def may_act(client: AsyncWebClient, where: Where, *, owner_id: str | None) -> bool | None:
    """May `where.user_id` act here? True for `owner_id`, and for an admin or owner of `where`'s workspace (or of its
    Enterprise Grid org) who is one of its own people; None when Slack could not say (refuse then)."""
    if not where.user_id:
        return False
    if where.user_id == owner_id:
        return True
    try:
        response = await client.users_info(user=where.user_id)
    except SLACK_FAILURES as error:
        log.warning("users.info failed; who may act is not known", extra={"slack_error": error_code(error)})
        return None
    user = response.get("user") or {}
    if not one_of_its_own(user, where.team_id, where.enterprise_id):
        return False
    org = user.get("enterprise_user") or {}
    return any(bool(user.get(flag)) or bool(org.get(flag)) for flag in _ADMIN_FLAGS)


def one_of_its_own(user: dict[str, Any], team_id: str | None, enterprise_id: str | None) -> bool:
    """users.info's `user` is one of the workspace's (or its org's) own people, not a Slack Connect guest: someone
    from another organisation keeps their own team (and org) there, or Slack flags them as a stranger."""
    if user.get("is_stranger"):
        return False
    org = (user.get("enterprise_user") or {}).get("enterprise_id")
    return (bool(team_id) and user.get("team_id") == team_id) or (bool(enterprise_id) and org == enterprise_id)
