"""List Agents (`GET /agents`, no paging) and Update Agent (`PATCH /agents/{id}` with only `voiceId`)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.revring.errors import NotAllowed, UnexpectedAnswer, UpdateNotAllowed
from bot.revring.transport import Transport, path_segment, raise_for_error

log = logging.getLogger(__name__)

# An agent carries its whole configuration (prompts included), so a large organisation's list is big.
MAX_AGENTS_ANSWER_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Agent:
    """A RevRing voice agent; `voice_id` is None when RevRing names no voice."""

    id: str
    name: str
    status: str
    voice_id: str | None


async def list_agents(transport: Transport) -> list[Agent]:
    """GET /agents: every agent of the key's organisation, in RevRing's order."""
    answer = await transport.call("GET", "/agents", limit=MAX_AGENTS_ANSWER_BYTES)
    if not answer.ok:
        raise_for_error(answer, missing=("agents", None), not_allowed=NotAllowed)
    data = answer.body.get("data") if isinstance(answer.body, dict) else None
    if not isinstance(data, list):
        raise UnexpectedAnswer(f"{answer.describe()} without a list of agents")
    agents = [agent for item in data if (agent := _agent(item)) is not None]
    if len(agents) < len(data):
        log.warning("revring listed agents without an id", extra={"skipped": len(data) - len(agents)})
    return agents


async def update_agent_voice(transport: Transport, agent_id: str, voice_id: str) -> None:
    """PATCH /agents/{id} with `{"voiceId": voice_id}` and nothing else. Idempotent: a lost answer is asked again.

    405 raises UpdateNotAllowed (this account cannot update agents through the API), 404 NotFound("agent", id).
    """
    if not isinstance(voice_id, str) or not voice_id:
        raise ValueError(f"not a RevRing voice id: {voice_id!r}")
    path = f"/agents/{path_segment(agent_id, 'agent')}"
    answer = await transport.call("PATCH", path, json_body={"voiceId": voice_id})
    if not answer.ok:
        raise_for_error(answer, missing=("agent", agent_id), not_allowed=UpdateNotAllowed)


async def check_key(transport: Transport) -> None:
    """Prove the key with a harmless read (GET /agents); returns on any 2xx, raises what anything else means."""
    answer = await transport.call("GET", "/agents")
    if not answer.ok:
        raise_for_error(answer, missing=("agents", None), not_allowed=NotAllowed)


def _agent(item: Any) -> Agent | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str) or not item["id"]:
        return None
    voice_id = item.get("voiceId")
    return Agent(
        id=item["id"],
        name=_text(item.get("name")),
        status=_text(item.get("status")),
        voice_id=voice_id if isinstance(voice_id, str) and voice_id else None,
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
