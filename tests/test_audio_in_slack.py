"""Audio as people really share it: Slack clips, wrong names, too short, too long, broken."""

from __future__ import annotations

import io
import wave

import pytest

from tests.audio_samples import encode_tone, wav_tone
from tests.conftest import Harness
from tests.doubles.fake_slack import HostedFile


async def clone(
    harness: Harness, content: bytes, *, name: str, mimetype: str, subtype: str = "", duration_ms: int | None = None
) -> str:
    file = harness.slack.host_file(HostedFile("F0CLIP", name, mimetype, content, subtype=subtype))
    if duration_ms is not None:
        file["duration_ms"] = duration_ms
    await harness.bot.command("Rachel")
    await harness.bot.share_file(file)
    [update] = await harness.slack.wait_for("chat.update")
    return update.args["text"] + " " + str(update.args["blocks"])


@pytest.mark.parametrize(
    ("fmt", "slack_name", "slack_type", "sent_name", "sent_type"),
    [
        ("webm-opus", "audio_message.webm", "audio/webm", "audio_message.webm", "audio/webm"),
        ("mp4", "audio_message.mp4", "video/mp4", "audio_message.m4a", "audio/mp4"),
        ("m4a", "audio_message.m4a", "audio/mp4", "audio_message.m4a", "audio/mp4"),
    ],
)
async def test_slack_recorded_clips_are_audio(
    harness: Harness, fmt: str, slack_name: str, slack_type: str, sent_name: str, sent_type: str
):
    content = encode_tone(fmt, 12.0)
    shown = await clone(
        harness, content, name=slack_name, mimetype=slack_type, subtype="slack_audio", duration_ms=12000
    )
    assert "voice-0001" in shown
    [voice] = harness.revring.received
    assert (voice.filename, voice.content_type) == (sent_name, sent_type)
    assert voice.content == content


@pytest.mark.parametrize(
    ("fmt", "sent_name", "sent_type"),
    [
        ("mp3", "memo.mp3", "audio/mpeg"),
        ("ogg-vorbis", "memo.ogg", "audio/ogg"),
        ("ogg-opus", "memo.ogg", "audio/ogg"),
        ("flac", "memo.flac", "audio/flac"),
        ("m4a", "memo.m4a", "audio/mp4"),
    ],
)
async def test_the_name_and_type_sent_follow_the_bytes_not_the_label(
    harness: Harness, fmt: str, sent_name: str, sent_type: str
):
    # Every file is labelled as an OGG: only the bytes say what it is.
    await clone(harness, encode_tone(fmt, 12.0), name="memo.ogg", mimetype="audio/ogg")
    [voice] = harness.revring.received
    assert (voice.filename, voice.content_type) == (sent_name, sent_type)


async def test_too_short_is_refused_with_what_to_record(harness: Harness):
    shown = await clone(harness, wav_tone(3.0), name="hi.wav", mimetype="audio/wav")
    assert "only 3.0 seconds" in shown and "10–30 seconds" in shown
    assert harness.revring.attempts == 0


async def test_between_the_short_limit_and_ten_seconds_goes_ahead_with_a_tip(harness: Harness):
    shown = await clone(harness, wav_tone(7.0), name="hi.wav", mimetype="audio/wav")
    assert "voice-0001" in shown and "7 seconds long; 10–30 seconds" in shown


async def test_a_long_recording_is_cut_to_a_thirty_second_excerpt(harness: Harness):
    shown = await clone(
        harness, encode_tone("mp3", 95.0, silence_seconds=5.0), name="interview.mp3", mimetype="audio/mpeg"
    )
    assert "voice-0001" in shown and "95 seconds long" in shown and "30-second excerpt" in shown
    [voice] = harness.revring.received
    assert (voice.filename, voice.content_type) == ("interview.wav", "audio/wav")
    with wave.open(io.BytesIO(voice.content)) as excerpt:
        assert excerpt.getnframes() / excerpt.getframerate() == pytest.approx(30.0, abs=0.1)


@pytest.mark.parametrize(
    "content",
    [encode_tone("m4a", 12.0)[:3000], b"RIFF\x00\x00\x00\x00WAVEfmt " + bytes(range(256)) * 20],
    ids=["truncated", "corrupt"],
)
async def test_broken_audio_is_explained_and_not_sent(harness: Harness, content: bytes):
    shown = await clone(harness, content, name="clip.m4a", mimetype="audio/mp4")
    assert "isn't an audio file I can use" in shown
    assert harness.revring.attempts == 0


@pytest.mark.parametrize(
    "harness",
    [{"MIN_AUDIO_SECONDS": "2", "MAX_AUDIO_SECONDS": "20", "IDEAL_MAX_AUDIO_SECONDS": "15", "EXCERPT_SECONDS": "15"}],
    indirect=True,
)
async def test_the_limits_are_settings(harness: Harness):
    shown = await clone(harness, wav_tone(25.0), name="a.wav", mimetype="audio/wav")
    assert "15-second excerpt" in shown
