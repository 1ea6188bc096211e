"""`python -m bot clone PATH --name NAME`: clone a voice from a file on this machine, without Slack.

From the checks on, the file takes a Slack clone's road: the same size limit and audio checks (`local_clip`), the
same call to RevRing (`send_clip`), the same words for what went wrong (`cloning.failures`, as plain text). It proves a
RevRing key and a clip work before Slack is set up, and scripts can use it: the voiceId comes first on the one line
printed, or `--json` prints one JSON object. Exit status: 0 cloned, 1 not cloned (or not known), 2 bad arguments or
settings. Only the settings a clone needs are read (`CloneSettings`): a RevRing key is enough.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import aiohttp

from bot.cloning import failures
from bot.cloning.command_text import clean_name, language_code
from bot.cloning.failures import Explained
from bot.cloning.pipeline import PIPELINE_FAILURES, local_clip, send_clip
from bot.config import DEFAULT_LANGUAGE, CloneSettings, ConfigError
from bot.messages import cli as cli_text
from bot.messages import mrkdwn
from bot.ops import logs
from bot.revring import RevRingClient, Voice

log = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The `clone` command's arguments; a bad one makes argparse exit with status 2 before anything is read."""
    parser.add_argument("path", metavar="PATH", type=_recording, help="the recording: one speaker, about 10–30 s")
    parser.add_argument("--name", required=True, type=_voice_name, help="the voice's name in RevRing")
    parser.add_argument(
        "--language", metavar="CODE", type=_language,
        help="the voice's language, such as en, es or pt-BR "
        f"(default: REVRING_DEFAULT_LANGUAGE, else {DEFAULT_LANGUAGE})",
    )
    parser.add_argument(
        "--json", action="store_true",
        help='print one JSON object: {"voiceId", "name", "language", "status", "note"}, '
        'or {"error", "retryable"} (still exit status 1)',
    )


@dataclass(frozen=True)
class Cloned:
    voice: Voice
    note: str | None  # the excerpt sent, or a length outside the ideal: as a Slack clone's answer says it


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
    outcome = asyncio.run(clone(settings, args.path, name=args.name, language=language))
    if isinstance(outcome, Explained):
        text = mrkdwn.plain(outcome.text)
        if args.json:
            _say(json.dumps({"error": text, "retryable": outcome.retryable}), sys.stdout)
        else:
            _say(text, sys.stderr)
        return 1
    voice = outcome.voice
    name, language = voice.display_name or args.name, voice.language or language
    note = mrkdwn.plain(outcome.note) if outcome.note else None
    if args.json:
        answer = {"voiceId": voice.id, "name": name, "language": language, "status": voice.status, "note": note}
        _say(json.dumps(answer), sys.stdout)
    else:
        _say(cli_text.cli_voice_created(voice.id, name, language, voice.status, note), sys.stdout)
    return 0


async def clone(settings: CloneSettings, path: Path, *, name: str, language: str) -> Cloned | Explained:
    """Check the file at `path` and create the voice from it: what was made, or why not, in a Slack clone's words."""
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
                sending = True
                voice = await send_clip(revring, audio, file_name=path.name, name=name, language=language)
                return Cloned(voice, failures.audio_note(audio, settings.audio_limits))
    except PIPELINE_FAILURES as error:
        return failures.explain(error, name=name, max_audio_mb=settings.max_audio_mb)
    except Exception:
        log.exception("clone crashed")
        # While sending, RevRing may have made the voice: the answer says so, as in Slack.
        return failures.crashed(name=name, uploading=sending)


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
