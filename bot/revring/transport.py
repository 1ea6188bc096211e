"""How every RevRing call travels: the key only to REVRING_API_URL, no redirect followed, answers read up to a
bound, only what is safe retried, and what a non-success status means, decided in one place."""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn
from urllib.parse import quote

import aiohttp

from bot.revring.errors import (
    BillingInactive,
    InvalidBody,
    NotAllowed,
    NotFound,
    OutcomeUnknown,
    TooLarge,
    Unauthorized,
    Unavailable,
    Unprocessable,
)

log = logging.getLogger(__name__)

MAX_RATE_LIMIT_RETRIES = 2
MAX_ANSWER_BYTES = 256 * 1024
MAX_RETRY_AFTER_SECONDS = 10.0
RETRY_PAUSE_SECONDS = 0.5
# The same request twice has the effect of one, so a lost answer may be asked for again (once).
IDEMPOTENT = frozenset({"GET", "PATCH", "DELETE"})

Sleep = Callable[[float], Awaitable[None]]
OpenForm = Callable[[], AbstractAsyncContextManager[aiohttp.FormData | aiohttp.Payload]]


@dataclass(frozen=True)
class Answer:
    """RevRing's answer: never a 429 or a 5xx (those are retried or raised). `body` is the parsed JSON, or None
    when the answer was not JSON, not valid JSON, or larger than the call allows (`over_limit`)."""

    status: int
    content_type: str
    body: Any
    over_limit: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def describe(self) -> str:
        """For logs: what came back, without the body."""
        size = ", over the size limit" if self.over_limit else ""
        return f"HTTP {self.status} ({self.content_type}{size})"


class Transport:
    """Sends RevRing requests over a shared aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        api_key: str,
        *,
        timeout: aiohttp.ClientTimeout,
        max_rate_limit_retries: int,
        sleep: Sleep,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout
        self._max_rate_limit_retries = max_rate_limit_retries
        self._sleep = sleep

    async def call(
        self,
        method: str,
        path: str,
        *,
        json_body: dict[str, Any] | None = None,
        form: OpenForm | None = None,
        limit: int = MAX_ANSWER_BYTES,
    ) -> Answer:
        """Send `method path` and return RevRing's answer, reading at most `limit` bytes of it.

        Retried, because RevRing did nothing: a 429 (after its Retry-After) and a connection that could not be
        made, up to `max_rate_limit_retries` times. Retried once, only for GET, PATCH and DELETE: a timeout, a
        dropped connection or a 5xx. Still failing: a GET raises Unavailable (a read changes nothing); anything
        else raises OutcomeUnknown (it may have acted). `form` opens a fresh multipart body for each attempt.
        """
        quiet_retries = unclear_retries = 0
        while True:
            try:
                return await self._send(method, path, json_body, form, limit)
            except _RateLimited as limited:
                if quiet_retries >= self._max_rate_limit_retries:
                    raise Unavailable(f"429 after {quiet_retries + 1} attempts", "busy", status=429) from None
                quiet_retries += 1
                log.info("revring rate limited; retrying", extra={"retry_after": limited.retry_after})
                await self._sleep(limited.retry_after)
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
                if quiet_retries >= self._max_rate_limit_retries:
                    raise Unavailable(f"cannot connect: {type(error).__name__}", "unreachable") from error
                quiet_retries += 1
                await self._sleep(RETRY_PAUSE_SECONDS * quiet_retries)
            except _NoAnswer as failure:
                if method in IDEMPOTENT and unclear_retries < 1:
                    unclear_retries += 1
                    log.info("revring gave no answer; asking once more", extra={"cause": failure.cause})
                    await self._sleep(RETRY_PAUSE_SECONDS)
                    continue
                # Raised from what broke (None for a 5xx), so a caller can say why: `check` does.
                if method == "GET":
                    raise Unavailable(failure.cause, failure.reason, status=failure.status) from failure.__cause__
                raise OutcomeUnknown(failure.cause, failure.reason, status=failure.status) from failure.__cause__

    async def _send(
        self, method: str, path: str, json_body: dict[str, Any] | None, form: OpenForm | None, limit: int
    ) -> Answer:
        started = time.monotonic()
        async with form() if form else nullcontext(None) as data:
            try:
                async with self._session.request(
                    method,
                    self._base_url + path,
                    json=json_body,
                    data=data,
                    headers={"x-api-key": self._api_key, "Accept": "application/json"},
                    timeout=self._timeout,
                    allow_redirects=False,  # the key goes to REVRING_API_URL and nowhere else
                ) as response:
                    log.info(
                        "revring answered",
                        extra={
                            "revring_call": f"{method} {path}",
                            "revring_status": response.status,
                            "seconds": round(time.monotonic() - started, 3),
                        },
                    )
                    if response.status == 429:
                        raise _RateLimited(retry_after(response.headers.get("Retry-After")))
                    if response.status >= 500:
                        raise _NoAnswer(
                            f"HTTP {response.status} ({response.content_type})", "server_error", status=response.status
                        )
                    return await _read(response, limit)
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
                raise  # no connection, so nothing was sent: the caller may try again
            except (TimeoutError, aiohttp.ClientError) as error:
                log.info(
                    "revring did not answer",
                    extra={
                        "revring_call": f"{method} {path}",
                        "cause": type(error).__name__,
                        "seconds": round(time.monotonic() - started, 3),
                    },
                )
                reason = "timeout" if isinstance(error, TimeoutError) else "dropped"
                raise _NoAnswer(f"{type(error).__name__} talking to RevRing", reason) from error


def raise_for_error(
    answer: Answer, *, missing: tuple[str, str | None] | None = None, not_allowed: type[NotAllowed] | None = None
) -> NoReturn:
    """Raise what a non-success answer means. `missing` is the (kind, id) a 404 names and `not_allowed` the error
    a 405 raises; without them those statuses, like every other one RevRing does not document, are "refused"."""
    body = answer.body if isinstance(answer.body, dict) else {}
    status = answer.status
    if status == 400 and body.get("error") == "invalid_body":
        details = body.get("details")
        raise InvalidBody(details if isinstance(details, dict) else {})
    if status == 401:
        raise Unauthorized("401 unauthorized")
    if status == 402:
        raise BillingInactive("402 billing_inactive")
    if status == 404 and missing is not None:
        raise NotFound(*missing)
    if status == 405 and not_allowed is not None:
        raise not_allowed(f"405 {answer.describe()}")
    if status in (413, 422):
        details = body.get("details") or body.get("message") or None
        raise TooLarge(details) if status == 413 else Unprocessable(details)
    # A redirect or a client error: RevRing did not act on it.
    raise Unavailable(answer.describe(), "refused", status=status)


def path_segment(value: str, what: str) -> str:
    """An id as exactly one URL path segment, so no id can point the request (and the key) at another path."""
    if not isinstance(value, str) or value in ("", ".", ".."):
        raise ValueError(f"not a RevRing {what} id: {value!r}")
    return quote(value, safe="")


def retry_after(header: str | None) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), within 0..MAX_RETRY_AFTER_SECONDS."""
    if header is None:
        return 1.0
    try:
        seconds = float(header)
    except ValueError:
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return 1.0
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if not math.isfinite(seconds):
        return 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


class _RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after


class _NoAnswer(Exception):
    """The request went out but no usable answer came back: a timeout, a dropped connection or a 5xx."""

    def __init__(self, cause: str, reason: str, *, status: int | None = None) -> None:
        self.cause = cause
        self.reason = reason
        self.status = status


async def _read(response: aiohttp.ClientResponse, limit: int) -> Answer:
    """Parse a JSON answer of at most `limit` bytes; anything else is left unread (a proxy's HTML page, a flood)."""
    status, content_type = response.status, response.content_type
    if content_type != "application/json":
        return Answer(status, content_type, None)
    if response.content_length is not None and response.content_length > limit:
        return Answer(status, content_type, None, over_limit=True)
    raw = bytearray()
    while len(raw) <= limit:  # never more than limit + 1 bytes in hand, whatever the server sends
        chunk = await response.content.read(min(64 * 1024, limit + 1 - len(raw)))
        if not chunk:
            break
        raw += chunk
    if len(raw) > limit:
        return Answer(status, content_type, None, over_limit=True)
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    return Answer(status, content_type, body)
