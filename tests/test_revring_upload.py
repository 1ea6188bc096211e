"""Create Voice sends the same multipart request whether the audio is small (read whole, sent in one write) or
large (streamed from disk in chunks)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.revring import RevRingClient
from bot.revring.voices import WHOLE_UPLOAD_BYTES
from tests.doubles.fake_revring import FakeRevRing

KEY = "rr_upload_test_key"


@pytest.fixture
async def fake() -> AsyncIterator[FakeRevRing]:
    revring = FakeRevRing({KEY: "Acme"})
    await revring.start()
    yield revring
    await revring.stop()


@pytest.mark.parametrize(
    "size",
    [44, WHOLE_UPLOAD_BYTES, WHOLE_UPLOAD_BYTES + 1, 3 * WHOLE_UPLOAD_BYTES + 7],
    ids=["tiny", "largest-whole", "smallest-streamed", "streamed"],
)
async def test_the_audio_arrives_as_it_is_on_disk_with_its_name_and_type(fake: FakeRevRing, tmp_path: Path, size: int):
    clip = tmp_path / "clip.wav"
    clip.write_bytes(os.urandom(size))
    async with aiohttp.ClientSession() as session:
        client = RevRingClient(session, fake.api_url, KEY, timeout=aiohttp.ClientTimeout(total=10))
        voice = await client.create_voice(
            display_name="Ann “Ü”", language="de", audio=clip, filename="clip_1.wav", content_type="audio/wav"
        )
    [received] = fake.received
    assert (received.display_name, received.language, received.filename, received.content_type) == (
        "Ann “Ü”",
        "de",
        "clip_1.wav",
        "audio/wav",
    )
    assert received.content == clip.read_bytes() and fake.voices[voice.id].content == clip.read_bytes()
