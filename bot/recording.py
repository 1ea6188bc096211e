"""A recording's report as plain data: the numbers measured (`bot.cloning.listening`), what is wrong with the take
(`bot.cloning.quality` judges) and the verdict. Shared by the check, the words (`bot.messages.recording`) and the
command line; imports nothing of the bot."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum


@dataclass(frozen=True)
class Measures:
    """A recording's numbers. Levels in dB relative to full scale; None where there is nothing to measure."""

    seconds: float  # audio listened to
    sample_rate: int  # as decoded (Hz)
    speech_seconds: float
    longest_pause_seconds: float  # the longest stretch without speech, the ends included
    loudness_lufs: float | None  # integrated loudness (ITU-R BS.1770-4, gated); None when all is below -70 LUFS
    true_peak_dbtp: float
    clipped_share: float  # of all samples, 0–1
    noise_floor_dbfs: float  # -100 for digital silence
    speech_dbfs: float | None  # RMS level of the speech frames; None without speech
    high_band_db: float  # the share of the sound's energy above 4 kHz, in dB (about -20 for a voice, -40 on a phone)

    @property
    def snr_db(self) -> float | None:
        """Speech over the noise floor."""
        return None if self.speech_dbfs is None else self.speech_dbfs - self.noise_floor_dbfs


class QualityCheck(StrEnum):
    """QUALITY_CHECK: what a poor recording does."""

    ASK = "ask"  # no clone is spent: the answer explains, and offers *Clone anyway*
    WARN = "warn"  # cloned anyway, with the tips
    OFF = "off"  # not measured at all


class Verdict(StrEnum):
    GOOD = "good"
    COULD_BE_BETTER = "could be better"
    POOR = "poor"


class Problem(Enum):
    """What can be wrong with a take; each is told with its number and one way to fix it."""

    LITTLE_SPEECH = "little_speech"  # poor: less speech than a clone needs
    SHORT_SPEECH = "short_speech"  # under the ideal amount of speech
    LONG_PAUSE = "long_pause"
    TOO_QUIET = "too_quiet"  # poor
    QUIET = "quiet"
    LOUD = "loud"
    CLIPPED = "clipped"  # poor
    SOME_CLIPPING = "some_clipping"
    HOT_PEAKS = "hot_peaks"
    NOISY = "noisy"  # poor
    SOME_NOISE = "some_noise"
    PHONE_BAND = "phone_band"  # poor
    LOW_RATE = "low_rate"


POOR = frozenset({Problem.LITTLE_SPEECH, Problem.TOO_QUIET, Problem.CLIPPED, Problem.NOISY, Problem.PHONE_BAND})


@dataclass(frozen=True)
class Report:
    """A take's numbers, what is wrong with it (poor problems first), and the amounts of speech it was judged
    against (the audio length settings)."""

    measures: Measures
    problems: tuple[Problem, ...]
    min_speech_seconds: float
    ideal_speech_seconds: tuple[float, float]

    @property
    def verdict(self) -> Verdict:
        if any(problem in POOR for problem in self.problems):
            return Verdict.POOR
        return Verdict.COULD_BE_BETTER if self.problems else Verdict.GOOD

    @property
    def poor(self) -> bool:
        return self.verdict is Verdict.POOR

    @property
    def phone_band(self) -> bool:
        return Problem.PHONE_BAND in self.problems

    def numbers(self) -> dict[str, object]:
        """The report for a JSON answer (`python -m bot clone --json`, `inspect --json`), tips aside."""
        m = self.measures

        def rounded(value: float | None, digits: int = 1) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "verdict": str(self.verdict),
            "problems": [problem.value for problem in self.problems],
            "seconds": rounded(m.seconds),
            "speechSeconds": rounded(m.speech_seconds),
            "longestPauseSeconds": rounded(m.longest_pause_seconds),
            "loudnessLufs": rounded(m.loudness_lufs),
            "truePeakDbtp": rounded(m.true_peak_dbtp),
            "clippedPercent": round(m.clipped_share * 100, 3),
            "noiseFloorDbfs": rounded(m.noise_floor_dbfs),
            "snrDb": rounded(m.snr_db),
            "sampleRate": m.sample_rate,
            "phoneBand": self.phone_band,
        }
