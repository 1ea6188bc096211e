"""A WAV is identified from its first 4 KiB of audio: compressed audio stored as 16-bit PCM is still recognised
for what it is (and refused, as any MP3 in a WAV is), and plain PCM of any length is measured as before."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from bot.cloning.audio import AudioLimits, NotAudio, prepare_audio
from tests.audio_samples import encode_tone, wav_tone


def pcm_wav(data: bytes, rate: int = 8000) -> bytes:
    """`data` in a WAV whose header says 16-bit mono PCM, whatever `data` really is."""
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


async def test_mp3_stored_as_pcm_in_a_wav_is_recognised(tmp_path: Path):
    path = tmp_path / "upload"
    path.write_bytes(pcm_wav(encode_tone("mp3", 12.0)))
    with pytest.raises(NotAudio, match="mp3 audio in wav is not a combination we accept"):
        await prepare_audio(path, tmp_path, AudioLimits())


@pytest.mark.parametrize("seconds", [6.0, 12.0, 45.0])
async def test_pcm_in_a_wav_is_measured_whole(tmp_path: Path, seconds: float):
    path = tmp_path / "upload"
    path.write_bytes(wav_tone(seconds))
    prepared = await prepare_audio(path, tmp_path, AudioLimits())
    assert (prepared.info.container, prepared.info.codec) == ("wav", "pcm_s16le")
    assert prepared.original_seconds == pytest.approx(seconds)
