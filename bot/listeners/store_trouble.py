"""The one answer to a Slack request the database could not serve: "try again in a minute", never silence or a 500.

Bolt hands every error of a listener or middleware to the app's error handler (bot/app.py), which calls `answer`
for a StoreUnavailable. Before the request was acknowledged the answer goes in the acknowledgement itself (an
ephemeral reply to a command, an error on a dialog's field); after it, through the response URL, or as an
ephemeral message to the person in the channel for an event.
"""

from __future__ import annotations

import json
import logging

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.body import read_body
from bot.listeners.services import CONTEXT_KEY
from bot.messages import clone as clone_text
from bot.messages import ids
from bot.slack.shapes import looks_like_audio, shared_file
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)


async def answer(
    error: StoreUnavailable, body: dict, context: AsyncBoltContext, client: AsyncWebClient, acknowledged: bool
) -> BoltResponse | None:
    """Tell the person; the response to acknowledge with when the request was not acknowledged yet."""
    shared = context.get(CONTEXT_KEY)
    if shared is not None:
        shared.metrics.upstream_failure("database", _cause(error))
    log.warning("request refused: the database is unreachable", extra={"cause": str(error)})
    text = clone_text.database_unavailable()
    # Read here, not taken from the context: the store may have failed before the request was read (authorising
    # it reads the installation).
    asked = read_body(body, context)
    kind = asked.kind
    if not acknowledged and kind == "command":
        return _json({"response_type": "ephemeral", "text": text})
    if not acknowledged and kind == "view_submission":
        return _json({"response_action": "errors", "errors": {ids.NAME_BLOCK: text}})
    try:
        if context.response_url and context.respond is not None:
            await context.respond(text=text, response_type="ephemeral", replace_original=False)
        elif (
            kind == "event_callback"
            and asked.channel_id
            and asked.user_id
            and _asked_for_a_clone(body.get("event") or {}, context.bot_user_id)
        ):
            await client.chat_postEphemeral(channel=asked.channel_id, user=asked.user_id, text=text)
    except (SlackClientError, OSError, TimeoutError):
        log.warning("could not tell the person the database is unreachable", exc_info=True)
    return None if acknowledged else BoltResponse(status=200, body="")


def _asked_for_a_clone(event: dict, bot_user_id: str | None) -> bool:
    """A shared file that may have been meant for a clone (audio, or the bot mentioned): the person is told. Other
    files shared in the bot's channels are not answered, outage or not."""
    files = [shared_file(f) for f in event.get("files") or [] if isinstance(f, dict)]
    mentioned = bool(bot_user_id) and f"<@{bot_user_id}>" in (event.get("text") or "")
    return bool(files) and (mentioned or any(looks_like_audio(f) for f in files))


def _cause(error: BaseException) -> str:
    """ "timeout" when the database was there but too slow (a lock, a statement timeout), else "unavailable"."""
    seen: BaseException | None = error
    for _ in range(8):  # the error, SQLAlchemy's, the driver's, and what that one wraps
        if seen is None:
            break
        name = type(seen).__name__
        if "Timeout" in name or "QueryCanceled" in name or getattr(seen, "sqlite_errorname", "") == "SQLITE_BUSY":
            return "timeout"
        seen = seen.__cause__ or getattr(seen, "orig", None)
    return "unavailable"


def _json(payload: dict) -> BoltResponse:
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})
