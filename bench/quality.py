"""Figure 6: the CPU the recording report costs for a 30 s take (issue 22's target: at most 50 ms).

Measured in this process, not in a bot: the report is one call in a worker thread (`bot.cloning.quality`), so its
cost is that call's CPU time (`time.process_time`, every thread of the process; nothing else runs meanwhile),
decoding included, as the bot pays it. The takes are made here with numpy and PyAV (no espeak-ng needed): a voice-like
signal (a gliding pitch with its harmonics, in syllables and pauses) over a quiet room's hiss, 30 s, as the two files
the bot listens to most: a 48 kHz 16-bit mono WAV (the excerpt cut from a long take) and a 48 kHz AAC M4A (a clip
recorded in Slack). Beside each: decoding alone, the floor under any analysis of that file.
"""

from __future__ import annotations

import io
import statistics
import time
import wave
from pathlib import Path

import av
import numpy as np

from bench.report import Row, ms
from bot.cloning.audio import AudioLimits
from bot.cloning.listening import listen
from bot.cloning.quality import judge

RATE = 48_000
SECONDS = 30
FIGURE = "6 Recording report"


def voice_like(seconds: float = SECONDS, rate: int = RATE) -> np.ndarray:
    """Syllables of a gliding 90–220 Hz voice with 40 harmonics, 4 a second, a pause every few words, over hiss."""
    rng = np.random.default_rng(22)
    t = np.arange(int(seconds * rate)) / rate
    pitch = 150 + 60 * np.sin(2 * np.pi * 0.3 * t) + 10 * np.sin(2 * np.pi * 5 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    voiced = sum(np.sin(k * phase) / k for k in range(1, 41))
    syllables = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 2 * (np.sin(2 * np.pi * 0.25 * t) > -0.6)
    signal = voiced * syllables
    signal *= 10 ** (-3 / 20) / np.abs(signal).max()
    return signal + 10 ** (-70 / 20) * rng.standard_normal(t.size)


def as_wav(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.clip(np.round(samples * 32767), -32768, 32767).astype("<i2").tobytes())
    return buffer.getvalue()


def as_m4a(samples: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="ipod") as out:
        stream = out.add_stream("aac", rate=RATE, layout="mono")
        stream.bit_rate = 96_000
        pcm = samples.astype(np.float32)
        for start in range(0, pcm.size, 1024):
            frame = av.AudioFrame.from_ndarray(pcm[start : start + 1024].reshape(1, -1), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = RATE, start
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return buffer.getvalue()


def cpu_ms(work, repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return times


def decode_only(path: Path) -> None:
    with path.open("rb") as file, av.open(file, options={"probesize": "32768"}) as container:
        for _ in container.decode(audio=0):
            pass


def recording_report(workdir: Path, quick: bool) -> list[Row]:
    """Rows for figure 6: the report's CPU for each file, median of 20 (3 with --quick), after one warm-up."""
    repeats = 3 if quick else 20
    samples = voice_like()
    rows = []
    for label, content in (
        ("WAV, 48 kHz 16-bit mono (an excerpt)", as_wav(samples)),
        ("M4A (AAC), 48 kHz mono (a Slack clip)", as_m4a(samples)),
    ):
        path = workdir / f"report-take.{'wav' if label.startswith('WAV') else 'm4a'}"
        path.write_bytes(content)
        report = judge(listen(path), AudioLimits())  # warm-up: imports, FFmpeg's first open
        spent = cpu_ms(lambda path=path: judge(listen(path), AudioLimits()), repeats)
        decoding = cpu_ms(lambda path=path: decode_only(path), repeats)
        median = statistics.median(spent)
        rows.append(
            Row(
                FIGURE,
                f"{SECONDS} s {label}; verdict {report.verdict}",
                f"{ms(median)} CPU (median of {repeats}; min {ms(min(spent))})",
                f"decoding alone {ms(statistics.median(decoding))}",
                target="≤ 50 ms",
                met="yes" if median <= 0.050 else "no",
            )
        )
    return rows
