"""What the fake RevRing remembers, as the real one does: organisations (each reached by one API key or
several), their agents, and the voices each key created."""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass, field
from typing import Any

from tests.audio_samples import wav_tone

# Built-in voices every organisation may give its agents; they can't be deleted.
SYSTEM_VOICES = ("revring-rachel", "revring-adam")


@dataclass
class FakeVoice:
    id: str
    display_name: str
    language: str
    key: str  # the API key that created it
    organisation: str
    content: bytes = field(repr=False, default=b"")
    source: str = "cloned"
    status: str = "ready"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "displayName": self.display_name,
            "language": self.language,
            "source": self.source,
            "status": self.status,
            "gender": None,
            "category": None,
        }


@dataclass
class FakeAgent:
    id: str
    name: str
    voice_id: str | None
    organisation: str
    status: str = "active"

    def as_json(self) -> dict[str, Any]:
        # Real agents carry their whole configuration; a few of those fields keep the client honest about extras.
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "voiceId": self.voice_id,
            "language": "en",
            "direction": "inbound",
            "folderId": None,
            "systemPrompt": "You are helpful.",
            "createdAt": "2025-01-06T09:30:00.000Z",
            "updatedAt": "2025-01-06T09:30:00.000Z",
        }


@dataclass
class Organisation:
    name: str
    agents: dict[str, FakeAgent] = field(default_factory=dict)
    voices: dict[str, FakeVoice] = field(default_factory=dict)

    def knows_voice(self, voice_id: Any) -> bool:
        return isinstance(voice_id, str) and (voice_id in SYSTEM_VOICES or voice_id in self.voices)


@dataclass
class DesignRequest:
    """One accepted `POST /voices/design` and the previews it answered with."""

    instruction: str
    n: int
    key: str
    candidates: list[bytes] = field(repr=False)


def preview_wav(index: int, seconds: float, rate: int = 8000) -> tuple[bytes, int]:
    """A real WAV preview (a tone, a different pitch per candidate) and its length in milliseconds."""
    audio = wav_tone(seconds=seconds, rate=rate, frequency=220.0 + 55.0 * index)
    with wave.open(io.BytesIO(audio)) as clip:
        duration_ms = round(clip.getnframes() * 1000 / clip.getframerate())
    return audio, duration_ms


def utf16_length(text: str) -> int:
    """How a JavaScript service counts a string's length."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2
