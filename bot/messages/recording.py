"""The recording report in words (see `bot.cloning.quality`, which judges): the verdict with its key numbers, one
kind and specific tip per problem, the whole report for a terminal, and the answer that holds a poor take back with
*Clone anyway*. Numbers only: nothing a person wrote appears here unescaped."""

from __future__ import annotations

import json
from typing import Any

from bot.messages.ids import CLONE_ANYWAY_ACTION, OPEN_DIALOG_ACTION
from bot.messages.mrkdwn import bold
from bot.recording import Problem, Report


def _signed(value: float, digits: int = 0) -> str:
    """-22 as people write it (−22), so a number never reads as a dash."""
    return f"{value:.{digits}f}".replace("-", "−")


def _loudness(report: Report) -> str:
    lufs = report.measures.loudness_lufs
    return "below −70 LUFS" if lufs is None else f"{_signed(lufs)} LUFS"


def _snr(report: Report) -> str:
    snr = report.measures.snr_db
    return "no speech" if snr is None else f"SNR {snr:.0f} dB"


def key_numbers(report: Report) -> str:
    m = report.measures
    return f"{m.speech_seconds:.1f} s of speech, {_loudness(report)}, {_snr(report)}"


def headline(report: Report) -> str:
    """`Recording: good (18.1 s of speech, −22 LUFS, SNR 50 dB).`"""
    return f"Recording: {report.verdict} ({key_numbers(report)})."


def tip(problem: Problem, report: Report) -> str:
    """What is wrong, with its number, and one way to do better."""
    m = report.measures
    ideal = f"{report.ideal_speech_seconds[0]:.0f}–{report.ideal_speech_seconds[1]:.0f} s"
    peak = f"{_signed(m.true_peak_dbtp, 1)} dBTP"
    clipped = f"{m.clipped_share * 100:.{1 if m.clipped_share >= 0.01 else 2}f} %"
    snr = f"SNR {m.snr_db or 0:.0f} dB"
    match problem:
        case Problem.LITTLE_SPEECH:
            return (
                f"Too little speech ({m.speech_seconds:.1f} s): a clone needs at least "
                f"{report.min_speech_seconds:.0f} s of talking, and {ideal} works best. Talk for longer."
            )
        case Problem.SHORT_SPEECH:
            return f"Only {m.speech_seconds:.1f} s of speech: {ideal} of talking makes a better voice."
        case Problem.LONG_PAUSE:
            return (
                f"A long silence ({m.longest_pause_seconds:.1f} s): the voice learns your pauses too, so keep "
                "talking, or trim the silence."
            )
        case Problem.TOO_QUIET:
            return f"Very quiet ({_loudness(report)}): move much closer to the microphone, or turn its input level up."
        case Problem.QUIET:
            return f"A little quiet ({_loudness(report)}): move closer to the microphone."
        case Problem.LOUD:
            return f"A little loud ({_loudness(report)}): move back a little from the microphone."
        case Problem.CLIPPED:
            return (
                f"Clipped: {clipped} of the samples hit the top of the range (peaks {peak}), which distorts "
                "the voice. Turn the input level down or move back from the microphone, then record again."
            )
        case Problem.SOME_CLIPPING:
            return f"A little clipping ({clipped} of the samples): turn the input level down a touch."
        case Problem.HOT_PEAKS:
            return f"Peaks reach {peak}: turn the input level down a little, so they stay around −3 dB."
        case Problem.NOISY:
            return (
                f"Loud background noise ({snr}): the clone would copy it. Record in a quieter room, close to "
                "the microphone."
            )
        case Problem.SOME_NOISE:
            return f"Background noise ({snr}): a quieter room or a closer mic."
        case Problem.PHONE_BAND:
            return (
                f"It sounds like a phone call ({_band(report)}), which loses the detail of a voice. Record "
                "with a voice-memo app or a computer instead of over a call."
            )
        case Problem.LOW_RATE:
            return (
                f"Recorded at {m.sample_rate / 1000:g} kHz: 16 kHz or more keeps the detail of a voice; check "
                "the recorder's quality setting."
            )
    return ""


def _band(report: Report) -> str:
    m = report.measures
    if m.sample_rate <= 8_000:
        return f"recorded at {m.sample_rate / 1000:g} kHz"
    return f"almost nothing above 4 kHz: {_signed(m.high_band_db)} dB"


def tips(report: Report) -> list[str]:
    return [tip(problem, report) for problem in report.problems]


def report_lines(report: Report) -> list[str]:
    """The whole report for a terminal (`python -m bot inspect` and `clone` print the same)."""
    m = report.measures
    pause = f"longest pause {m.longest_pause_seconds:.1f} s"
    floor = "digital silence" if m.noise_floor_dbfs <= -100 else f"{_signed(m.noise_floor_dbfs)} dBFS"
    band = (
        f"phone band, {_band(report)}" if report.phone_band else f"full band ({_signed(m.high_band_db)} dB above 4 kHz)"
    )
    lines = [
        f"Recording: {report.verdict}",
        f"  speech     {m.speech_seconds:.1f} s of {m.seconds:.1f} s, {pause}",
        f"  loudness   {_loudness(report)}",
        f"  peaks      {_signed(m.true_peak_dbtp, 1)} dBTP true peak, {m.clipped_share * 100:.2f} % of samples clipped",
        f"  noise      floor {floor}, {_snr(report)}",
        f"  bandwidth  {m.sample_rate / 1000:g} kHz, {band}",
    ]
    return lines + [f"  - {line}" for line in tips(report)]


def report_blocks(report: Report) -> list[dict[str, Any]]:
    """Beside a voice made: the verdict and its numbers, then a tip per problem."""
    text = "\n".join([f":studio_microphone: {headline(report)}", *(f"• {line}" for line in tips(report))])
    return [{"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}]


def held(name: str, report: Report) -> str:
    """A poor take, held back: no clone is spent until the person says so."""
    problems = "\n".join(f"• {line}" for line in tips(report) if line)
    return (
        f":warning: I haven't cloned {bold(name)} yet: this recording would make a poor voice. "
        f"{headline(report)}\n{problems}\n"
        "Record a new take and share it here with a mention of me, or upload it in a dialog. If you want this "
        "one anyway, press *Clone anyway* (it counts toward your clones this hour)."
    )


def held_blocks(name: str, report: Report, *, job_id: str, language: str | None) -> list[dict[str, Any]]:
    """`held` with *Clone anyway* and the dialog for a new take (the name, and the language if one was chosen)."""
    dialog_value = json.dumps({"name": name, **({"language": language} if language else {})})
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": held(name, report)}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": CLONE_ANYWAY_ACTION,
                    "value": job_id,
                    "text": {"type": "plain_text", "text": "Clone anyway"},
                },
                {
                    "type": "button",
                    "action_id": OPEN_DIALOG_ACTION,
                    "value": dialog_value,
                    "text": {"type": "plain_text", "text": "Upload a new take"},
                },
            ],
        },
    ]


def held_text(name: str, report: Report) -> str:
    """The notification's text for `held_blocks`."""
    return f"I haven't cloned {bold(name)} yet: {headline(report)}"


def anyway_not_yours() -> str:
    return (
        "Only the person who asked for this clone can clone this recording anyway. Start your own with `/clone-voice`."
    )


def anyway_not_held() -> str:
    return "That recording isn't waiting for an answer, so there is nothing to clone anyway."
