"""A RevRing double for `POST /v1/voices` that checks what the real one would.

It wants the API key, a multipart body with `displayName` and a `voice` file part, and it can be
told to give each documented error, or to misbehave the ways an undocumented answer can.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass

from aiohttp import web

from tests.doubles.server import LoopbackServer


@dataclass
class ReceivedVoice:
    display_name: str
    language: str | None
    filename: str | None
    content_type: str | None
    content: bytes


class FakeRevRing(LoopbackServer):
    """`answers` is a queue of scripted outcomes; when empty, a valid request creates a voice."""

    def __init__(self, api_key: str, host: str = "127.0.0.1") -> None:
        super().__init__(host)
        self.api_key = api_key
        self.redirect_to: str | None = None  # answer "redirect": 307 to this URL
        self.keys_seen: list[str | None] = []
        self.retry_after = "0"  # what a scripted 429 says in Retry-After
        self.answers: list[str] = []
        self.received: list[ReceivedVoice] = []
        self.attempts = 0
        self.release_slow = asyncio.Event()
        self.slow_started = asyncio.Event()
        self._ids = itertools.count(1)
        self.billing_inactive = False  # GET /v1/agents answers 402 billing_inactive
        self.agent_reads = 0
        self.app.add_routes([web.post("/v1/voices", self._create_voice), web.get("/v1/agents", self._list_agents)])

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1"

    async def _list_agents(self, request: web.Request) -> web.Response:
        """What `python -m bot check` reads to prove the key: 401 for a wrong key, 402 when billing is off."""
        self.agent_reads += 1
        if request.headers.get("x-api-key") != self.api_key:
            return web.json_response({"error": "unauthorized"}, status=401)
        if self.billing_inactive:
            return web.json_response({"error": "billing_inactive"}, status=402)
        return web.json_response({"data": []})

    async def _create_voice(self, request: web.Request) -> web.StreamResponse:
        self.attempts += 1
        self.keys_seen.append(request.headers.get("x-api-key"))
        if self.answers and self.answers[0] == "redirect":
            self.answers.pop(0)
            raise web.HTTPTemporaryRedirect(f"{self.redirect_to}/v1/voices")
        if request.headers.get("x-api-key") != self.api_key:
            return web.json_response({"error": "unauthorized"}, status=401)
        if not request.content_type.startswith("multipart/form-data"):
            return web.json_response(
                {"error": "invalid_body", "details": {"body": "expected multipart/form-data"}}, status=400
            )
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
            return web.json_response({"error": "invalid_body", "details": missing}, status=400)
        assert voice is not None
        voice.display_name = fields["displayName"]
        voice.language = fields.get("language")
        self.received.append(voice)

        answer = self.answers.pop(0) if self.answers else "created"
        if answer == "invalid_body":
            return web.json_response(
                {"error": "invalid_body", "details": {"voice": ["must contain speech from one speaker"]}}, status=400
            )
        if answer == "billing_inactive":
            return web.json_response({"error": "billing_inactive"}, status=402)
        if answer == "too_large":  # undocumented: shaped like the documented errors
            return web.json_response(
                {"error": "payload_too_large", "details": {"voice": ["larger than the 10 MB allowed"]}}, status=413
            )
        if answer == "unprocessable":
            return web.json_response(
                {"error": "unprocessable", "details": {"voice": ["no speech found in <stream 0> & <stream 1>"]}},
                status=422,
            )
        if answer == "server_error":
            return web.json_response({"error": "internal"}, status=500)
        if answer == "rate_limited":
            return web.json_response({"error": "rate_limited"}, status=429, headers={"Retry-After": self.retry_after})
        if answer == "html":
            return web.Response(text="<html><body>Bad gateway</body></html>", status=502, content_type="text/html")
        if answer == "bad_json":
            return web.Response(text="{not json", status=201, content_type="application/json")
        if answer == "reset":
            assert request.transport is not None
            request.transport.close()
            return web.Response()
        if answer == "slow":
            self.slow_started.set()
            await self.release_slow.wait()
        language = voice.language or "en"
        return web.json_response(
            {
                "data": {
                    "id": f"voice-{next(self._ids):04d}",
                    "displayName": voice.display_name,
                    "language": language,
                    "source": "cloned",
                    "status": "ready",
                    "gender": None,
                    "category": None,
                }
            },
            status=201,
        )
