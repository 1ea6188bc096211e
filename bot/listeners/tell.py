"""Telling the person who clicked: an ephemeral reply in the conversation, or a small modal where there is none
(the Home tab)."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.body import Incoming
from bot.messages import library as library_text
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


async def notify(client: AsyncWebClient, trigger_id: str, text: str, title: str = "Voice Cloner") -> None:
    """Show `text` in a small modal (a trigger_id works once, within 3 seconds of the click)."""
    try:
        await client.views_open(trigger_id=trigger_id, view=library_text.notice_modal(title, text))
    except SLACK_FAILURES as error:
        log.warning("notice not shown", extra={"slack_error": error_code(error)})


async def tell(client: AsyncWebClient, asked: Incoming, respond, text: str) -> None:
    """Answer the click `asked` with `text`, seen only by the person who clicked."""
    if asked.response_url and respond is not None:
        await respond(text=text, response_type="ephemeral", replace_original=False)
    elif asked.trigger_id:
        await notify(client, asked.trigger_id, text)
