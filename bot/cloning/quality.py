"""The recording report: the numbers a sound engineer would take from a take (`bot.cloning.listening`), judged
against what voice-cloning providers publish, into a verdict (good, could be better, poor) and the problems behind
it, each with its number. Knows nothing of Slack; the words are in `bot.messages.recording`.

The thresholds and where they come from (README, "What audio works best"):
- speech: RevRing takes 10–30 s of one speaker, at least 5 (`AudioLimits`: the same settings as the length check);
  Cartesia asks to avoid long pauses, and ElevenLabs' clones copy them;
- loudness: ElevenLabs asks for -23 to -18 dB RMS; far under that the voice drowns in the microphone's own hiss;
- peaks: ElevenLabs asks for a true peak of -3 dB, Azure for peaks of -3 to -6 dB; a clipped sample is lost;
- noise: Azure asks for a signal-to-noise ratio above 35 dB and calls under 20 dB obviously noisy;
- bandwidth: Azure asks for at least 16 kHz; a phone line keeps nothing above 3.4 kHz.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import av

from bot.cloning.audio import AudioLimits, NotAudio, PreparedAudio
from bot.recording import POOR, Measures, Problem, QualityCheck, Report

# Poor: no clone is spent unless the person says so.
MIN_LOUDNESS_LUFS = -40.0
MAX_CLIPPED_SHARE = 0.01
MIN_SNR_DB = 15.0
PHONE_BAND_DB = -35.0  # less of the energy than this above 4 kHz: a phone line's sound (a voice has about -20)
PHONE_RATE = 8_000  # a sample rate this low carries nothing above 4 kHz
# Could be better: cloned, with a tip.
QUIET_LUFS = -26.0
LOUD_LUFS = -14.0
HOT_PEAK_DBTP = -1.0
SOME_CLIPPED_SHARE = 0.001
NOISY_SNR_DB = 25.0
WIDEBAND_RATE = 16_000
LONG_PAUSE_SECONDS = 3.0


def phone_band(measures: Measures) -> bool:
    return measures.sample_rate <= PHONE_RATE or measures.high_band_db < PHONE_BAND_DB


def judge(measures: Measures, limits: AudioLimits) -> Report:
    """What is wrong with a take with these numbers, poor problems first."""
    m = measures
    found: list[Problem] = []
    if m.speech_seconds < limits.min_seconds:
        found.append(Problem.LITTLE_SPEECH)
    elif m.speech_seconds < limits.ideal_min_seconds <= m.seconds:
        # A take shorter than the ideal is told so by the length check already.
        found.append(Problem.SHORT_SPEECH)
    if m.loudness_lufs is None or m.loudness_lufs < MIN_LOUDNESS_LUFS:
        found.append(Problem.TOO_QUIET)
    elif m.loudness_lufs < QUIET_LUFS:
        found.append(Problem.QUIET)
    if m.clipped_share > MAX_CLIPPED_SHARE:
        found.append(Problem.CLIPPED)
    elif m.clipped_share > SOME_CLIPPED_SHARE:
        found.append(Problem.SOME_CLIPPING)
    elif m.true_peak_dbtp > HOT_PEAK_DBTP:
        found.append(Problem.HOT_PEAKS)
    elif m.loudness_lufs is not None and m.loudness_lufs > LOUD_LUFS:
        found.append(Problem.LOUD)
    snr = m.snr_db
    if snr is not None and snr < MIN_SNR_DB:
        found.append(Problem.NOISY)
    elif snr is not None and snr < NOISY_SNR_DB:
        found.append(Problem.SOME_NOISE)
    if phone_band(m):
        found.append(Problem.PHONE_BAND)
    elif m.sample_rate < WIDEBAND_RATE:
        found.append(Problem.LOW_RATE)
    if m.longest_pause_seconds > LONG_PAUSE_SECONDS and Problem.LITTLE_SPEECH not in found:
        found.append(Problem.LONG_PAUSE)
    found.sort(key=lambda problem: problem not in POOR)
    return Report(m, tuple(found), limits.min_seconds, (limits.ideal_min_seconds, limits.ideal_max_seconds))


async def inspect_recording(path: Path, limits: AudioLimits) -> Report:
    """Listen to the audio at `path` (the file that would be sent: the clip itself, or its excerpt) in a worker
    thread and judge it. Raises NotAudio when it cannot be decoded."""
    return await asyncio.to_thread(_inspect, path, limits)


def _inspect(path: Path, limits: AudioLimits) -> Report:
    # numpy and the VAD are loaded when a first take is listened to: with QUALITY_CHECK=off, never.
    from bot.cloning.listening import listen

    try:
        return judge(listen(path), limits)
    except av.FFmpegError as error:
        raise NotAudio(f"FFmpeg {type(error).__name__} while listening: {error.strerror}") from None


HELD_BACK = "poor recording"  # a job's failure when the check held its take back (QUALITY_CHECK=ask)


async def report_for(audio: PreparedAudio, limits: AudioLimits, check: QualityCheck) -> Report | None:
    """The report on the audio that would be sent (the clip, or its excerpt); None when QUALITY_CHECK=off."""
    return None if check is QualityCheck.OFF else await inspect_recording(audio.path, limits)


def holds_back(report: Report | None, check: QualityCheck, *, accepted: bool) -> bool:
    """A poor take under QUALITY_CHECK=ask is not sent, unless its owner chose *Clone anyway* (`accepted`)."""
    return report is not None and report.poor and check is QualityCheck.ASK and not accepted
