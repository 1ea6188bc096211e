"""How a take is measured (bot/cloning/listening.py): the streaming figures agree with the reference ones computed on
the whole signal, the true peak is found between samples, every format and channel layout reads alike, and the audio
is never held whole in memory."""

from __future__ import annotations

import asyncio
import threading
import tracemalloc
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
from scipy import signal

from bot.cloning import listening, quality
from bot.cloning.audio import AudioLimits
from bot.cloning.listening import listen
from bot.recording import Verdict
from tests import takes


@pytest.fixture(autouse=True)
def speech() -> None:
    takes.require_speech()


def saved(tmp_path: Path, samples: np.ndarray, fmt: str = "wav", name: str = "take") -> Path:
    path = tmp_path / f"{name}.{fmt}"
    path.write_bytes(takes.encode(samples, fmt))
    return path


def test_streamed_loudness_is_bs1770_as_pyloudnorm_measures_the_whole_signal(tmp_path: Path):
    voice = takes.gain(takes.clean_take(), -6.0)
    at_16k = signal.resample_poly(voice, 160, 441)
    path = tmp_path / "take16k.wav"
    with open(path, "wb") as out:  # 16 kHz, the rate the loudness is measured at: the same samples as the meter
        out.write(_wav_16k(at_16k))
    measured = listen(path).loudness_lufs
    assert measured == pytest.approx(pyloudnorm.Meter(16_000).integrated_loudness(at_16k), abs=0.05)
    # At 44.1 kHz the voice above 8 kHz is left out, which moves a voice's loudness by a few tenths at most.
    assert listen(saved(tmp_path, voice)).loudness_lufs == pytest.approx(
        pyloudnorm.Meter(takes.RATE).integrated_loudness(voice), abs=0.3
    )


def _wav_16k(samples: np.ndarray) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(np.clip(np.round(samples * 32768), -32768, 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def test_the_true_peak_lies_between_the_samples(tmp_path: Path):
    # A tone at a quarter of the sample rate, sampled 45° off its crests: every sample is at 0.354, the wave
    # reaches 0.5 between them (-6.0 dBTP; the samples alone say -9.0).
    n = np.arange(takes.RATE * 12)
    tone = 0.5 * np.sin(np.pi / 2 * n + np.pi / 4)
    measures = listen(saved(tmp_path, tone))
    assert measures.true_peak_dbtp == pytest.approx(-6.0, abs=0.3)


@pytest.mark.parametrize("fmt", ["wav", "flac", "mp3", "m4a", "webm-opus", "ogg-vorbis"])
def test_every_format_reads_alike(tmp_path: Path, fmt: str):
    reference = listen(saved(tmp_path, takes.clean_take(), "wav", "reference"))
    measures = listen(saved(tmp_path, takes.clean_take(), fmt))
    assert measures.loudness_lufs == pytest.approx(reference.loudness_lufs, abs=0.5)
    assert measures.speech_seconds == pytest.approx(reference.speech_seconds, abs=0.5)
    assert quality.judge(measures, AudioLimits()).verdict is Verdict.GOOD


def test_a_stereo_take_whose_channels_match_measures_as_the_mono_one(tmp_path: Path):
    import av

    voice = takes.clean_take()
    mono = listen(saved(tmp_path, voice))
    pcm = np.clip(np.round(voice * 32768), -32768, 32767).astype("<i2")
    path = tmp_path / "stereo.wav"
    with av.open(str(path), mode="w", format="wav") as out:
        stream = out.add_stream("pcm_s16le", rate=takes.RATE, layout="stereo")
        frame = av.AudioFrame.from_ndarray(np.repeat(pcm, 2).reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = takes.RATE
        out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    stereo = listen(path)
    assert stereo.loudness_lufs == pytest.approx(mono.loudness_lufs, abs=0.05)  # FFmpeg's downmix would add 3 dB
    assert (stereo.true_peak_dbtp, stereo.clipped_share) == pytest.approx((mono.true_peak_dbtp, mono.clipped_share))


def test_the_audio_is_never_held_whole(tmp_path: Path):
    path = saved(tmp_path, takes.clean_take(180.0))  # 16 MB of WAV
    tracemalloc.start()
    try:
        listen(path)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * 1024 * 1024, peak  # a few one-second blocks and a few numbers per 30 ms


async def test_the_report_is_made_in_a_worker_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    threads = []

    def spy(path: Path) -> listening.Measures:
        threads.append(threading.current_thread())
        return real(path)

    real = listening.listen
    monkeypatch.setattr(listening, "listen", spy)
    report = await quality.inspect_recording(saved(tmp_path, takes.clean_take()), AudioLimits())
    assert report.verdict is Verdict.GOOD
    assert threads and threads[0] is not threading.main_thread()
    assert not asyncio.get_running_loop().is_closed()
