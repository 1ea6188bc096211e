"""Telling the person who clicked: an ephemeral reply in the conversation, or a small modal where there is none
(the Home tab)."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import library as library_text
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


async def notify(client: AsyncWebClient, trigger_id: str, text: str, title: str = "Voice Cloner") -> None:
    """Show `text` in a small modal (a trigger_id works once, within 3 seconds of the click)."""
    try:
        await client.views_open(trigger_id=trigger_id, view=library_text.notice_modal(title, text))
    except SLACK_FAILURES as error:
        log.warning("notice not shown", extra={"slack_error": error_code(error)})


async def tell(client: AsyncWebClient, body: dict, respond, text: str) -> None:
    """Answer the click in `body` with `text`, seen only by the person who clicked."""
    if body.get("response_url") and respond is not None:
        await respond(text=text, response_type="ephemeral", replace_original=False)
    elif body.get("trigger_id"):
        await notify(client, body["trigger_id"], text)


def team_of(context, body: dict) -> str:
    """The workspace the request came from (an org-wide install may send `"team": null`)."""
    return context.team_id or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
