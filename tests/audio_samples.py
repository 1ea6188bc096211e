"""Real audio made at test time, so no binary fixtures are committed."""

from __future__ import annotations

import io
import math
import random
import struct
import wave
from array import array
from collections.abc import Callable
from typing import BinaryIO

import av


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


# name -> (FFmpeg muxer, encoder, channel layout, bit rate or None).
# FFmpeg's own Vorbis encoder (libvorbis is not bundled with PyAV) only encodes stereo.
FORMATS: dict[str, tuple[str, str, str, int | None]] = {
    "wav": ("wav", "pcm_s16le", "mono", None),
    "mp3": ("mp3", "libmp3lame", "mono", 24_000),
    "m4a": ("ipod", "aac", "mono", 24_000),
    "mp4": ("mp4", "aac", "mono", 24_000),
    "ogg-vorbis": ("ogg", "vorbis", "stereo", None),
    "ogg-opus": ("ogg", "libopus", "mono", 12_000),
    "flac": ("flac", "flac", "mono", None),
    "webm-opus": ("webm", "libopus", "mono", 12_000),
    "webm-vorbis": ("webm", "vorbis", "stereo", None),
}


class _Pipe:
    """A write-only sink: the muxer can't seek back, like a browser's MediaRecorder streaming WebM."""

    def __init__(self) -> None:
        self.data = bytearray()

    def write(self, data: bytes) -> int:
        self.data += data
        return len(data)


def encode_tone(
    fmt: str,
    seconds: float,
    *,
    rate: int = 8000,
    frequency: int = 220,
    silence_seconds: float = 0.0,
    seekable: bool = True,
) -> bytes:
    """`silence_seconds` of near silence (about -70 dBFS hiss) then a sine tone, encoded as `fmt` (see FORMATS).

    `seconds` is the whole length. With `seekable=False` the muxer writes to a pipe, so it can't go back to fill in
    headers such as WebM's duration.
    """
    muxer, encoder, layout, bit_rate = FORMATS[fmt]
    tone = _second(rate, lambda i: int(9000 * math.sin(2 * math.pi * frequency * i / rate)))
    hiss_random = random.Random(0)
    hiss = _second(rate, lambda _i: hiss_random.randint(-10, 10))
    sink: BinaryIO | _Pipe = io.BytesIO() if seekable else _Pipe()
    with av.open(sink, mode="w", format=muxer) as out:
        stream = out.add_stream(encoder, rate=rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate
        # FFmpeg's Vorbis encoder is experimental; Opus at its lowest complexity is quick enough for tests.
        quick = {"compression_level": "0"} if encoder == "libopus" else {}
        stream.codec_context.options = {"strict": "experimental", **quick}
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout=layout, rate=rate)
        total, silent, done = round(seconds * rate), round(silence_seconds * rate), 0
        while done < total:
            count = min(1024, total - done)
            quiet = max(0, min(count, silent - done))
            data = _take(hiss, rate, done, quiet) + _take(tone, rate, done + quiet, count - quiet)
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(bytes(data))
            frame.sample_rate, frame.pts = rate, done
            done += count
            for converted in resampler.resample(frame):
                out.mux(stream.encode(converted))
        for converted in resampler.resample(None):
            out.mux(stream.encode(converted))
        out.mux(stream.encode(None))
    return sink.getvalue() if isinstance(sink, io.BytesIO) else bytes(sink.data)


def _second(rate: int, sample: Callable[[int], int]) -> bytes:
    return array("h", (sample(i) for i in range(rate))).tobytes()


def _take(second: bytes, rate: int, start: int, count: int) -> bytes:
    """`count` samples from sample `start` of a 1 s block played in a loop (seamless, as the frequency is whole)."""
    data = bytearray()
    while count > 0:
        offset = start % rate
        run = min(count, rate - offset)
        data += second[offset * 2 : (offset + run) * 2]
        start, count = start + run, count - run
    return bytes(data)
