"""The recording report from a terminal: `python -m bot inspect PATH` prints it and sends nothing, and `python -m
bot clone` prints the same report before it sends anything (a poor take exits 1 unless `--anyway`). Both run as
processes, on real speech made for the test, with only the settings they read."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

import pytest

from tests import takes
from tests.bot_process import process_env
from tests.conftest import REVRING_KEY
from tests.doubles.fake_revring import FakeRevRing
from tests.test_cli_clone import Run


@pytest.fixture(autouse=True)
def speech() -> None:
    takes.require_speech()


@pytest.fixture
async def revring() -> AsyncIterator[FakeRevRing]:
    fake = FakeRevRing(REVRING_KEY)
    await fake.start()
    yield fake
    await fake.stop()


@cache
def clean() -> bytes:
    return takes.encode(takes.clean_take(), "m4a")


@cache
def noisy() -> bytes:
    return takes.encode(takes.noisy_take())


def recording(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


async def bot(cwd: Path, *args: str | Path, **settings: str) -> Run:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *map(str, args),
        cwd=cwd,
        env=process_env(settings),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    return Run(process.returncode or 0, stdout.decode(), stderr.decode())


def keyed(revring: FakeRevRing) -> dict[str, str]:
    return {"REVRING_API_KEY": REVRING_KEY, "REVRING_API_URL": revring.api_url}


async def test_inspect_prints_the_report_and_needs_no_key(tmp_path: Path):
    run = await bot(tmp_path, "inspect", recording(tmp_path, "take.m4a", clean()))
    assert (run.status, run.stderr) == (0, "")
    assert run.stdout == (
        "Recording: good\n"
        "  speech     18.1 s of 20.0 s, longest pause 0.4 s\n"
        "  loudness   −22 LUFS\n"
        "  peaks      −2.1 dBTP true peak, 0.00 % of samples clipped\n"
        "  noise      floor −72 dBFS, SNR 50 dB\n"
        "  bandwidth  44.1 kHz, full band (−20 dB above 4 kHz)\n"
    )


async def test_clone_prints_the_same_report_before_sending(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "take.m4a", clean())
    inspected = await bot(tmp_path, "inspect", path)
    cloned = await bot(tmp_path, "clone", path, "--name", "Rachel", **keyed(revring))
    assert cloned.status == 0 and cloned.stdout.startswith("voice-0001\t")
    assert cloned.stderr == inspected.stdout  # the report, on stderr: stdout stays the voiceId's line


async def test_a_poor_take_is_not_cloned_unless_anyway(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "noisy.wav", noisy())
    inspected = await bot(tmp_path, "inspect", path)
    assert inspected.status == 1 and inspected.stdout.startswith("Recording: poor\n")
    assert "  - Loud background noise (SNR 7 dB): the clone would copy it." in inspected.stdout

    held = await bot(tmp_path, "clone", path, "--name", "Rachel", **keyed(revring))
    assert (held.status, held.stdout) == (1, "")
    assert held.stderr.startswith(inspected.stdout)
    assert held.stderr.endswith(
        "Record a new take, or run the command again with --anyway to clone this one as it is.\n"
    )
    assert revring.attempts == 0

    anyway = await bot(tmp_path, "clone", path, "--name", "Rachel", "--anyway", **keyed(revring))
    assert anyway.status == 0 and anyway.stdout.startswith("voice-0001\t") and len(revring.received) == 1


async def test_json_carries_the_report(tmp_path: Path, revring: FakeRevRing):
    path = recording(tmp_path, "noisy.wav", noisy())
    report = json.loads((await bot(tmp_path, "inspect", path, "--json")).stdout)
    assert (report["verdict"], report["problems"], report["phoneBand"]) == ("poor", ["noisy"], False)
    assert report["snrDb"] == pytest.approx(7, abs=0.5)
    held = await bot(tmp_path, "clone", path, "--name", "Rachel", "--json", **keyed(revring))
    assert held.status == 1 and held.stderr == ""
    assert json.loads(held.stdout) == {
        "error": "Not cloned: this recording would make a poor voice (see above). Record a new take, or run the "
        "command again with --anyway to clone this one as it is.",
        "retryable": False,
        "recording": report,
    }
    made = json.loads(
        (await bot(tmp_path, "clone", path, "--name", "Rachel", "--json", "--anyway", **keyed(revring))).stdout
    )
    assert made["voiceId"] == "voice-0001" and made["recording"] == report


@pytest.mark.parametrize("check", ["warn", "off"])
async def test_the_setting_is_read_by_clone_too(tmp_path: Path, revring: FakeRevRing, check: str):
    run = await bot(
        tmp_path,
        "clone",
        recording(tmp_path, "noisy.wav", noisy()),
        "--name",
        "Rachel",
        "--json",
        QUALITY_CHECK=check,
        **keyed(revring),
    )
    answer = json.loads(run.stdout)
    assert run.status == 0 and answer["voiceId"] == "voice-0001"
    assert ("recording" in answer) is (check == "warn")


async def test_inspect_of_what_is_not_audio_says_so(tmp_path: Path):
    run = await bot(tmp_path, "inspect", recording(tmp_path, "notes.mp3", b"meeting notes\n" * 300))
    assert run.status == 1 and run.stdout == ""
    assert run.stderr.startswith("That file isn't an audio file I can use")
