"""Small helpers the test modules share: a hosted audio file, a port nobody listens on, a chosen option as Slack
reports it, one way to wait for what no event announces, and the clones the bot has taken in."""

from __future__ import annotations

import asyncio
import inspect
import socket
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tests.audio_samples import wav_tone
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.slack_payloads import TEAM

if TYPE_CHECKING:
    from tests.conftest import Harness

T = TypeVar("T")

WAV = wav_tone(12.0)  # a clip long enough to clone


def hosted(
    where: Harness | FakeSlack,
    file_id: str = "F0AUDIO",
    content: bytes = WAV,
    *,
    name: str = "rachel.wav",
    mimetype: str = "audio/wav",
    **details: Any,
) -> dict[str, Any]:
    """Serve `content` from the fake Slack's file host; return the file object a share of it carries.
    `details` are HostedFile's other fields (filetype, subtype, visible_to_bot, token, extra)."""
    slack = where if isinstance(where, FakeSlack) else where.slack
    return slack.host_file(HostedFile(file_id, name, mimetype, content, **details))


def closed_port() -> int:
    """A loopback port nothing listens on (bound for a moment, then let go): connecting to it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def option(value: str) -> dict[str, Any]:
    """A chosen option as Slack reports it in a view's `state.values`: its text and its value."""
    return {"text": {"type": "plain_text", "text": value, "emoji": True}, "value": value}


async def eventually(check: Callable[[], T | Awaitable[T]], timeout: float = 10.0, interval: float = 0.02) -> T:
    """Look at `check()` (a function or a coroutine function) every `interval` seconds until it gives something
    true, and return that; raise TimeoutError after `timeout` seconds.

    Only for what nothing announces: a row another process writes, a metric, a line in another process's output.
    What the fakes see has its event (FakeSlack.wait_for / wait_until), and the bot's own handling of a request has
    Harness.settled().
    """
    deadline = time.monotonic() + timeout
    while True:
        seen = check()
        if inspect.isawaitable(seen):
            seen = await seen
        if seen:
            return seen
        if time.monotonic() >= deadline:
            raise TimeoutError(f"still not so after {timeout} s: {check!r}")
        await asyncio.sleep(interval)


async def clones(harness: Harness, team: str = TEAM) -> list[str]:
    """The names of the clones the bot has taken in for `team`, oldest first.

    A clone is recorded as a job while its request is handled, before it posts or sends anything: once
    Harness.settled() has returned, a clone that was not taken in by then never will be for those requests (what
    RevRing and Slack see of one that was comes later)."""
    jobs = await harness.services.store.recent_jobs(team, limit=1000)
    return [job.request.name for job in reversed(jobs)]
