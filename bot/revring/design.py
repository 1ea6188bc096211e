"""Design Voice (`POST /voices/design`): candidate voices from a description, each a short audio preview.

The call is a POST RevRing does not document as idempotent (it may cost), so like Create Voice only a 429 or a
connection that was never made is retried.
"""

from __future__ import annotations

import base64
import binascii
import logging
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from bot.revring.errors import NotAllowed, UnexpectedAnswer
from bot.revring.transport import Transport, raise_for_error

log = logging.getLogger(__name__)

MAX_INSTRUCTION_LENGTH = 2000
MAX_CANDIDATES = 4
# Four previews of a few seconds each, base64-encoded, fit easily; a bigger answer is not read.
MAX_DESIGN_ANSWER_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class Candidate:
    """One designed voice: `audio` is the preview's bytes as RevRing sent them (sniff the format, don't assume)."""

    index: int
    audio: bytes = field(repr=False)
    duration_ms: int
    sample_rate: int


def instruction_length(instruction: str) -> int:
    """The length RevRing limits: UTF-16 code units, as a JavaScript string counts them (an emoji is two)."""
    return len(instruction.encode("utf-16-le", "surrogatepass")) // 2


def check_design_request(instruction: str, n: int) -> None:
    """Raise ValueError unless RevRing would take it: an instruction that is not blank and at most
    MAX_INSTRUCTION_LENGTH long, and 1..MAX_CANDIDATES candidates."""
    if not isinstance(instruction, str) or not instruction.strip():
        raise ValueError("the instruction is empty")
    if instruction_length(instruction) > MAX_INSTRUCTION_LENGTH:
        raise ValueError(f"the instruction is longer than {MAX_INSTRUCTION_LENGTH} characters")
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_CANDIDATES:
        raise ValueError(f"the number of candidates must be 1 to {MAX_CANDIDATES}, not {n!r}")


async def design_voice(transport: Transport, instruction: str, n: int) -> list[Candidate]:
    """POST /voices/design `{"instruction", "n"}` and return the candidates RevRing made, in its order.

    Raises ValueError before sending anything the documented limits refuse.
    """
    check_design_request(instruction, n)
    answer = await transport.call(
        "POST", "/voices/design", json_body={"instruction": instruction, "n": n}, limit=MAX_DESIGN_ANSWER_BYTES
    )
    if not answer.ok:
        raise_for_error(answer, missing=("voice design", None), not_allowed=NotAllowed)
    data = answer.body.get("data") if isinstance(answer.body, dict) else None
    items = data.get("candidates") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise UnexpectedAnswer(f"{answer.describe()} without a list of candidates")
    candidates = [candidate for item in items if (candidate := _candidate(item)) is not None]
    if not candidates:
        raise UnexpectedAnswer(f"{answer.describe()} with no usable candidate out of {len(items)}")
    if len(candidates) < len(items):
        log.warning("revring sent unreadable voice candidates", extra={"skipped": len(items) - len(candidates)})
    return candidates


def _candidate(item: Any) -> Candidate | None:
    if not isinstance(item, dict):
        return None
    index, encoded = item.get("index"), item.get("audioBase64")
    duration_ms, sample_rate = item.get("durationMs"), item.get("sampleRate")
    if not (_whole(index) and isinstance(encoded, str) and _number(duration_ms) and _whole(sample_rate)):
        return None
    try:
        # Line breaks (MIME-style wrapping) are harmless; any other stray character means damaged audio.
        audio = base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if not audio:
        return None
    return Candidate(index=index, audio=audio, duration_ms=round(duration_ms), sample_rate=sample_rate)


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < float("inf")
