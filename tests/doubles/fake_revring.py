"""A RevRing double that keeps state and checks what the real one would.

Routes under /v1: `POST /voices` (multipart `displayName`, `voice`, `language`), `GET /agents`,
`PATCH /agents/{id}` (JSON, only `voiceId` applied), `DELETE /voices/{id}` and `POST /voices/design`.
Each API key belongs to an organisation with its own agents and voices; a voice remembers the key that made
it. `next_answers[route]` scripts what each route does next (see MODES); `answers` is the one of POST /voices.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.doubles.revring_state import (
    DesignRequest,
    FakeAgent,
    FakeVoice,
    Organisation,
    preview_wav,
    utf16_length,
)
from tests.doubles.server import LoopbackServer

ROUTES = ("create_voice", "list_agents", "update_agent", "delete_voice", "design_voice")

# A scripted answer is one of these words, or a ready web.Response sent as it is.
# Before acting: "redirect" (307 to `redirect_to`, before the key is checked), "invalid_body" (400),
# "billing_inactive" (402), "not_found" (404), "not_allowed" (405), "too_large" (413), "unprocessable" (422),
# "rate_limited" (429 with `retry_after`), "server_error" (500), "html" (502 HTML page), "reset" (connection
# closed), "huge" (200 JSON of `huge_answer_bytes`, chunked), "slow" (waits for `release_slow`, then acts).
# After acting: "bad_json" (success status, body not JSON), "html_ok" (200 HTML page), "no_content" (204),
# "done_then_server_error" (500).
MODES = (
    "redirect",
    "invalid_body",
    "billing_inactive",
    "not_found",
    "not_allowed",
    "too_large",
    "unprocessable",
    "rate_limited",
    "server_error",
    "html",
    "reset",
    "huge",
    "slow",
    "bad_json",
    "html_ok",
    "no_content",
    "done_then_server_error",
)

_INVALID_DETAILS = {
    "create_voice": {"voice": ["must contain speech from one speaker"]},
    "list_agents": {"query": ["unexpected parameter"]},
    "update_agent": {"voiceId": ["Unknown voice"]},
    "delete_voice": {"id": ["Invalid voice id"]},
    "design_voice": {"instruction": ["could not design a voice from this description"]},
}


@dataclass
class ReceivedVoice:
    display_name: str
    language: str | None
    filename: str | None
    content_type: str | None
    content: bytes


@dataclass
class SeenRequest:
    """Every request that reached the double, whatever it answered."""

    method: str
    path: str  # decoded, as the route saw it
    raw_path: str  # as it came over the wire (percent-encoding kept)
    key: str | None
    accept: str | None
    content_type: str
    json: Any = None  # the parsed body of a JSON request


class _Answered(Exception):
    def __init__(self, response: web.StreamResponse) -> None:
        self.response = response


class FakeRevRing(LoopbackServer):
    """`api_keys`: one key, or a dict key → organisation name (two keys may share an organisation)."""

    def __init__(self, api_keys: str | dict[str, str], host: str = "127.0.0.1") -> None:
        super().__init__(host)
        named = {api_keys: "default"} if isinstance(api_keys, str) else dict(api_keys)
        self.api_key = next(iter(named))  # the first key; what single-key tests use
        self.organisations = {name: Organisation(name) for name in named.values()}
        self.keys = {key: self.organisations[name] for key, name in named.items()}
        self.redirect_to: str | None = None  # where "redirect" sends the request
        self.keys_seen: list[str | None] = []  # the key of each POST /voices
        self.retry_after = "0"  # what a scripted 429 says in Retry-After
        self.next_answers: dict[str, list[str | web.StreamResponse]] = {route: [] for route in ROUTES}
        self.received: list[ReceivedVoice] = []  # each valid POST /voices, whatever it was answered
        self.requests: list[SeenRequest] = []
        self.designs: list[DesignRequest] = []
        self.attempts = 0  # POST /voices
        self.agent_reads = 0  # GET /agents
        self.billing_inactive = False  # every route answers 402 billing_inactive
        self.preview_seconds = 6.0  # each designed candidate's preview (over the clone flow's 5 s minimum)
        self.huge_answer_bytes = 64 * 1024 * 1024
        self.release_slow = asyncio.Event()
        self.slow_started = asyncio.Event()
        self._requests_seen = asyncio.Condition()  # told of every request as it arrives, is counted and is answered
        self._voice_ids = itertools.count(1)
        self._agent_ids = itertools.count(1)
        self.app.middlewares.append(self._record_and_answer)
        self.app.add_routes(
            [
                web.post("/v1/voices", self._create_voice),
                web.get("/v1/agents", self._list_agents),
                web.patch("/v1/agents/{agent_id}", self._update_agent),
                web.delete("/v1/voices/{voice_id}", self._delete_voice),
                web.post("/v1/voices/design", self._design_voice),
            ]
        )

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1"

    @property
    def answers(self) -> list[str | web.StreamResponse]:
        return self.next_answers["create_voice"]

    @answers.setter
    def answers(self, value: list[str | web.StreamResponse]) -> None:
        self.next_answers["create_voice"] = value

    # --- state, for tests ----------------------------------------------------------------------------------

    def organisation(self, key: str | None = None) -> Organisation:
        return self.keys[key or self.api_key]

    def add_agent(
        self, name: str, voice_id: str | None = "revring-rachel", *, key: str | None = None, status: str = "active"
    ) -> FakeAgent:
        organisation = self.organisation(key)
        agent = FakeAgent(f"agent-{next(self._agent_ids):04d}", name, voice_id, organisation.name, status)
        organisation.agents[agent.id] = agent
        return agent

    def add_voice(self, display_name: str, *, key: str | None = None, language: str = "en") -> FakeVoice:
        """A voice made before the test started, as if by POST /voices with `key`."""
        return self._store_voice(self.organisation(key), key or self.api_key, display_name, language, b"")

    @property
    def voices(self) -> dict[str, FakeVoice]:
        """Every organisation's voices by id."""
        return {v.id: v for organisation in self.organisations.values() for v in organisation.voices.values()}

    def agent(self, agent_id: str) -> FakeAgent:
        return next(a for o in self.organisations.values() for a in o.agents.values() if a.id == agent_id)

    def calls(self, method: str, path_prefix: str = "/v1/") -> list[SeenRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until `predicate()` holds, checked as each request arrives, is counted and is answered."""

        async def holds() -> None:
            async with self._requests_seen:
                await self._requests_seen.wait_for(predicate)

        await asyncio.wait_for(holds(), timeout)

    async def _tell(self) -> None:
        async with self._requests_seen:
            self._requests_seen.notify_all()

    # --- routes --------------------------------------------------------------------------------------------

    async def _create_voice(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        await self._tell()
        key = request.headers.get("x-api-key")
        self.keys_seen.append(key)
        organisation = self._admit(request, "create_voice")
        if not request.content_type.startswith("multipart/form-data"):
            return _invalid({"body": "expected multipart/form-data"})
        fields: dict[str, str] = {}
        voice: ReceivedVoice | None = None
        reader = await request.multipart()
        async for part in reader:
            if part.name == "voice" and part.filename:
                voice = ReceivedVoice("", None, part.filename, part.headers.get("Content-Type"), await part.read())
            elif part.name:
                fields[part.name] = await part.text()
        missing = {}
        if not fields.get("displayName"):
            missing["displayName"] = ["Required"]
        if voice is None or not voice.content:
            missing["voice"] = ["Required: an audio file"]
        if missing:
            return _invalid(missing)
        assert voice is not None and key is not None
        voice.display_name = fields["displayName"]
        voice.language = fields.get("language")
        self.received.append(voice)
        await self._tell()
        mode = await self._misbehave(request, "create_voice")
        created = self._store_voice(organisation, key, voice.display_name, voice.language or "en", voice.content)
        return _after(mode, 201, {"data": created.as_json()})

    async def _list_agents(self, request: web.Request) -> web.StreamResponse:
        self.agent_reads += 1
        organisation = self._admit(request, "list_agents")
        mode = await self._misbehave(request, "list_agents")
        return _after(mode, 200, {"data": [agent.as_json() for agent in organisation.agents.values()]})

    async def _update_agent(self, request: web.Request) -> web.StreamResponse:
        organisation = self._admit(request, "update_agent")
        mode = await self._misbehave(request, "update_agent")
        body = await _json_object(request)
        agent = organisation.agents.get(request.match_info["agent_id"])
        if agent is None:
            return _not_found()
        if "voiceId" in body:
            if not organisation.knows_voice(body["voiceId"]):
                return _invalid({"voiceId": ["Unknown voice"]})
            agent.voice_id = body["voiceId"]
        return _after(mode, 200, {"data": agent.as_json()})

    async def _delete_voice(self, request: web.Request) -> web.StreamResponse:
        organisation = self._admit(request, "delete_voice")
        mode = await self._misbehave(request, "delete_voice")
        voice = organisation.voices.pop(request.match_info["voice_id"], None)
        if voice is None:
            return _not_found()
        return _after(mode, 200, {"data": {"id": voice.id, "deleted": True}})

    async def _design_voice(self, request: web.Request) -> web.StreamResponse:
        self._admit(request, "design_voice")  # a design belongs to no one until it is saved with POST /voices
        mode = await self._misbehave(request, "design_voice")
        body = await _json_object(request)
        instruction, n = body.get("instruction"), body.get("n")
        details = {}
        if not isinstance(instruction, str) or not 1 <= utf16_length(instruction) <= 2000:
            details["instruction"] = ["String must contain between 1 and 2000 character(s)"]
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= 4:
            details["n"] = ["Number must be between 1 and 4"]
        if details:
            return _invalid(details)
        previews = [preview_wav(index, self.preview_seconds) for index in range(n)]
        self.designs.append(DesignRequest(instruction, n, request.headers["x-api-key"], [a for a, _ in previews]))
        candidates = [
            {
                "index": index,
                "audioBase64": base64.b64encode(audio).decode(),
                "durationMs": duration_ms,
                "sampleRate": 8000,
            }
            for index, (audio, duration_ms) in enumerate(previews)
        ]
        return _after(mode, 200, {"data": {"candidates": candidates}})

    # --- shared behaviour ----------------------------------------------------------------------------------

    @web.middleware
    async def _record_and_answer(self, request: web.Request, handler: Any) -> web.StreamResponse:
        seen = SeenRequest(
            request.method,
            request.path,
            request.raw_path,
            request.headers.get("x-api-key"),
            request.headers.get("Accept"),
            request.content_type,
        )
        if request.content_type == "application/json" and request.can_read_body:
            try:
                seen.json = json.loads(await request.read())
            except ValueError:
                seen.json = None
        self.requests.append(seen)
        await self._tell()
        try:
            return await handler(request)
        except _Answered as answered:
            return answered.response
        finally:
            await self._tell()

    def _admit(self, request: web.Request, route: str) -> Organisation:
        """A scripted redirect, then the key (401) and billing (402): what every route checks first."""
        queue = self.next_answers[route]
        if queue and queue[0] == "redirect":
            queue.pop(0)
            raise web.HTTPTemporaryRedirect(f"{self.redirect_to}{request.path}")
        organisation = self.keys.get(request.headers.get("x-api-key") or "")
        if organisation is None:
            raise _Answered(web.json_response({"error": "unauthorized"}, status=401))
        if self.billing_inactive:
            raise _Answered(web.json_response({"error": "billing_inactive"}, status=402))
        return organisation

    async def _misbehave(self, request: web.Request, route: str) -> str:
        """Play the route's next scripted answer; return the mode when the request goes on to be acted upon."""
        queue = self.next_answers[route]
        mode = queue.pop(0) if queue else ""
        if mode == "created":  # said in so many words: the route does what it is asked
            mode = ""
        if isinstance(mode, web.StreamResponse):
            raise _Answered(mode)
        if mode == "slow":
            self.slow_started.set()
            await self.release_slow.wait()
        elif mode == "reset":
            assert request.transport is not None
            request.transport.close()
            raise _Answered(web.Response())
        elif mode == "huge":
            raise _Answered(await self._huge(request))
        elif mode == "rate_limited":
            raise _Answered(
                web.json_response({"error": "rate_limited"}, status=429, headers={"Retry-After": self.retry_after})
            )
        elif mode in _EARLY:
            raise _Answered(_EARLY[mode](route))
        elif mode not in MODES and mode != "":
            raise AssertionError(f"unknown scripted answer {mode!r}; see MODES")
        return mode

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        block = b"x" * 65536
        try:
            await response.write(b'{"data": {"candidates": [], "agents": [], "padding": "')
            for _ in range(self.huge_answer_bytes // len(block)):
                await response.write(block)
            await response.write(b'"}}')
            await response.write_eof()
        except ConnectionError:
            pass  # the client stopped reading, as it should
        return response

    def _store_voice(self, organisation: Organisation, key: str, name: str, language: str, content: bytes) -> FakeVoice:
        voice = FakeVoice(f"voice-{next(self._voice_ids):04d}", name, language, key, organisation.name, content)
        organisation.voices[voice.id] = voice
        return voice


def _invalid(details: dict[str, Any]) -> web.Response:
    return web.json_response({"error": "invalid_body", "details": details}, status=400)


def _not_found() -> web.Response:
    return web.json_response({"error": "not_found"}, status=404)


_EARLY = {
    "invalid_body": lambda route: _invalid(_INVALID_DETAILS[route]),
    "billing_inactive": lambda route: web.json_response({"error": "billing_inactive"}, status=402),
    "not_found": lambda route: _not_found(),
    "not_allowed": lambda route: web.json_response({"error": "method_not_allowed"}, status=405),
    # Undocumented; shaped like the documented errors.
    "too_large": lambda route: web.json_response(
        {"error": "payload_too_large", "details": {"voice": ["larger than the 10 MB allowed"]}}, status=413
    ),
    "unprocessable": lambda route: web.json_response(
        {"error": "unprocessable", "details": {"voice": ["no speech found in <stream 0> & <stream 1>"]}}, status=422
    ),
    "server_error": lambda route: web.json_response({"error": "internal"}, status=500),
    "html": lambda route: web.Response(
        text="<html><body>Bad gateway</body></html>", status=502, content_type="text/html"
    ),
}


def _after(mode: str, status: int, body: Any) -> web.Response:
    """The answer once the request was acted upon: the documented one unless a late misbehaviour is scripted."""
    if mode == "bad_json":
        return web.Response(text="{not json", status=status, content_type="application/json")
    if mode == "html_ok":
        return web.Response(text="<!DOCTYPE html><html><body>Sign in</body></html>", content_type="text/html")
    if mode == "no_content":
        return web.Response(status=204)
    if mode == "done_then_server_error":
        return web.json_response({"error": "internal"}, status=500)
    return web.json_response(body, status=status)


async def _json_object(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise _Answered(_invalid({"body": ["expected application/json"]}))
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _Answered(_invalid({"body": ["expected a JSON object"]}))
    return body
