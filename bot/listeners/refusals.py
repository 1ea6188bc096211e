"""What a Slack request that fails is answered: the database unreachable is told to the person (store_trouble), a
body Bolt itself could not read is the sender's fault (400), anything else is ours (500, logged)."""

from __future__ import annotations

import logging
import sysconfig
import traceback

import aiohttp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners import store_trouble
from bot.store import StoreUnavailable

log = logging.getLogger(__name__)


async def refuse_what_bolt_cannot_read(
    error: Exception, response: BoltResponse | None, body: dict, context: AsyncBoltContext, client: AsyncWebClient
) -> BoltResponse | None:
    """Bolt's error handler, in both modes: the database unreachable is told to the person (store_trouble), 400 for
    a body Bolt itself could not read, 500 for anything else. `response` is None once the request was acknowledged.

    Bolt's built-in middleware and listener matchers assume Slack's shapes (an `event` that is an object, and so
    on); on a body that is not, they raise and Bolt would answer 500. Whether a body is Slack-shaped is Slack's to
    say, not ours, so there is no list of fields here: what tells the two apart is where the error was raised.
    In Socket Mode a non-200 answer is simply not acknowledged, as Bolt does with any failed request.
    """
    if isinstance(error, StoreUnavailable):
        return await store_trouble.answer(error, body, context, client, acknowledged=response is None)
    if response is not None and raised_inside_bolt(error):
        log.info("refused a request Bolt could not read", exc_info=error)
        return BoltResponse(status=400, body="bad request")
    log.error("failed to handle a Slack request", exc_info=error)  # as Bolt logs it by default; its 500 stays
    return None


# Where installed libraries and the standard library live (the bot itself may be installed in editable mode, so
# its own files are never under these).
_LIBRARY_PATHS = tuple({sysconfig.get_paths()[name] for name in ("stdlib", "platstdlib", "purelib", "platlib")})


def raised_inside_bolt(error: BaseException, *, caught_here: bool = False) -> bool:
    """True when Bolt, reading the request, failed on its shape: Bolt's own code is on the traceback and nothing
    but installed libraries and the standard library is (any code of ours, a listener say, makes it a bug: 500),
    and the error is not trouble reaching Slack (nor any other I/O: also a 500). The innermost frame may be a
    library Bolt hands a value to: a `team_id` that is an object fails in yarl when Bolt's authorization passes
    it on to `auth.test`."""
    if isinstance(error, OSError | aiohttp.ClientError | SlackApiError | TimeoutError):
        return False
    tb = error.__traceback__
    if caught_here and tb is not None:  # the first frame is the one that caught it (`_slack_events`)
        tb = tb.tb_next
    frames = [frame for frame, _line in traceback.walk_tb(tb)]
    in_bolt = any(str(frame.f_globals.get("__name__", "")).startswith("slack_bolt.") for frame in frames)
    return in_bolt and all(frame.f_code.co_filename.startswith(_LIBRARY_PATHS) for frame in frames)
