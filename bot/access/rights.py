"""Who may give a voice to an agent, undo that, or delete the voice: the person who cloned it, and the workspace's
admins and owners (Slack's users.info `is_admin` / `is_owner`, asked afresh each time: roles change)."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


async def may_manage(client: AsyncWebClient, owner_id: str, user_id: str) -> bool | None:
    """True for the voice's owner or an admin/owner of the workspace; None when Slack could not say (refuse then)."""
    if user_id and user_id == owner_id:
        return True
    try:
        response = await client.users_info(user=user_id)
    except SLACK_FAILURES as error:
        log.warning("users.info failed; the voice is left alone", extra={"slack_error": error_code(error)})
        return None
    user = response.get("user") or {}
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
