"""`python -m bot clone PATH --name NAME`: the real command, run as a process against the fake RevRing, with only
the RevRing settings in its environment (no Slack settings at all)."""

from __future__ import annotations

import asyncio
import io
import json
import sys
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.messages import clone_failures, mrkdwn
from tests.audio_samples import encode_tone, wav_tone
from tests.bot_process import process_env
from tests.conftest import REVRING_KEY
from tests.doubles.fake_revring import FakeRevRing

WRONG_KEY = "rr_wrong_key_0987654321"


@dataclass(frozen=True)
class Run:
    status: int
    stdout: str
    stderr: str


@pytest.fixture
async def revring() -> AsyncIterator[FakeRevRing]:
    fake = FakeRevRing(REVRING_KEY)
    await fake.start()
    yield fake
    fake.release_slow.set()
    await fake.stop()


async def clone(cwd: Path, revring: FakeRevRing, *args: str | Path, key: str = REVRING_KEY, **settings: str) -> Run:
    # The tones cloned here are no voice: the recording check has its own tests (test_recording_quality.py).
    env = process_env({"REVRING_API_KEY": key, "REVRING_API_URL": revring.api_url, "QUALITY_CHECK": "off", **settings})
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "clone",
        *map(str, args),
        cwd=cwd,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    run = Run(process.returncode or 0, stdout.decode(), stderr.decode())
    for secret in (REVRING_KEY, WRONG_KEY):
        assert secret not in run.stdout + run.stderr
    return run


def recording(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def folder(path: Path) -> Path:
    path.mkdir()
    return path


def contents(path: Path) -> list[Path]:
    return list(path.iterdir())


# --- a voice made ------------------------------------------------------------------------------------


async def test_a_clip_becomes_a_voice_and_the_voice_id_is_printed_first(tmp_path: Path, revring: FakeRevRing):
    audio = wav_tone(12)
    path = recording(tmp_path, "take 1.wav", audio)
    run = await clone(tmp_path, revring, path, "--name", "Rachel Green", "--language", "pt-br")
    assert (run.status, run.stderr) == (0, "")
    assert run.stdout == 'voice-0001\tVoice "Rachel Green" created (language pt-BR, status ready).\n'
    [sent] = revring.received
    assert sent.content == audio  # exactly the file's bytes: a clip within the limits is sent as it is
    assert (sent.display_name, sent.language) == ("Rachel Green", "pt-BR")
    assert (sent.filename, sent.content_type) == ("take_1.wav", "audio/wav")
    assert revring.keys_seen == [REVRING_KEY]


async def test_json_gives_one_object_with_the_note_and_the_default_language(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "short-ish.mp3", encode_tone("mp3", 8))
    run = await clone(tmp_path, revring, path, "--name", "Tom & <Jerry>", "--json", REVRING_DEFAULT_LANGUAGE="fr")
    assert (run.status, run.stderr) == (0, "")
    assert json.loads(run.stdout) == {
        "voiceId": "voice-0001",
        "name": "Tom & <Jerry>",
        "language": "fr",
        "status": "ready",
        "note": "Your recording is 8 seconds long; 10–30 seconds of one speaker works best, so you may get a better "
        "voice with a recording of that length.",
    }
    assert run.stdout.count("\n") == 1
    [sent] = revring.received
    assert (sent.display_name, sent.language, sent.content_type) == ("Tom & <Jerry>", "fr", "audio/mpeg")


async def test_a_long_recording_is_cut_to_a_wav_excerpt_and_the_note_says_so(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "long-take.mp3", encode_tone("mp3", 75))
    scratch = folder(tmp_path / "scratch")
    run = await clone(tmp_path, revring, path, "--name", "Rachel", TMPDIR=str(scratch))
    assert run.status == 0
    assert run.stdout == (
        'voice-0001\tVoice "Rachel" created (language en, status ready). Your recording was 75 seconds long, so I '
        "sent RevRing a 30-second excerpt (skipping any silence at the start). For the best voice, share 10–30 "
        "seconds of one speaker.\n"
    )
    [sent] = revring.received
    assert (sent.filename, sent.content_type) == ("long-take.wav", "audio/wav")
    with wave.open(io.BytesIO(sent.content)) as excerpt:
        assert excerpt.getnframes() / excerpt.getframerate() == pytest.approx(30, abs=0.1)
    assert contents(scratch) == []  # the work directory with the excerpt is gone


# --- not made: the words of a Slack clone, as plain text, exit status 1 ---------------------------------


async def test_a_wrong_key_is_told_as_in_slack_and_the_key_never_shown(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "take.wav", wav_tone(12))
    run = await clone(tmp_path, revring, path, "--name", "Rachel", key=WRONG_KEY)
    assert (run.status, run.stdout) == (1, "")
    assert run.stderr == (
        "RevRing turned down the bot's API key, so nothing was created. An admin needs to put a valid key in the "
        "bot's `REVRING_API_KEY` setting and restart it.\n"
    )
    assert run.stderr.strip() == mrkdwn.plain(clone_failures.revring_unauthorized())
    assert revring.keys_seen == [WRONG_KEY] and revring.received == []

    run = await clone(tmp_path, revring, path, "--name", "Rachel", "--json", key=WRONG_KEY)
    assert (run.status, run.stderr) == (1, "")
    assert json.loads(run.stdout) == {"error": mrkdwn.plain(clone_failures.revring_unauthorized()), "retryable": False}


async def test_a_file_that_is_not_audio_is_refused_and_nothing_is_sent(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "notes.mp3", b"These are my meeting notes, not a recording.\n" * 200)
    run = await clone(tmp_path, revring, path, "--name", "Rachel")
    assert (run.status, run.stdout) == (1, "")
    assert run.stderr.startswith("That file isn't an audio file I can use, so I didn't send it to RevRing.")
    assert run.stderr.strip() == mrkdwn.plain(clone_failures.not_audio())
    assert revring.attempts == 0


async def test_a_clip_too_short_is_refused_and_nothing_is_sent(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "hello.wav", wav_tone(2))
    run = await clone(tmp_path, revring, path, "--name", "Rachel", "--json")
    assert (run.status, run.stderr) == (1, "")
    error = json.loads(run.stdout)
    assert error["retryable"] is False
    assert error["error"].startswith("That recording is only 2.0 seconds long; RevRing needs at least 5.")
    assert revring.attempts == 0


async def test_the_size_limit_is_checked_before_the_file_is_read(tmp_path: Path, revring: FakeRevRing):
    # Not audio either: had the bytes been read first, the answer would be "isn't an audio file".
    path = recording(tmp_path, "huge.wav", b"\0" * (1024 * 1024 + 1))
    run = await clone(tmp_path, revring, path, "--name", "Rachel", MAX_AUDIO_MB="1")
    assert run.status == 1
    assert run.stderr.startswith("That file is 1.0 MB and the limit is 1 MB.")
    assert revring.attempts == 0


@pytest.mark.parametrize(
    "answer, what",
    [("server_error", "it had a problem on its side"), ("slow", "it didn't answer in time")],
)
async def test_after_sending_a_5xx_or_timeout_says_the_voice_may_exist(
    tmp_path: Path, revring: FakeRevRing, answer: str, what: str
):
    revring.answers = [answer]
    path = recording(tmp_path, "take.wav", wav_tone(12))
    run = await clone(tmp_path, revring, path, "--name", "Tom & <Jerry> *2*", "--json", REVRING_TIMEOUT="1")
    assert run.status == 1
    assert json.loads(run.stdout) == {
        "error": f"I sent Tom & <Jerry> *2* to RevRing, but {what}, so the voice may or may not have been created. "
        "Check the voices in your RevRing dashboard before you try again, or you may get two.",
        "retryable": True,
    }
    assert len(revring.received) == 1


# --- bad arguments and settings: exit status 2, nothing sent ------------------------------------------


@pytest.mark.parametrize(
    "args, says",
    [
        (["missing.wav", "--name", "Rachel"], "argument PATH: there is no file at 'missing.wav'"),
        ([".", "--name", "Rachel"], "argument PATH: '.' is a folder or a device, not a file"),
        (["take.wav"], "the following arguments are required: --name"),
        (["take.wav", "--name", "  "], "argument --name: give the voice a name"),
        (["take.wav", "--name", "Rachel", "--language", "english"], "argument --language: 'english' isn't a language"),
    ],
)
async def test_bad_arguments_exit_2_and_send_nothing(tmp_path: Path, revring: FakeRevRing, args: list[str], says: str):
    recording(tmp_path, "take.wav", wav_tone(12))
    run = await clone(tmp_path, revring, *args, "--json")
    assert (run.status, run.stdout) == (2, "")
    assert f"python -m bot clone: error: {says}" in run.stderr
    assert revring.attempts == 0


async def test_only_revring_settings_are_needed_and_every_bad_one_is_told(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "take.wav", wav_tone(12))
    run = await clone(
        tmp_path, revring, path, "--name", "Rachel", key="", MAX_AUDIO_MB="lots", REVRING_API_URL="revring.example"
    )
    assert (run.status, run.stdout) == (2, "")
    assert [line.split(":")[1].split()[0] for line in run.stderr.splitlines()] == [
        "REVRING_API_KEY",
        "REVRING_API_URL",
        "MAX_AUDIO_MB",
    ]
    assert all(line.startswith("Cannot clone: ") for line in run.stderr.splitlines())
    assert revring.attempts == 0


# --- Slack's words for a terminal ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, shown",
    [
        ("Rachel", "Rachel"),
        ("Tom & <Jerry>", "Tom & <Jerry>"),
        ("R*chel", "R*chel"),
        ("*", "*"),
        ("&lt;b&gt;", "&lt;b&gt;"),
        ("Bob *", "Bob *"),
    ],
)
def test_plain_text_shows_any_name_as_it_was_given(name: str, shown: str):
    shown_in_terminal = mrkdwn.plain(clone_failures.revring_outcome_unknown(name, "timeout"))
    assert shown_in_terminal.startswith(f"I sent {shown} to RevRing")


def test_plain_text_drops_bold_keeps_code_quotes():
    assert mrkdwn.plain(clone_failures.revring_billing_inactive()).endswith("; then press Try again.")
    assert "`REVRING_API_KEY`" in mrkdwn.plain(clone_failures.revring_unauthorized())
