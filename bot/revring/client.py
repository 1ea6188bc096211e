"""RevRingClient: the one object the app holds to talk to RevRing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.revring import agents, design, voices
from bot.revring.agents import Agent
from bot.revring.design import Candidate
from bot.revring.transport import MAX_RATE_LIMIT_RETRIES, Sleep, Transport
from bot.revring.voices import Deletion, Voice


class RevRingClient:
    """RevRing's voice and agent calls over a shared aiohttp session; the key goes only to `base_url`.

    Every failure is a RevRingError (bot.revring.errors); arguments RevRing would refuse raise ValueError before
    anything is sent. `sleep` is how the client waits before a retry (tests pass one that does not wait).
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        base_url: str,
        api_key: str,
        *,
        timeout: aiohttp.ClientTimeout | None = None,
        max_rate_limit_retries: int = MAX_RATE_LIMIT_RETRIES,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._transport = Transport(
            session,
            base_url,
            api_key,
            timeout=timeout or aiohttp.ClientTimeout(total=180, sock_connect=10, sock_read=120),
            max_rate_limit_retries=max_rate_limit_retries,
            sleep=sleep,
        )

    async def create_voice(
        self, *, display_name: str, language: str, audio: Path, filename: str, content_type: str
    ) -> Voice:
        """POST /voices (multipart, audio streamed from disk). Never repeated once the audio may have arrived."""
        return await voices.create_voice(
            self._transport,
            display_name=display_name,
            language=language,
            audio=audio,
            filename=filename,
            content_type=content_type,
        )

    async def delete_voice(self, voice_id: str) -> Deletion:
        """DELETE /voices/{id}: Deletion.DELETED, or Deletion.ALREADY_GONE on a 404."""
        return await voices.delete_voice(self._transport, voice_id)

    async def list_agents(self) -> list[Agent]:
        """GET /agents: the organisation's agents (RevRing does not page them)."""
        return await agents.list_agents(self._transport)

    async def update_agent_voice(self, agent_id: str, voice_id: str) -> None:
        """PATCH /agents/{id} `{"voiceId"}`; a 405 raises UpdateNotAllowed."""
        await agents.update_agent_voice(self._transport, agent_id, voice_id)

    async def check_key(self) -> None:
        """Prove the key with a harmless read (GET /agents); raises Unauthorized, BillingInactive, …"""
        await agents.check_key(self._transport)

    async def design_voice(self, instruction: str, n: int) -> list[Candidate]:
        """POST /voices/design: `n` (1–4) candidate voices from `instruction` (1–2000 characters)."""
        return await design.design_voice(self._transport, instruction, n)
