"""Audio for the benchmarks, made at run time (nothing binary is committed)."""

from __future__ import annotations

import math
import wave
from array import array
from pathlib import Path


def write_wav(path: Path, *, seconds: int, rate: int, channels: int, sample_bytes: int) -> int:
    """A PCM WAV of a 220 Hz tone; written one second at a time, so making a big file needs little memory.

    Returns the file size. 30 s at 96 kHz, 24-bit, stereo is 17,280,044 bytes: "a 20 MB clone".
    """
    peak = 0.3 * (2 ** (8 * sample_bytes - 1) - 1)
    one_channel = [int(peak * math.sin(2 * math.pi * 220 * i / rate)) for i in range(rate)]
    if sample_bytes == 2:
        mono = array("h", one_channel).tobytes()
        frame_width = 2
    elif sample_bytes == 3:
        # 24-bit little-endian: the low three bytes of each 32-bit sample.
        wide = array("i", one_channel).tobytes()
        mono = b"".join(wide[i : i + 3] for i in range(0, len(wide), 4))
        frame_width = 3
    else:
        raise ValueError("sample_bytes must be 2 or 3")
    second = b"".join(
        b"".join(mono[i : i + frame_width] for _ in range(channels)) for i in range(0, len(mono), frame_width)
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(sample_bytes)
        out.setframerate(rate)
        for _ in range(seconds):
            out.writeframes(second)
    return path.stat().st_size


def big_wav(path: Path) -> int:
    """30 s of 96 kHz / 24-bit stereo: passes the audio checks unchanged (30 s is inside the 10–30 s ideal)."""
    return write_wav(path, seconds=30, rate=96_000, channels=2, sample_bytes=3)


def small_wav(path: Path) -> int:
    """10 s of 8 kHz / 16-bit mono (160 KB): the cheapest file that is cloned unchanged with no note."""
    return write_wav(path, seconds=10, rate=8_000, channels=1, sample_bytes=2)


def long_mp3(path: Path, megabytes: float = 20.0) -> int:
    """About `megabytes` of 128 kb/s stereo MP3 (21 minutes for 20 MB): 30 s encoded once, its frames repeated.

    No Xing/ID3 header, so the repeated frames are one valid stream. The bot decodes all of it, then cuts an excerpt.
    """
    import io

    import av

    rate = 44_100
    buffer = io.BytesIO()
    tone = array("h", (int(8000 * math.sin(2 * math.pi * 220 * i / rate)) for i in range(rate))).tobytes()
    with av.open(buffer, "w", format="mp3", options={"write_xing": "0", "id3v2_version": "0"}) as out:
        stream = out.add_stream("libmp3lame", rate=rate, layout="stereo")
        stream.bit_rate = 128_000
        frame = av.AudioFrame(format="s16p", layout="stereo", samples=rate)
        for plane in frame.planes:
            plane.update(tone)
        frame.sample_rate = rate
        for second in range(30):
            frame.pts = second * rate
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    piece = buffer.getvalue()
    with path.open("wb") as out:
        for _ in range(-(-int(megabytes * 1_000_000) // len(piece))):
            out.write(piece)
    return path.stat().st_size
