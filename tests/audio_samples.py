"""Real audio made at test time, so no binary fixtures are committed."""

from __future__ import annotations

import io
import math
import struct
import wave


def wav_tone(seconds: float = 12.0, rate: int = 8000, frequency: float = 220.0) -> bytes:
    """A mono 16-bit PCM WAV of a sine tone (about 16 KB a second at 8 kHz)."""
    frames = int(seconds * rate)
    samples = b"".join(
        struct.pack("<h", int(9000 * math.sin(2 * math.pi * frequency * i / rate))) for i in range(frames)
    )
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples)
    return buffer.getvalue()
