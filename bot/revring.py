"""RevRing voice API client. Knows nothing of Slack: give it a name, a language and an audio file."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

MAX_RATE_LIMIT_RETRIES = 2
MAX_ANSWER_BYTES = 256 * 1024
MAX_RETRY_AFTER_SECONDS = 10.0


@dataclass(frozen=True)
class Voice:
    """A voice RevRing created; `id` is what an agent's `voiceId` takes."""

    id: str
    display_name: str
    language: str
    status: str


class RevRingError(Exception):
    """Base of every RevRing failure; `cause` is for logs, never for people."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class InvalidBody(RevRingError):
    """400 invalid_body: RevRing refused what we sent; `details` says why."""

    def __init__(self, details: dict[str, Any]) -> None:
        super().__init__(f"400 invalid_body: {details!r}")
        self.details = details


class Unauthorized(RevRingError):
    """401: the API key is wrong or revoked."""


class BillingInactive(RevRingError):
    """402 billing_inactive: the RevRing subscription needs attention."""


class VoiceIdMissing(RevRingError):
    """201 Created, but no readable voice id: the voice probably exists, so this must never be retried."""


class TooLarge(RevRingError):
    """413: the audio is bigger than RevRing takes; nothing was created. `details` is what RevRing said, if anything."""

    def __init__(self, details: Any) -> None:
        super().__init__(f"413 too large: {details!r}")
        self.details = details


class Unprocessable(RevRingError):
    """422: RevRing could not process the audio; nothing was created. `details` is what RevRing said, if anything."""

    def __init__(self, details: Any) -> None:
        super().__init__(f"422 unprocessable: {details!r}")
        self.details = details


class Unavailable(RevRingError):
    """RevRing did not act on the request, so nothing was created and trying again is safe. `reason`: "busy" (429
    on every attempt), "unreachable" (no connection, so nothing was sent) or "refused" (a 3xx or 4xx it doesn't
    document)."""

    def __init__(self, cause: str, reason: str) -> None:
        super().__init__(cause)
        self.reason = reason


class OutcomeUnknown(RevRingError):
    """The audio was sent but no usable answer came back, so the voice may exist and a blind retry could make a
    second one. `reason`: "timeout", "server_error" (5xx), "dropped" (the connection broke) or "unclear" (a 2xx
    other than 201)."""

    def __init__(self, cause: str, reason: str) -> None:
        super().__init__(cause)
        self.reason = reason


class RevRingClient:
    """Creates voices over a shared aiohttp session."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        api_key: str,
        *,
        timeout: aiohttp.ClientTimeout | None = None,
        max_rate_limit_retries: int = MAX_RATE_LIMIT_RETRIES,
    ) -> None:
        self._session = session
        self._base_url = base_url.rstrip("/")
        self._api_key = api_key
        self._timeout = timeout or aiohttp.ClientTimeout(total=180, sock_connect=10, sock_read=120)
        self._max_rate_limit_retries = max_rate_limit_retries

    async def create_voice(
        self, *, display_name: str, language: str, audio: Path, filename: str, content_type: str
    ) -> Voice:
        """POST /voices with the audio streamed from disk.

        Only a 429 (the server did nothing) or a failed connection (nothing was sent) is retried:
        the POST is not idempotent, so any other failure may already have created a voice.
        """
        attempt = 0
        while True:
            try:
                return await self._post_once(display_name, language, audio, filename, content_type)
            except _RateLimited as limited:
                if attempt >= self._max_rate_limit_retries:
                    raise Unavailable(f"429 after {attempt + 1} attempts", "busy") from None
                attempt += 1
                log.info("revring rate limited; retrying", extra={"retry_after": limited.retry_after})
                await asyncio.sleep(limited.retry_after)
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
                if attempt >= self._max_rate_limit_retries:
                    raise Unavailable(f"cannot connect: {type(error).__name__}", "unreachable") from None
                attempt += 1
                await asyncio.sleep(0.5 * attempt)

    async def _post_once(
        self, display_name: str, language: str, audio: Path, filename: str, content_type: str
    ) -> Voice:
        started = time.monotonic()
        stream = await asyncio.to_thread(audio.open, "rb")
        try:
            form = aiohttp.FormData()
            form.add_field("displayName", display_name)
            form.add_field("language", language)
            # aiohttp reads file objects in chunks off the event loop, so the file is never whole in memory.
            form.add_field("voice", stream, filename=filename, content_type=content_type)
            try:
                async with self._session.post(
                    f"{self._base_url}/voices",
                    data=form,
                    headers={"x-api-key": self._api_key, "Accept": "application/json"},
                    timeout=self._timeout,
                    allow_redirects=False,
                ) as response:
                    log.info("revring answered", extra={"revring_status": response.status,
                                                        "seconds": round(time.monotonic() - started, 3)})
                    return await _read_answer(response)
            except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError):
                raise  # no connection, so nothing was sent: the caller may try again
            except (TimeoutError, aiohttp.ClientError) as error:
                log.info("revring did not answer", extra={"cause": type(error).__name__,
                                                          "seconds": round(time.monotonic() - started, 3)})
                reason = "timeout" if isinstance(error, TimeoutError) else "dropped"
                raise OutcomeUnknown(f"{type(error).__name__} talking to RevRing", reason) from None
        finally:
            await asyncio.to_thread(stream.close)


class _RateLimited(Exception):
    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after


async def _read_answer(response: aiohttp.ClientResponse) -> Voice:
    status = response.status
    if status == 429:
        raise _RateLimited(_retry_after(response.headers.get("Retry-After")))
    body: Any = None
    if response.content_type == "application/json":
        raw = await _read_limited(response, MAX_ANSWER_BYTES)  # RevRing's answers are small; never read more
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
    error = body.get("error") if isinstance(body, dict) else None
    if status == 201 and isinstance(body, dict):
        data = body.get("data")
        if isinstance(data, dict) and isinstance(data.get("id"), str) and data["id"]:
            return Voice(
                id=data["id"],
                display_name=str(data.get("displayName", "")),
                language=str(data.get("language", "")),
                status=str(data.get("status", "")),
            )
        raise VoiceIdMissing("201 without a readable voice id")
    if status == 201:
        raise VoiceIdMissing(f"201 with a {response.content_type} body")
    if status == 400 and error == "invalid_body":
        details = body.get("details")
        raise InvalidBody(details if isinstance(details, dict) else {})
    if status == 401:
        raise Unauthorized("401 unauthorized")
    if status == 402:
        raise BillingInactive("402 billing_inactive")
    if status in (413, 422):
        details = (body.get("details") or body.get("message")) if isinstance(body, dict) else None
        raise TooLarge(details) if status == 413 else Unprocessable(details)
    cause = f"HTTP {status} ({response.content_type})"
    if status >= 500:
        raise OutcomeUnknown(cause, "server_error")
    if 200 <= status < 300:
        raise OutcomeUnknown(cause, "unclear")
    raise Unavailable(cause, "refused")  # a redirect or a client error: RevRing did not act on it


async def _read_limited(response: aiohttp.ClientResponse, limit: int) -> bytes:
    data = bytearray()
    async for chunk in response.content.iter_chunked(64 * 1024):
        data += chunk
        if len(data) > limit:
            break
    return bytes(data)


def _retry_after(header: str | None) -> float:
    try:
        seconds = float(header) if header is not None else 1.0
    except ValueError:
        seconds = 1.0
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)
