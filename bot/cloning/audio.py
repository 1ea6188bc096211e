"""Know the audio before it leaves Slack: what it really is, how long it lasts, and what to send.

Everything is judged from the bytes with FFmpeg (PyAV), never from a file name or a declared type. Blocking work runs
in a thread, and audio is decoded packet by packet, so memory stays small whatever the file's length. Knows nothing of
Slack.
"""

from __future__ import annotations

import asyncio
import io
import math
import operator
import wave
from array import array
from collections.abc import Generator
from contextlib import closing
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import BinaryIO

import av
from av.stream import Disposition

from bot.audio_formats import AUDIO_FORMATS, AudioFormat

# FFmpeg demuxer name -> the format (see bot.audio_formats): our name for it, the extension and content type RevRing
# is sent, and the codecs accepted in it.
_CONTAINERS: dict[str, AudioFormat] = {kind.demuxer: kind for kind in AUDIO_FORMATS}

EXCERPT_NAME = "excerpt.wav"
_EXCERPT_MAX_RATE = 48_000
_SOUND_THRESHOLD_DBFS = -40.0
_SOUND_WINDOW_SECONDS = 0.05
# More than this share of packets failing to decode means the file is damaged, not just a glitch or two.
_MAX_BAD_PACKET_SHARE = 0.1
# Audio that decodes to less than this share of the length its container (or the caller) states is cut or damaged.
_MIN_HELD_SHARE = 0.75
# No recording worth cloning from states a longer length; one that does is refused before anything is decoded (a
# silent FLAC of 25 MB states about 50 hours, and would otherwise be decoded for minutes).
MAX_STATED_SECONDS = 10 * 3600


class AudioProblem(Exception):
    """The audio can't be used as it is; `cause` is for logs."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class NotAudio(AudioProblem):
    """The bytes are not audio we can use: another kind of file, or audio that is empty, corrupt or cut short."""


class TooShort(AudioProblem):
    """Real audio, but too little of it to clone a voice from."""

    def __init__(self, duration_seconds: float, min_seconds: float) -> None:
        super().__init__(f"{duration_seconds:.1f} s of audio is under the {min_seconds:g} s minimum")
        self.duration_seconds = duration_seconds
        self.min_seconds = min_seconds


@dataclass(frozen=True)
class AudioLimits:
    """How long a voice sample may be (seconds); longer than `max_seconds` is cut to `excerpt_seconds`."""

    min_seconds: float = 5.0
    ideal_min_seconds: float = 10.0
    ideal_max_seconds: float = 30.0
    max_seconds: float = 60.0
    excerpt_seconds: float = 30.0

    def __post_init__(self) -> None:
        if not 0 < self.min_seconds <= self.ideal_min_seconds <= self.ideal_max_seconds <= self.max_seconds:
            raise ValueError(f"audio limits out of order: {self}")
        if not self.min_seconds <= self.excerpt_seconds <= self.max_seconds:
            raise ValueError(f"excerpt length must lie between the minimum and the maximum: {self}")


@dataclass(frozen=True)
class AudioInfo:
    container: str
    codec: str
    extension: str
    content_type: str
    duration_seconds: float | None


class AudioNote(Enum):
    """Something the person should be told about audio that was used anyway."""

    OUTSIDE_IDEAL = "outside_ideal"  # within the limits, but outside the ideal range (10–30 s works best)
    EXCERPT = "excerpt"  # longer than the maximum: an excerpt was cut and is what gets sent


@dataclass(frozen=True)
class PreparedAudio:
    """The file to send (the original, or an excerpt in the work directory), what it is, and what to tell."""

    path: Path
    info: AudioInfo
    note: AudioNote | None
    original_seconds: float  # at least this long when `length_known` is False
    length_known: bool = True


async def prepare_audio(
    path: Path,
    workdir: Path,
    limits: AudioLimits,
    *,
    declared_duration_ms: int | None = None,
    excerpt_name: str = EXCERPT_NAME,
) -> PreparedAudio:
    """Check the audio at `path` against `limits`; audio that is too long is cut to an excerpt in `workdir`, named
    `excerpt_name`.

    `declared_duration_ms` (e.g. Slack's `duration_ms`) is trusted for the length when given; otherwise the audio is
    measured. Raises `NotAudio` or `TooShort`.
    """
    return await asyncio.to_thread(_prepare, path, workdir / excerpt_name, limits, declared_duration_ms)


@dataclass(frozen=True)
class _Probe:
    info: AudioInfo
    decoded_seconds: float
    sample_rate: int
    complete: bool  # False when decoding stopped early, the audio being known to be long enough to cut
    length_known: bool  # decoded to the end, or the container states its length


def _prepare(path: Path, excerpt: Path, limits: AudioLimits, declared_duration_ms: int | None) -> PreparedAudio:
    if declared_duration_ms is not None and declared_duration_ms / 1000 > MAX_STATED_SECONDS:
        raise NotAudio(f"declared length {declared_duration_ms / 1000:.0f} s is beyond any recording we take")
    # Past the maximum an excerpt is cut anyway, so a long file need not be decoded to its end.
    probe = _probe(path, stop_after=limits.max_seconds + 1)
    if declared_duration_ms is not None and declared_duration_ms > 0:
        seconds = declared_duration_ms / 1000
        held = probe.decoded_seconds
        if probe.complete and held < seconds * _MIN_HELD_SHARE:
            what = f"{probe.info.container}/{probe.info.codec}"
            raise NotAudio(f"{what} is cut short: {seconds:.1f} s declared, {held:.1f} s held")
    else:
        seconds = probe.info.duration_seconds or probe.decoded_seconds
    if seconds < limits.min_seconds:
        raise TooShort(seconds, limits.min_seconds)
    if seconds <= limits.max_seconds:
        ideal = limits.ideal_min_seconds <= seconds <= limits.ideal_max_seconds
        return PreparedAudio(path, probe.info, None if ideal else AudioNote.OUTSIDE_IDEAL, seconds)

    rate = min(probe.sample_rate, _EXCERPT_MAX_RATE)
    excerpt.parent.mkdir(parents=True, exist_ok=True)
    if excerpt == path:
        excerpt = excerpt.with_name(f"cut-{excerpt.name}")
    # Start where the sound starts, but early enough that the excerpt is full length when the file allows it, and
    # within the first `max_seconds`: the sound is looked for only where the excerpt could start, so a long silent
    # file costs a minute of decoding, not its whole length.
    latest_start = min(limits.max_seconds, max(0.0, max(seconds, probe.decoded_seconds) - limits.excerpt_seconds))
    try:
        sound = _first_sound_seconds(path, rate, within_seconds=latest_start)
        start = latest_start if sound is None else min(sound, latest_start)
        _write_wav(path, excerpt, rate, start, limits.excerpt_seconds)
    except av.FFmpegError as error:
        raise NotAudio(f"FFmpeg {type(error).__name__} while cutting an excerpt: {error.strerror}") from None
    known = probe.length_known or (declared_duration_ms is not None and declared_duration_ms > 0)
    return PreparedAudio(excerpt, _probe(excerpt).info, AudioNote.EXCERPT, seconds, known)


async def identify_audio(data: bytes) -> AudioInfo:
    """What audio in memory really is (container, codec, the extension and content type that name it, length),
    judged from the bytes as a shared file is. Raises `NotAudio`."""
    return (await asyncio.to_thread(_probe_file, io.BytesIO(data))).info


def _probe(path: Path, stop_after: float | None = None) -> _Probe:
    """Open from the bytes alone (a file object, so FFmpeg gets no name to guess from) and decode every packet,
    or those of the first `stop_after` seconds."""
    with path.open("rb") as file:
        return _probe_file(file, stop_after)


def _probe_file(file: BinaryIO, stop_after: float | None = None) -> _Probe:
    head = file.read(12)
    if not head:
        raise NotAudio("empty file")
    file.seek(0)
    try:
        with av.open(file, mode="r", container_options=_open_options(head)) as container:
            demuxer = container.format.name
            kind = _CONTAINERS.get(demuxer)
            if kind is None:
                raise NotAudio(f"container {demuxer!r} is not an audio format we accept")
            if not container.streams.audio:
                raise NotAudio(f"{kind.name} file has no audio stream")
            if any(not stream.disposition & Disposition.attached_pic for stream in container.streams.video):
                raise NotAudio(f"{kind.name} file has a video track")
            stream = container.streams.audio[0]
            codec = stream.codec_context.codec.canonical_name
            if codec not in kind.codecs:
                raise NotAudio(f"{codec} audio in {kind.name} is not a combination we accept")
            claimed = _claimed_seconds(container, stream)
            if claimed is not None and claimed > MAX_STATED_SECONDS:
                raise NotAudio(f"{kind.name}/{codec} states {claimed:.0f} s, beyond any recording we take")
            pcm_rate = stream.codec_context.sample_rate if codec.startswith("pcm_") else 0
            if pcm_rate and claimed is not None:
                # Plain PCM has nothing to find by decoding (any bytes are samples), and its container's length is
                # what the file holds (FFmpeg measures a WAV by its bytes, not by what its header says): a WAV's
                # check no longer reads it through.
                decoded, sample_rate, complete = claimed, pcm_rate, True
            else:
                decoded, sample_rate, complete = _decode_all(container, stream, f"{kind.name}/{codec}", stop_after)
    except av.FFmpegError as error:
        raise NotAudio(f"FFmpeg {type(error).__name__}: {error.strerror}") from None
    if complete:
        duration = _measured_seconds(claimed, decoded, f"{kind.name}/{codec}")
    else:
        duration = max(claimed or 0.0, decoded)
    info = AudioInfo(kind.name, codec, kind.extension, kind.content_type, duration)
    return _Probe(info, decoded, sample_rate, complete, complete or claimed is not None)


def _open_options(head: bytes) -> dict[str, str]:
    """A WAV (RIFF/RIFX … WAVE) is opened reading no more than 4 KiB to identify its codec: for 16-bit PCM FFmpeg
    otherwise probes up to 32 packets for compressed audio stored as PCM, probing each longer stretch again (two
    thirds of the check of a 10 s WAV). Such audio shows in the first packet already; other formats as FFmpeg
    chooses."""
    if head[:4] in (b"RIFF", b"RIFX") and head[8:12] == b"WAVE":
        return {"probesize": "4096"}
    return {}


def _claimed_seconds(container: av.container.InputContainer, stream: av.AudioStream) -> float | None:
    """The length the container states; WebM from a browser's MediaRecorder often states none."""
    if container.duration is not None and container.duration > 0:
        return container.duration / av.time_base
    if stream.duration is not None and stream.duration > 0 and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return None


def _decode_all(
    container: av.container.InputContainer, stream: av.AudioStream, what: str, stop_after: float | None = None
) -> tuple[float, int, bool]:
    """Decode packet by packet, counting seconds of audio; a damaged packet or two is tolerated, a damaged file not.

    Returns the seconds decoded, the sample rate, and whether the whole stream was decoded."""
    seconds = 0.0
    complete = True
    sample_rate = 0
    packets = bad = 0
    for packet in container.demux(stream):
        if packet.size:
            packets += 1
        try:
            frames = packet.decode()
        except av.InvalidDataError:
            bad += 1
            continue
        for frame in frames:
            if frame.sample_rate:
                seconds += frame.samples / frame.sample_rate
                sample_rate = sample_rate or frame.sample_rate
        if stop_after is not None and seconds > stop_after:
            complete = False
            break
    if not sample_rate or seconds <= 0:
        raise NotAudio(f"{what} has no decodable audio")
    if bad > packets * _MAX_BAD_PACKET_SHARE:
        raise NotAudio(f"{what}: {bad} of {packets} packets would not decode")
    return seconds, sample_rate, complete


def _measured_seconds(claimed: float | None, decoded: float, what: str) -> float:
    """The container's length when the audio bears it out, else the decoded length; far less audio is a cut file."""
    if claimed is None:
        return decoded
    if decoded < claimed * _MIN_HELD_SHARE:
        raise NotAudio(f"{what} is cut short: {claimed:.1f} s stated, {decoded:.1f} s held")
    if abs(decoded - claimed) <= max(0.5, claimed * 0.1):
        return claimed
    return decoded


def _pcm(path: Path, rate: int) -> Generator[bytes, None, None]:
    """The audio as 16-bit mono PCM at `rate`, a decoded frame at a time."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=rate)
    with path.open("rb") as file, av.open(file, mode="r") as container:
        stream = container.streams.audio[0]
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.InvalidDataError:
                continue
            for frame in frames:
                for out in resampler.resample(frame):
                    yield bytes(out.planes[0])[: out.samples * 2]
        for out in resampler.resample(None):
            yield bytes(out.planes[0])[: out.samples * 2]


def _first_sound_seconds(path: Path, rate: int, within_seconds: float | None = None) -> float | None:
    """Where the level first rises above the threshold (RMS over short windows), or None if it never does (within
    the first `within_seconds`, when given: decoding stops there)."""
    window = max(1, int(rate * _SOUND_WINDOW_SECONDS))
    threshold = (32768 * 10 ** (_SOUND_THRESHOLD_DBFS / 20)) ** 2 * window  # a window's sum of squares
    last_window = None if within_seconds is None else math.ceil(within_seconds * rate / window)
    pending = bytearray()
    windows = 0
    with closing(_pcm(path, rate)) as chunks:
        for chunk in chunks:
            if last_window is not None and windows > last_window:
                return None
            pending += chunk
            while len(pending) >= window * 2:
                samples = array("h", pending[: window * 2])
                del pending[: window * 2]
                if sum(map(operator.mul, samples, samples)) > threshold:
                    return windows * window / rate
                windows += 1
    return None


def _write_wav(source: Path, dest: Path, rate: int, start_seconds: float, seconds: float) -> None:
    """Write `seconds` of the source from `start_seconds` as a 16-bit mono PCM WAV."""
    skip = math.floor(start_seconds * rate) * 2
    remaining = math.floor(seconds * rate) * 2
    with wave.open(str(dest), "wb") as out, closing(_pcm(source, rate)) as chunks:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        for chunk in chunks:
            if skip >= len(chunk):
                skip -= len(chunk)
                continue
            piece = chunk[skip : skip + remaining]
            skip = 0
            out.writeframes(piece)
            remaining -= len(piece)
            if remaining <= 0:
                break
