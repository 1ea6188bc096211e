"""Safe, streamed download of a private Slack file to disk."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin, urlsplit

import aiohttp

from bot.slack.api_errors import outage_cause

log = logging.getLogger(__name__)

MAX_REDIRECTS = 3
CHUNK_BYTES = 256 * 1024
_HTML_STARTS = (b"<!doctype", b"<html", b"<head", b"<body")


class SlackFileError(Exception):
    """The file could not be fetched; subclasses say why. `cause` is for logs."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class FileTooLarge(SlackFileError):
    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"file is {size} bytes, limit {limit}")
        self.size = size
        self.limit = limit


class FileNotAccessible(SlackFileError):
    """Slack answered with its HTML sign-in page: missing files:read, or the bot cannot see the file."""


class FileOutOfReach(SlackFileError):
    """The file is gone, or in a conversation the bot is not part of (403/404)."""


class FileNotDownloadable(SlackFileError):
    """Slack has no bytes to give: a file kept elsewhere (Google Drive…), or a file object without a download URL."""


class DownloadFailed(SlackFileError):
    """Network trouble, an error status, a truncated body or too many redirects. `reason` says how Slack failed, in
    the words of `bot.ops.metrics.CAUSES`."""

    def __init__(self, cause: str, reason: str = "error") -> None:
        super().__init__(cause)
        self.reason = reason


def may_receive_token(url: str, extra_hosts: frozenset[str] = frozenset()) -> bool:
    """True only for Slack's own hosts over https, or a host the operator configured explicitly."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host in extra_hosts:
        return parts.scheme in ("http", "https")
    return parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com"))


async def download_slack_file(
    session: aiohttp.ClientSession,
    url: str,
    dest: Path,
    *,
    token: str,
    expected_size: int | None,
    max_bytes: int,
    extra_token_hosts: frozenset[str] = frozenset(),
    timeout: aiohttp.ClientTimeout | None = None,
) -> int:
    """Stream `url` into `dest`, following redirects by hand so the token never leaves Slack.

    Returns the number of bytes written. aiohttp's own redirect handling drops the Authorization
    header on any cross-origin hop, which lands on the sign-in page, so hops are followed here.
    """
    if expected_size is not None and expected_size > max_bytes:
        raise FileTooLarge(expected_size, max_bytes)
    timeout = timeout or aiohttp.ClientTimeout(total=300, sock_connect=10, sock_read=60)
    for _hop in range(MAX_REDIRECTS + 1):
        headers = {"Authorization": f"Bearer {token}"} if may_receive_token(url, extra_token_hosts) else {}
        try:
            async with session.get(url, headers=headers, allow_redirects=False, timeout=timeout) as response:
                if response.status in (301, 302, 303, 307, 308):
                    location = response.headers.get("Location")
                    if not location:
                        raise DownloadFailed(f"redirect {response.status} without Location")
                    url = urljoin(str(response.url), location)
                    log.info("slack download redirected", extra={"host": urlsplit(url).hostname})
                    continue
                if response.status == 401:
                    raise FileNotAccessible("HTTP 401 from the file host")
                if response.status in (403, 404, 410):
                    raise FileOutOfReach(f"HTTP {response.status} from the file host")
                if response.status != 200:
                    raise DownloadFailed(
                        f"HTTP {response.status} from the file host",
                        "ratelimited" if response.status == 429 else "error",
                    )
                if response.content_type == "text/html":
                    raise FileNotAccessible("file host answered with an HTML page")
                if response.content_length is not None and response.content_length > max_bytes:
                    raise FileTooLarge(response.content_length, max_bytes)
                written = await _stream_to_file(response, dest, max_bytes)
        except (TimeoutError, aiohttp.ClientError) as error:
            raise DownloadFailed(f"{type(error).__name__} while downloading", outage_cause(error) or "error") from None
        if expected_size is not None and written != expected_size:
            raise DownloadFailed(f"got {written} bytes, Slack said {expected_size}")
        log.info("slack file downloaded", extra={"bytes": written})
        return written
    raise DownloadFailed(f"more than {MAX_REDIRECTS} redirects")


async def _stream_to_file(response: aiohttp.ClientResponse, dest: Path, max_bytes: int) -> int:
    """Write the body to `dest` as it arrives, off the event loop: chunks of less than half of CHUNK_BYTES are
    gathered first, and the last ones are written with the close (a small file is opened, written and closed in
    one step; a large one is written a chunk at a time, holding no more than before)."""
    written = 0
    first = True
    file = _File(dest)
    batch: list[bytes] = []
    batched = 0
    expected = response.content_length  # the last chunk is known by it (not with gzip or chunked framing)
    try:
        async for chunk in response.content.iter_chunked(CHUNK_BYTES):
            if first:
                first = False
                if chunk.lstrip()[:16].lower().startswith(_HTML_STARTS):
                    raise FileNotAccessible("file host answered with an HTML page")
            written += len(chunk)
            if written > max_bytes:
                raise FileTooLarge(written, max_bytes)
            batch.append(chunk)
            batched += len(chunk)
            if batched >= CHUNK_BYTES // 2 and written != expected:
                await asyncio.to_thread(file.write, batch)
                batch, batched = [], 0
        await asyncio.to_thread(file.finish, batch)
    finally:
        if file.open:
            await asyncio.to_thread(file.close)
    return written


class _File:
    """The download's file on disk, opened with its first write. Blocking: each method runs in a thread."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stream: BinaryIO | None = None

    @property
    def open(self) -> bool:
        return self._stream is not None

    def write(self, chunks: list[bytes]) -> None:
        if self._stream is None:
            try:
                self._stream = self._path.open("wb")
            except FileNotFoundError:  # its private folder went (a /tmp cleaner, say): made again, private
                self._path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._stream = self._path.open("wb")
        self._stream.writelines(chunks)

    def finish(self, chunks: list[bytes]) -> None:
        """The last chunks, and close."""
        self.write(chunks)
        self.close()

    def close(self) -> None:
        if self._stream is not None:
            stream, self._stream = self._stream, None
            stream.close()
