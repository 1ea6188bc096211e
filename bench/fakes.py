"""The test doubles, extended for benchmarks: timestamps, a hold/delay on RevRing, uploads counted not kept.

The doubles in tests/doubles/ are used as they are; only what a benchmark needs is added here.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack

DOWNLOAD_CHUNK = 1024 * 1024

# The doubles' methods the subclasses below override. Should one be renamed in tests/doubles/, the override would
# simply never run and every clone would wait in vain; say which one instead.
for _double, _names in ((FakeSlack, ("_api", "_answer", "_download")), (FakeRevRing, ("_create_voice",))):
    for _name in _names:
        if not callable(getattr(_double, _name, None)):
            raise ImportError(
                f"bench/fakes.py overrides {_double.__name__}.{_name}, which tests/doubles/ no longer has"
            )


@dataclass
class Clone:
    """What the fakes saw of one clone, keyed by the ts of the message that shared its file."""

    ts: str
    file_id: str
    sent_at: float = 0.0  # the signed event left the benchmark
    download_started: float | None = None
    downloads: list[float] = field(default_factory=list)  # every download request of the file (a takeover repeats it)
    download_done: float | None = None  # last byte handed to the socket
    upload_started: float | None = None  # RevRing got the request headers
    upload_done: float | None = None  # RevRing read the whole body
    finished_at: float | None = None  # the result (chat.update, or chat.postMessage as fallback) reached Slack
    ok: bool | None = None
    result_text: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event)


class BenchSlack(FakeSlack):
    """FakeSlack that knows when each clone's result arrives, and serves files in 1 MiB writes with timestamps."""

    def __init__(self, bot_token: str) -> None:
        super().__init__(bot_token)
        self.counts: Counter[str] = Counter()
        self.clones_by_ts: dict[str, Clone] = {}
        self.clones_by_file: dict[str, Clone] = {}
        self._reply_thread: dict[str, str] = {}  # ts of the bot's progress message -> ts of the shared file
        self.finished = 0
        self.keep_calls = False  # FakeSlack.calls grows without bound; benchmarks only need counts
        self.api_delay = 0.0  # seconds before each Web API answer (a real round trip to slack.com)
        # file id -> the first download of that file waits for this event (later downloads are not held)
        self.download_holds: dict[str, asyncio.Event] = {}
        self._holding: list[asyncio.Event] = []  # holds a download is waiting on now

    def release_downloads(self) -> None:
        """Let every held download go, the ones still to come and the ones waiting now."""
        for hold in self.download_holds.values():
            hold.set()
        for hold in self._holding:
            hold.set()

    def track(self, clone: Clone) -> Clone:
        self.clones_by_ts[clone.ts] = clone
        self.clones_by_file[clone.file_id] = clone
        return clone

    async def _api(self, request: web.Request) -> web.Response:
        if self.api_delay:
            await asyncio.sleep(self.api_delay)
        return await super()._api(request)

    def _answer(self, method: str, args: dict[str, Any], *rest: Any, **kwargs: Any) -> dict[str, Any]:
        """FakeSlack's answer, counted and matched to the clone it finishes.

        Whatever else FakeSlack passes (today the caller's workspace) goes through untouched: its parameters after
        `method` and `args` are FakeSlack's business, and an override pinned to them broke every bot's start once
        (auth.test answered 500)."""
        answer = super()._answer(method, args, *rest, **kwargs)
        now = time.perf_counter()
        self.counts[method] += 1
        if not self.keep_calls and len(self.calls) > 1000:
            del self.calls[:-100]
        if method not in ("chat.postMessage", "chat.update") or not answer.get("ok"):
            return answer
        if method == "chat.postMessage":
            thread = args.get("thread_ts")
            if thread:
                self._reply_thread[answer["ts"]] = thread
        else:
            thread = self._reply_thread.get(str(args.get("ts")))
        clone = self.clones_by_ts.get(str(thread))
        text = str(args.get("text") or "")
        # Progress messages ("Cloning…", "queued behind…") start with an hourglass; anything else is the result.
        if clone is not None and not text.startswith(":hourglass") and clone.finished_at is None:
            clone.finished_at = now
            clone.ok = text.startswith("Voice *")
            clone.result_text = text
            clone.done.set()
            self.finished += 1
        return answer

    async def _download(self, request: web.Request) -> web.StreamResponse:
        file = self.files.get(request.match_info["file_id"])
        if request.headers.get("Authorization") != f"Bearer {self.bot_token}" or file is None:
            return await super()._download(request)
        clone = self.clones_by_file.get(file.id)
        if clone is not None:
            clone.downloads.append(time.perf_counter())
            if clone.download_started is None:
                clone.download_started = clone.downloads[0]
        hold = self.download_holds.pop(file.id, None)
        if hold is not None:
            self._holding.append(hold)
            try:
                await hold.wait()
            finally:
                self._holding.remove(hold)
        response = web.StreamResponse(headers={"Content-Type": file.mimetype or "application/octet-stream"})
        response.content_length = len(file.content)
        try:
            await response.prepare(request)
            view = memoryview(file.content)
            for start in range(0, len(view), DOWNLOAD_CHUNK):
                await response.write(view[start : start + DOWNLOAD_CHUNK])
            await response.write_eof()
        except ConnectionResetError:  # the bot was killed while its download was held
            return response
        if clone is not None and clone.download_done is None:
            clone.download_done = time.perf_counter()
        return response


class BenchRevRing(FakeRevRing):
    """FakeRevRing that reads uploads chunk by chunk and forgets them, and can hold answers open.

    `hold` (an Event) keeps every answer waiting until it is set; `delay` (seconds) waits that long first.
    `open_requests` counts requests whose body is read and whose answer is being held.
    """

    def __init__(self, api_key: str, slack: BenchSlack) -> None:
        super().__init__(api_key)
        self.slack = slack
        self.hold: asyncio.Event | None = None
        self.delay = 0.0
        self.open_requests = 0
        self.bytes_received = 0
        self.created = 0
        self._changed = asyncio.Condition()
        self._voice_ids = itertools.count(1)

    async def wait_open(self, count: int, timeout: float) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.open_requests >= count), timeout)

    async def _create_voice(self, request: web.Request) -> web.StreamResponse:
        started = time.perf_counter()
        self.attempts += 1
        if request.headers.get("x-api-key") != self.api_key:
            return web.json_response({"error": "unauthorized"}, status=401)
        if not request.content_type.startswith("multipart/form-data"):
            return web.json_response({"error": "invalid_body", "details": {"body": "multipart"}}, status=400)
        fields: dict[str, str] = {}
        size = 0
        reader = await request.multipart()
        async for part in reader:
            if part.name == "voice" and part.filename:
                while chunk := await part.read_chunk(DOWNLOAD_CHUNK):
                    size += len(chunk)
            elif part.name:
                fields[part.name] = await part.text()
        name = fields.get("displayName", "")
        if not name or not size:
            return web.json_response({"error": "invalid_body", "details": {"voice": ["Required"]}}, status=400)
        self.bytes_received += size
        clone = self.slack.clones_by_file.get(name)  # the benchmarks name each voice after its file id
        if clone is not None:
            clone.upload_started, clone.upload_done = started, time.perf_counter()
        async with self._changed:
            self.open_requests += 1
            self._changed.notify_all()
        try:
            if self.delay:
                await asyncio.sleep(self.delay)
            if self.hold is not None:
                await self.hold.wait()
        finally:
            async with self._changed:
                self.open_requests -= 1
                self._changed.notify_all()
        self.created += 1
        return web.json_response(
            {
                "data": {
                    "id": f"voice-{next(self._voice_ids):05d}",
                    "displayName": name,
                    "language": fields.get("language") or "en",
                    "source": "cloned",
                    "status": "ready",
                }
            },
            status=201,
        )
