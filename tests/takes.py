"""Takes of a real voice, made at test time: speech from espeak-ng (a formant synthesiser: real phonemes, pauses
between words, the spectrum of a voice up to 11 kHz) recorded into a quiet room, then spoiled the ways takes are
spoiled in life: too quiet, clipped, drowned in noise, squeezed through a phone line, mostly silence.

Each take is 16-bit PCM at 44.1 kHz (the phone-band take: band-limited, then brought back to 44.1 kHz, as a call
recording saved by an app is), encoded to WAV or, through PyAV, to any format of `tests.audio_samples.FORMATS`.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import wave
from functools import cache

import av
import numpy as np
import pytest
from scipy import signal

from tests.audio_samples import FORMATS

RATE = 44_100
ROOM_NOISE_DBFS = -72.0  # a quiet room through a decent microphone

SCRIPT = (
    "Hello, my name is Rachel, and I am recording this sample for the voice cloner. "
    "I speak clearly and naturally, close to the microphone, in a quiet room. "
    "The quick brown fox jumps over the lazy dog, and the five boxing wizards jump quickly. "
    "Thank you for listening; this is the end of my recording."
)
SPANISH = "Hola, me llamo Rachel y estoy grabando esta muestra para clonar mi voz. Hablo despacio y con claridad."


def require_speech() -> None:
    """Skip a test that needs espeak-ng where it is missing; under CI=true (which installs it), fail."""
    if shutil.which("espeak-ng") is not None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("espeak-ng is needed under CI=true (apt-get install espeak-ng)", pytrace=False)
    pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")


@cache
def _spoken(text: str, voice: str) -> np.ndarray:
    """espeak-ng's speech of `text` (22.05 kHz), as float samples at RATE."""
    wav = subprocess.run(  # noqa: S603 (a fixed program, our own text)
        ["espeak-ng", "-v", voice, "-s", "150", "--stdout", text],  # noqa: S607
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    with wave.open(io.BytesIO(wav)) as spoken:
        rate = spoken.getframerate()
        samples = np.frombuffer(spoken.readframes(spoken.getnframes()), dtype="<i2").astype(np.float64) / 32768
    return signal.resample_poly(samples, RATE // 50, rate // 50)  # 22,050 -> 44,100


def speech(seconds: float = 20.0, *, text: str = SCRIPT, voice: str = "en-us") -> np.ndarray:
    """`seconds` of talking (the script said again as needed), peaking at -2 dBFS: about -22 LUFS."""
    once = _spoken(text, voice)
    talk = np.tile(once, int(np.ceil(seconds * RATE / once.size)))[: int(seconds * RATE)]
    return talk * (10 ** (-2 / 20) / np.abs(once).max())


def read_aloud(text: str, fmt: str = "m4a", *, voice: str = "en-us") -> bytes:
    """`text` said once in a quiet room, encoded as Slack keeps a clip recorded in it (`subtype: "slack_audio"`):
    `m4a` from the apps, `webm-opus` from a browser."""
    return encode(in_a_room(speech(_spoken(text, voice).size / RATE, text=text, voice=voice)), fmt)


def in_a_room(samples: np.ndarray, noise_dbfs: float = ROOM_NOISE_DBFS, *, seed: int = 1) -> np.ndarray:
    """The take with the room's steady hiss under it (pink-ish noise at `noise_dbfs` RMS)."""
    white = np.random.default_rng(seed).standard_normal(samples.size)
    pinkish = signal.lfilter([1.0], [1.0, -0.9], white)
    pinkish *= 10 ** (noise_dbfs / 20) / np.sqrt(np.mean(pinkish**2))
    return samples + pinkish


def gain(samples: np.ndarray, db: float) -> np.ndarray:
    return samples * 10 ** (db / 20)


def clipped(samples: np.ndarray, db: float = 18.0) -> np.ndarray:
    """Recorded with the input gain far too high: everything over full scale is flattened."""
    return np.clip(gain(samples, db), -1.0, 1.0)


def phone_band(samples: np.ndarray) -> np.ndarray:
    """As a phone call carries it: 300–3,400 Hz at 8 kHz, then back at RATE (nothing left above 4 kHz)."""
    band = signal.butter(6, [300, 3400], "bandpass", fs=RATE, output="sos")
    narrow = signal.resample_poly(signal.sosfilt(band, samples), 80, 441)
    return signal.resample_poly(narrow, 441, 80)[: samples.size]


def with_silence(samples: np.ndarray, silence_seconds: float) -> np.ndarray:
    return np.concatenate([samples, np.zeros(int(silence_seconds * RATE))])


def encode(samples: np.ndarray, fmt: str = "wav") -> bytes:
    """16-bit PCM samples encoded as `fmt` (see tests.audio_samples.FORMATS) at RATE (48 kHz for Opus), mono, or the
    same on both channels for the formats the tests encode in stereo."""
    pcm = np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2")
    if fmt == "wav":
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(pcm.tobytes())
        return buffer.getvalue()
    muxer, encoder, layout, bit_rate = FORMATS[fmt]
    rate = 48_000 if encoder == "libopus" else RATE  # Opus knows no 44.1 kHz
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format=muxer) as out:
        stream = out.add_stream(encoder, rate=rate, layout=layout)
        if bit_rate:
            stream.bit_rate = bit_rate * 4  # speech at 44.1 kHz needs more than the tests' tones
        stream.codec_context.options = {"strict": "experimental"}
        resampler = av.AudioResampler(format=stream.codec_context.format.name, layout=layout, rate=rate)
        channels = 2 if layout == "stereo" else 1  # the voice on both channels as it is (FFmpeg's upmix takes 3 dB)
        for start in range(0, pcm.size, 4096):
            block = np.repeat(pcm[start : start + 4096], channels).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(block, format="s16", layout=layout)
            frame.sample_rate, frame.pts = RATE, start
            for converted in resampler.resample(frame):
                out.mux(stream.encode(converted))
        for converted in resampler.resample(None):
            out.mux(stream.encode(converted))
        out.mux(stream.encode(None))
    return buffer.getvalue()


# The takes the quality check must tell apart, by what is wrong with them.
def clean_take(seconds: float = 20.0) -> np.ndarray:
    return in_a_room(speech(seconds))


def quiet_take(seconds: float = 20.0) -> np.ndarray:
    """Spoken from across the room: about -47 LUFS."""
    return in_a_room(gain(speech(seconds), -25.0), ROOM_NOISE_DBFS)


def clipped_take(seconds: float = 20.0) -> np.ndarray:
    return clipped(in_a_room(speech(seconds)))


def noisy_take(seconds: float = 20.0) -> np.ndarray:
    """Next to a loud fan: noise about 8 dB under the voice."""
    return in_a_room(speech(seconds), -28.0)


def phone_take(seconds: float = 20.0) -> np.ndarray:
    return in_a_room(phone_band(speech(seconds)))


def mostly_silent_take(seconds: float = 25.0) -> np.ndarray:
    """Three seconds of talking, then the room alone."""
    return in_a_room(with_silence(speech(3.0), seconds - 3.0))
