"""The audio module on real audio of every accepted kind, made at test time."""

from __future__ import annotations

import io
import math
import random
from array import array
from pathlib import Path

import av
import pytest

import bot.cloning.audio
from bot.cloning.audio import (
    EXCERPT_NAME,
    MAX_STATED_SECONDS,
    AudioInfo,
    AudioLimits,
    AudioNote,
    AudioProblem,
    NotAudio,
    PreparedAudio,
    TooShort,
    _first_sound_seconds,
    prepare_audio,
)
from tests.audio_samples import encode_tone

LIMITS = AudioLimits()


def write(tmp_path: Path, data: bytes, name: str = "upload") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


async def prepare(tmp_path: Path, data: bytes, name: str = "upload", **kwargs) -> PreparedAudio:
    return await prepare_audio(write(tmp_path, data, name), tmp_path, kwargs.pop("limits", LIMITS), **kwargs)


def decode_mono(path: Path) -> tuple[array, int]:
    """All samples of a short file (only used on excerpts) as 16-bit mono, and the sample rate."""
    samples = array("h")
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        assert stream.channels == 1
        for frame in container.decode(stream):
            assert frame.format.name == "s16"
            samples.frombytes(bytes(frame.planes[0])[: frame.samples * 2])
        return samples, stream.rate


def dbfs(samples: array) -> float:
    rms = math.sqrt(sum(s * s for s in samples) / len(samples))
    return 20 * math.log10(max(rms, 1e-9) / 32768)


@pytest.mark.parametrize(
    ("fmt", "container", "codec", "extension", "content_type"),
    [
        ("wav", "wav", "pcm_s16le", "wav", "audio/wav"),
        ("mp3", "mp3", "mp3", "mp3", "audio/mpeg"),
        ("m4a", "mp4", "aac", "m4a", "audio/mp4"),
        ("ogg-vorbis", "ogg", "vorbis", "ogg", "audio/ogg"),
        ("ogg-opus", "ogg", "opus", "ogg", "audio/ogg"),
        ("flac", "flac", "flac", "flac", "audio/flac"),
        ("webm-opus", "webm", "opus", "webm", "audio/webm"),
        ("webm-vorbis", "webm", "vorbis", "webm", "audio/webm"),
    ],
)
async def test_each_container_is_known_from_its_bytes(
    tmp_path: Path, fmt: str, container: str, codec: str, extension: str, content_type: str
):
    path = write(tmp_path, encode_tone(fmt, 12.0))

    prepared = await prepare_audio(path, tmp_path / "work", LIMITS)

    info = prepared.info
    described = (info.container, info.codec, info.extension, info.content_type)
    assert described == (container, codec, extension, content_type)
    assert info.duration_seconds == pytest.approx(12.0, abs=0.2)
    assert prepared == PreparedAudio(path, info, None, info.duration_seconds)


async def test_a_slack_clip_labelled_video_is_m4a_audio(tmp_path: Path):
    prepared = await prepare(tmp_path, encode_tone("mp4", 12.0), "audio_message.mp4")

    assert (prepared.info.extension, prepared.info.content_type) == ("m4a", "audio/mp4")
    assert prepared.note is None


def _video(with_audio: bool) -> bytes:
    """A tiny MP4 with a 16×16 video track, and a second of silent AAC if asked."""
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="mp4") as out:
        video = out.add_stream("mpeg4", rate=5)
        video.width = video.height = 16
        video.pix_fmt = "yuv420p"
        audio = out.add_stream("aac", rate=8000, layout="mono") if with_audio else None
        for index in range(5):
            frame = av.VideoFrame(16, 16, "yuv420p")
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if audio is not None:
            for index in range(8):
                sound = av.AudioFrame(format="fltp", layout="mono", samples=1024)
                sound.planes[0].update(bytes(4096))
                sound.sample_rate, sound.pts = 8000, index * 1024
                out.mux(audio.encode(sound))
            out.mux(audio.encode(None))
    return buffer.getvalue()


@pytest.mark.parametrize(("with_audio", "cause"), [(True, "has a video track"), (False, "has no audio stream")])
async def test_a_real_video_is_not_audio(tmp_path: Path, with_audio: bool, cause: str):
    with pytest.raises(NotAudio, match=cause):
        await prepare(tmp_path, _video(with_audio), "clip.mp4")


@pytest.mark.parametrize(("fmt", "name", "extension"), [("ogg-opus", "voice.mp3", "ogg"), ("wav", "voice.m4a", "wav")])
async def test_the_name_is_ignored(tmp_path: Path, fmt: str, name: str, extension: str):
    prepared = await prepare(tmp_path, encode_tone(fmt, 12.0), name)

    assert prepared.info.extension == extension


async def test_too_short_is_a_problem_with_the_numbers(tmp_path: Path):
    with pytest.raises(TooShort) as caught:
        await prepare(tmp_path, encode_tone("mp3", 3.0))

    assert isinstance(caught.value, AudioProblem)
    assert caught.value.duration_seconds == pytest.approx(3.0, abs=0.1)
    assert caught.value.min_seconds == 5.0
    assert "under the 5 s minimum" in caught.value.cause


@pytest.mark.parametrize("seconds", [7.0, 45.0])
async def test_usable_but_not_ideal_is_sent_with_a_note(tmp_path: Path, seconds: float):
    prepared = await prepare(tmp_path, encode_tone("webm-opus", seconds))

    assert prepared.note is AudioNote.OUTSIDE_IDEAL
    assert prepared.path == tmp_path / "upload"
    assert prepared.original_seconds == pytest.approx(seconds, abs=0.1)


async def test_limits_are_parameters(tmp_path: Path):
    limits = AudioLimits(min_seconds=2, ideal_min_seconds=3, ideal_max_seconds=4, max_seconds=6, excerpt_seconds=5)

    short = await prepare(tmp_path, encode_tone("flac", 3.5), limits=limits)
    cut = await prepare(tmp_path, encode_tone("flac", 8.0), "long", limits=limits)

    assert short.note is None
    assert cut.note is AudioNote.EXCERPT and cut.info.duration_seconds == pytest.approx(5.0, abs=0.01)


@pytest.mark.parametrize(
    "values",
    [{"min_seconds": 0}, {"min_seconds": 12}, {"ideal_max_seconds": 70}, {"excerpt_seconds": 90}],
)
def test_limits_out_of_order_are_refused(values: dict):
    with pytest.raises(ValueError, match=r"limits|excerpt"):
        AudioLimits(**values)


async def test_long_audio_is_cut_to_an_excerpt(tmp_path: Path):
    prepared = await prepare(tmp_path, encode_tone("mp3", 90.0))

    assert prepared.note is AudioNote.EXCERPT
    assert prepared.path == tmp_path / EXCERPT_NAME
    assert prepared.original_seconds == pytest.approx(90.0, abs=0.1)
    assert prepared.info == AudioInfo("wav", "pcm_s16le", "wav", "audio/wav", pytest.approx(30.0, abs=0.01))
    samples, rate = decode_mono(prepared.path)
    assert rate == 8000
    assert len(samples) == 30 * 8000
    assert dbfs(samples[:800]) > -20


async def test_the_excerpt_skips_leading_silence(tmp_path: Path):
    original = encode_tone("webm-opus", 90.0, silence_seconds=20.0)

    prepared = await prepare(tmp_path, original)

    samples, rate = decode_mono(prepared.path)
    assert rate == 48000  # Opus always decodes at 48 kHz
    assert len(samples) == 30 * rate
    assert dbfs(samples[: rate // 10]) > -20  # the first 100 ms is the tone, not the hiss


async def test_late_sound_still_gives_a_full_excerpt_ending_at_the_end(tmp_path: Path):
    prepared = await prepare(tmp_path, encode_tone("flac", 70.0, silence_seconds=50.0))

    samples, rate = decode_mono(prepared.path)
    assert len(samples) == 30 * rate
    assert dbfs(samples[: rate * 10]) < -60  # 10 s of the hiss before the tone, as only 20 s of tone follow it
    assert dbfs(samples[-rate:]) > -20


async def test_all_quiet_long_audio_is_cut_from_the_start(tmp_path: Path):
    prepared = await prepare(tmp_path, encode_tone("wav", 65.0, silence_seconds=65.0))

    assert prepared.note is AudioNote.EXCERPT
    assert prepared.info.duration_seconds == pytest.approx(30.0)


def _counting_pcm(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the PCM bytes decoded for the sound search and the excerpt (the work a long file costs)."""
    decoded = [0]
    original = bot.cloning.audio._pcm

    def counted(path: Path, rate: int):
        for chunk in original(path, rate):
            decoded[0] += len(chunk) // 2
            yield chunk

    monkeypatch.setattr(bot.cloning.audio, "_pcm", counted)
    return decoded


async def test_a_long_quiet_file_is_searched_only_where_the_excerpt_can_start(tmp_path: Path, monkeypatch):
    decoded = _counting_pcm(monkeypatch)
    prepared = await prepare(tmp_path, encode_tone("flac", 1200.0, silence_seconds=1200.0))

    assert prepared.note is AudioNote.EXCERPT
    assert prepared.info.duration_seconds == pytest.approx(30.0)
    # the search stops at the latest start (the first minute), the excerpt is decoded up to its end: not 20 minutes
    searched, cut = LIMITS.max_seconds + 1, LIMITS.max_seconds + LIMITS.excerpt_seconds + 1
    assert 0 < decoded[0] <= (searched + cut) * 8000


async def test_an_absurd_declared_length_is_refused_before_decoding(tmp_path: Path, monkeypatch):
    decoded = _counting_pcm(monkeypatch)
    monkeypatch.setattr(bot.cloning.audio, "_decode_all", None)  # calling it would fail the test

    with pytest.raises(NotAudio, match="beyond any recording"):
        await prepare(tmp_path, encode_tone("wav", 6.0), declared_duration_ms=(MAX_STATED_SECONDS + 1) * 1000)
    assert decoded == [0]


def _flac_stating(seconds: float, held_seconds: float, rate: int = 8000) -> bytes:
    """A FLAC whose STREAMINFO states `seconds` (its 36-bit sample count) but which holds `held_seconds` of audio."""
    data = bytearray(encode_tone("flac", held_seconds, rate=rate))
    assert data[:4] == b"fLaC" and data[4] & 0x7F == 0  # STREAMINFO first, its fields from byte 8
    fields = int.from_bytes(data[18:26], "big")  # rate, channels, bits per sample, then the sample count
    fields = (fields & ~((1 << 36) - 1)) | int(seconds * rate)
    data[18:26] = fields.to_bytes(8, "big")
    return bytes(data)


async def test_an_absurd_stated_length_is_refused_before_decoding(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(bot.cloning.audio, "_decode_all", None)

    with pytest.raises(NotAudio, match="beyond any recording"):
        await prepare(tmp_path, _flac_stating(MAX_STATED_SECONDS + 60, 6.0))


async def test_a_stated_length_within_reason_is_measured_as_before(tmp_path: Path):
    with pytest.raises(NotAudio, match="cut short"):  # the same crafted file, stating an hour: decoded and judged
        await prepare(tmp_path, _flac_stating(3600, 6.0))


def test_first_sound_is_found_to_the_window(tmp_path: Path):
    path = write(tmp_path, encode_tone("wav", 4.0, silence_seconds=1.5))

    assert _first_sound_seconds(path, 8000) == pytest.approx(1.5, abs=0.05)
    assert _first_sound_seconds(write(tmp_path, encode_tone("wav", 2.0, silence_seconds=2.0), "quiet"), 8000) is None


async def test_webm_without_a_duration_header_is_measured_by_decoding(tmp_path: Path):
    data = encode_tone("webm-opus", 12.0, seekable=False)
    with av.open(io.BytesIO(data)) as container:  # as from a browser: nothing states the length
        assert container.duration is None and container.streams.audio[0].duration is None

    prepared = await prepare(tmp_path, data)

    assert prepared.info.container == "webm"
    assert prepared.info.duration_seconds == pytest.approx(12.0, abs=0.05)
    assert prepared.note is None


async def test_a_long_webm_without_a_duration_header_is_cut(tmp_path: Path):
    prepared = await prepare(tmp_path, encode_tone("webm-opus", 65.0, seekable=False))

    assert prepared.note is AudioNote.EXCERPT
    # Decoding stops past the 60 s maximum, and nothing states the length: it is known to be over 60 s.
    assert prepared.original_seconds > 60 and not prepared.length_known


async def test_slacks_duration_is_used_when_given(tmp_path: Path):
    with pytest.raises(TooShort) as caught:
        await prepare(tmp_path, encode_tone("m4a", 12.0), declared_duration_ms=3000)
    assert caught.value.duration_seconds == 3.0

    prepared = await prepare(tmp_path, encode_tone("m4a", 9.5), declared_duration_ms=10_500)
    assert (prepared.note, prepared.original_seconds) == (None, 10.5)
    assert prepared.info.duration_seconds == pytest.approx(9.5, abs=0.1)


async def test_a_file_holding_far_less_than_slack_says_is_cut(tmp_path: Path):
    cut = encode_tone("wav", 12.0)[:40_000]  # WAV and Ogg state no length of their own beyond what the bytes hold

    with pytest.raises(NotAudio, match=r"cut short: 12\.0 s declared"):
        await prepare(tmp_path, cut, declared_duration_ms=12_000)
    with pytest.raises(TooShort):
        await prepare(tmp_path, cut)


async def test_a_damaged_stretch_is_not_audio_but_a_glitch_is_tolerated(tmp_path: Path):
    original = encode_tone("mp3", 12.0)
    middle = len(original) // 3

    def damaged(share: float) -> bytes:
        size = int(len(original) * share)
        return original[:middle] + _garbage(size) + original[middle + size :]

    with pytest.raises(NotAudio, match="cut short"):
        await prepare(tmp_path, damaged(0.3))
    assert (await prepare(tmp_path, damaged(0.01), "glitch")).info.duration_seconds == pytest.approx(12.0, abs=0.3)


def _garbage(size: int) -> bytes:
    return random.Random(size).randbytes(size)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        pytest.param(lambda: b"", "voice.mp3", id="zero-bytes"),
        pytest.param(lambda: _garbage(64_000), "voice.mp3", id="random-bytes"),
        pytest.param(lambda: b"Meeting notes\n" * 500, "voice.m4a", id="text"),
        pytest.param(lambda: b"%PDF-1.4\n" + b"0" * 4000, "voice.wav", id="pdf"),
        pytest.param(lambda: encode_tone("m4a", 12.0)[:2048], "voice.m4a", id="truncated-m4a"),
        pytest.param(lambda: encode_tone("mp3", 12.0)[:2048], "voice.mp3", id="truncated-mp3"),
        pytest.param(lambda: encode_tone("flac", 12.0)[:4096] + _garbage(60_000), "voice.flac", id="flac-garbage"),
        pytest.param(lambda: encode_tone("ogg-opus", 12.0)[:1024] + _garbage(20_000), "voice.ogg", id="ogg-garbage"),
        pytest.param(lambda: encode_tone("mp3", 12.0)[:1024] + _garbage(40_000), "voice.mp3", id="mp3-garbage"),
    ],
)
async def test_what_is_not_usable_audio_is_not_audio(tmp_path: Path, make, name: str):
    path = write(tmp_path, make(), name)

    with pytest.raises(NotAudio) as caught:
        await prepare_audio(path, tmp_path, LIMITS, declared_duration_ms=12_000)
    assert isinstance(caught.value, AudioProblem) and caught.value.cause
