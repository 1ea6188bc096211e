"""`python -m bot clone PATH --name NAME`: clone a voice from a file on this machine, without Slack; and
`python -m bot inspect PATH`: the recording report alone, so a take can be checked before it is shared.

From the checks on, the file takes a Slack clone's road: the same size limit and audio checks (`local_clip`), the
same recording report (`quality`, printed on stderr before anything is sent), the same call to RevRing (`send_clip`),
the same words for what went wrong (`cloning.failures`, as plain text). It proves a RevRing key and a clip work before
Slack is set up, and scripts can use it: the voiceId comes first on the one line printed, or `--json` prints one JSON
object. Exit status: 0 cloned, 1 not cloned (or not known; a poor take under QUALITY_CHECK=ask without `--anyway`),
2 bad arguments or settings. Only the settings a clone needs are read (`CloneSettings`): a RevRing key is enough,
and `inspect` needs none.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import aiohttp

from bot.cloning import failures, quality
from bot.cloning.command_text import clean_name, language_code
from bot.cloning.failures import Explained
from bot.cloning.pipeline import PIPELINE_FAILURES, local_clip, send_clip
from bot.config import DEFAULT_LANGUAGE, CloneSettings, ConfigError
from bot.messages import cli as cli_text
from bot.messages import mrkdwn
from bot.messages import recording as recording_text
from bot.ops import logs
from bot.recording import Report
from bot.revring import RevRingClient, Voice

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `clone` command's arguments; a bad one makes argparse exit with status 2 before anything is read."""
    parser.add_argument("path", metavar="PATH", type=_recording, help="the recording: one speaker, about 10–30 s")
    parser.add_argument("--name", required=True, type=_voice_name, help="the voice's name in RevRing")
    parser.add_argument(
        "--language",
        metavar="CODE",
        type=_language,
        help="the voice's language, such as en, es or pt-BR "
        f"(default: REVRING_DEFAULT_LANGUAGE, else {DEFAULT_LANGUAGE})",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"voiceId", "name", "language", "status", "note", "recording"}, '
        'or {"error", "retryable", "recording"} (still exit status 1)',
    )
    parser.add_argument(
        "--anyway",
        action="store_true",
        help="clone a recording the quality check finds poor (QUALITY_CHECK=ask) as it is",
    )


def add_inspect_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", metavar="PATH", type=_recording, help="the recording to check")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


@dataclass(frozen=True)
class Cloned:
    voice: Voice
    note: str | None  # the excerpt sent, or a length outside the ideal: as a Slack clone's answer says it
    report: Report | None = None  # None with QUALITY_CHECK=off


@dataclass(frozen=True)
class Held:
    """A poor take under QUALITY_CHECK=ask, without --anyway: nothing was sent."""

    report: Report


def main(args: argparse.Namespace) -> int:
    """Run the `clone` command; returns the exit status."""
    try:
        settings = CloneSettings.from_env()
    except ConfigError as error:
        for problem in error.problems:
            _say(cli_text.cli_settings_problem(problem), sys.stderr)
        return 2
    # Only warnings and errors, as JSON on stderr and scrubbed of the key: stdout is left to the answer.
    logs.configure(settings.secrets, level=logging.WARNING)
    language = args.language or settings.default_language

    def show(report: Report) -> None:  # before anything is sent
        if not args.json:
            _say("\n".join(_report_lines(report)), sys.stderr)

    outcome = asyncio.run(
        clone(settings, args.path, name=args.name, language=language, anyway=args.anyway, on_report=show)
    )
    if isinstance(outcome, Held | Explained):
        text = cli_text.cli_held() if isinstance(outcome, Held) else mrkdwn.plain(outcome.text)
        report = outcome.report if isinstance(outcome, Held) else None
        if args.json:
            failed = {"error": text, "retryable": isinstance(outcome, Explained) and outcome.retryable}
            _say(json.dumps({**failed, **_recording_json(report)}), sys.stdout)
        else:
            _say(text, sys.stderr)
        return 1
    voice = outcome.voice
    name, language = voice.display_name or args.name, voice.language or language
    note = mrkdwn.plain(outcome.note) if outcome.note else None
    if args.json:
        answer = {"voiceId": voice.id, "name": name, "language": language, "status": voice.status, "note": note}
        _say(json.dumps({**answer, **_recording_json(outcome.report)}), sys.stdout)
    else:
        _say(cli_text.cli_voice_created(voice.id, name, language, voice.status, note), sys.stdout)
    return 0


async def clone(
    settings: CloneSettings,
    path: Path,
    *,
    name: str,
    language: str,
    anyway: bool = False,
    on_report: Callable[[Report], None] | None = None,
) -> Cloned | Held | Explained:
    """Check the file at `path` and create the voice from it: what was made, or why not, in a Slack clone's words.
    `on_report` is told the recording report before anything is sent."""
    sending = False
    assert settings.revring_api_key, "CloneSettings.from_env requires REVRING_API_KEY for the clone command"
    try:
        async with aiohttp.ClientSession() as session:
            revring = RevRingClient(
                session,
                settings.revring_api_url,
                settings.revring_api_key,
                timeout=aiohttp.ClientTimeout(total=settings.revring_timeout_seconds, sock_connect=10),
            )
            async with local_clip(path, settings.audio_limits, settings.max_audio_bytes) as audio:
                report = await quality.report_for(audio, settings.audio_limits, settings.quality_check)
                if report is not None and on_report is not None:
                    on_report(report)
                if quality.holds_back(report, settings.quality_check, accepted=anyway):
                    assert report is not None
                    return Held(report)
                sending = True
                voice = await send_clip(revring, audio, file_name=path.name, name=name, language=language)
                return Cloned(voice, failures.audio_note(audio, settings.audio_limits), report)
    except PIPELINE_FAILURES as error:
        return failures.explain(error, name=name, max_audio_mb=settings.max_audio_mb)
    except Exception:
        log.exception("clone crashed")
        # While sending, RevRing may have made the voice: the answer says so, as in Slack.
        return failures.crashed(name=name, uploading=sending)


def inspect_main(args: argparse.Namespace) -> int:
    """Run the `inspect` command: the report on the audio a clone of PATH would send. Exit status 0, or 1 for a
    poor take or a file the bot would not clone at all."""
    try:
        settings = CloneSettings.without_key_from_env()
    except ConfigError as error:
        for problem in error.problems:
            _say(cli_text.cli_settings_problem(problem, "inspect"), sys.stderr)
        return 2
    logs.configure(settings.secrets, level=logging.WARNING)
    outcome = asyncio.run(inspect(settings, args.path))
    if isinstance(outcome, Explained):
        text = mrkdwn.plain(outcome.text)
        _say(json.dumps({"error": text}) if args.json else text, sys.stdout if args.json else sys.stderr)
        return 1
    if args.json:
        _say(json.dumps(_recording_json(outcome)["recording"]), sys.stdout)
    else:
        _say("\n".join(_report_lines(outcome)), sys.stdout)
    return 1 if outcome.poor else 0


async def inspect(settings: CloneSettings, path: Path) -> Report | Explained:
    """The recording report on what a clone of `path` would send (the file, or its excerpt)."""
    try:
        async with local_clip(path, settings.audio_limits, settings.max_audio_bytes) as audio:
            return await quality.inspect_recording(audio.path, settings.audio_limits)
    except PIPELINE_FAILURES as error:
        return failures.explain(error, name=path.name, max_audio_mb=settings.max_audio_mb)


def _report_lines(report: Report) -> list[str]:
    return [mrkdwn.plain(line) for line in recording_text.report_lines(report)]


def _recording_json(report: Report | None) -> dict[str, object]:
    """`{"recording": {...}}` for a JSON answer, or nothing when the check did not run."""
    if report is None:
        return {}
    tips = [mrkdwn.plain(line) for line in recording_text.tips(report)]
    return {"recording": {**report.numbers(), "tips": tips}}


def _recording(raw: str) -> Path:
    """PATH must name a readable file; what is in it is judged later, as in Slack (exit status 1, not 2)."""
    path = Path(raw)
    if not path.exists():
        raise argparse.ArgumentTypeError(cli_text.cli_no_such_file(raw))
    if not path.is_file():
        raise argparse.ArgumentTypeError(cli_text.cli_not_a_file(raw))
    if not os.access(path, os.R_OK):
        raise argparse.ArgumentTypeError(cli_text.cli_cannot_read(raw, "permission denied"))
    return path


def _voice_name(raw: str) -> str:
    """Cleaned as a name typed in Slack is: no control characters, single spaces, at most 100 characters."""
    name = clean_name(raw)
    if not name:
        raise argparse.ArgumentTypeError(cli_text.cli_needs_name())
    return name


def _language(raw: str) -> str:
    code = language_code(raw.strip())
    if code is None:
        raise argparse.ArgumentTypeError(cli_text.cli_bad_language(raw))
    return code


def _say(text: str, stream: TextIO) -> None:
    """Print a line; a character the terminal cannot show (an en dash on an ASCII-only locale) becomes `?`."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    print(text.encode(encoding, "replace").decode(encoding), file=stream, flush=True)
