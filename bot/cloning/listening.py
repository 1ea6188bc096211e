"""Listening to a recording as a sound engineer would: how much of it is speech, how loud it is, how high its peaks
go, how much noise lies under it and how wide its sound is. One pass over the decoded audio, a frame at a time: a few
numbers per 30 ms are kept, never the audio itself. Blocking (run it in a thread); knows nothing of Slack, nor of
what is good enough (`bot.cloning.quality` judges the numbers).

Speech, loudness, noise and bandwidth are measured on a 16 kHz mono copy (the channels averaged): WebRTC's voice
activity detector takes 16 kHz, and a voice has next to no energy above 8 kHz. Peaks and clipping are measured on
the samples as decoded, every channel, and the true peak on the mono mix oversampled 4×.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import webrtcvad

from bot.cloning.loudness import K_WEIGHTING, LoudnessMeter
from bot.recording import Measures

RATE = 16_000  # speech, loudness, noise and bandwidth are measured at this rate
_BLOCK_SECONDS = 1.0  # decoded audio is measured a second at a time
_LOW_BLOCK = 38_400  # 2.4 s at RATE: whole 30 ms frames and 32 ms spectra
_FRAME = 480  # 30 ms at RATE: WebRTC VAD's longest frame, and the unit of speech, pauses and the noise floor
_FFT = 512  # 32 ms spectra for the long-term spectrum (31.25 Hz a bin)
_VAD_MODE = 3  # the most reluctant to call noise speech
_CLIP_LEVEL = 0.99  # a sample this close to full scale (-0.09 dBFS) counts as clipped
_NOISE_PERCENTILE = 10  # the noise floor: the level of the quietest tenth of the 30 ms frames
_SILENCE_DBFS = -100.0  # what digital silence is reported as (below the 16-bit floor)
_SPECTRUM_STRIDE = 2  # every other 32 ms spectrum is enough for the long-term one (within half a dB)
_HIGH_BAND_HZ = 4_000  # a phone line carries up to 3.4 kHz (narrowband) at 8 kHz
# True peak (BS.1770 Annex 2): 4× oversampling by a polyphase FIR, 12 taps a phase.
_OVERSAMPLE = 4
_TAPS = 48
# FFmpeg sample format (planar or not) -> numpy type, the value of silence and of full scale.
_SAMPLE_TYPES: dict[str, tuple[type, float, float]] = {
    "u8": (np.uint8, 128.0, 128.0),
    "s16": (np.int16, 0.0, 32768.0),
    "s32": (np.int32, 0.0, 2.0**31),
    "flt": (np.float32, 0.0, 1.0),
    "dbl": (np.float64, 0.0, 1.0),
}
# A block whose sample peak lies this far below the highest true peak so far cannot hold the true peak (4×
# oversampling finds at most about 3 dB between samples), so it is not oversampled: most blocks of speech are not.
_TRUE_PEAK_HEADROOM = 10 ** (-4 / 20)
_TRUE_PEAK_STRIDE = 64  # at most one crest looked around in this many samples
_TRUE_PEAK_CANDIDATES = 64  # and at most this many a block


def listen(path: Path) -> Measures:
    """Decode the audio at `path` (its first audio stream) and measure it. Raises av.FFmpegError for audio that
    cannot be decoded."""
    # A small probe: the audio checks have read this file already, and FFmpeg would otherwise read up to 5 MB of a
    # WAV (all of a 30 s one) just to learn what its header says.
    with path.open("rb") as file, av.open(file, mode="r", options={"probesize": "32768"}) as container:
        stream = container.streams.audio[0]
        ears: _Ears | None = None
        for packet in container.demux(stream):
            try:
                frames = packet.decode()
            except av.InvalidDataError:
                continue  # a damaged packet or two: the audio checks decide whether the file is usable
            for frame in frames:
                if ears is None:
                    ears = _Ears(frame.sample_rate)
                ears.hear(frame)
        if ears is None:
            raise av.InvalidDataError(0, "no audio decoded")
        return ears.measures()


Reader = Callable[[av.AudioFrame], np.ndarray]


def _reader(frame: av.AudioFrame) -> Reader:
    """How to read frames like this one as float channels × samples: straight from their planes when numpy knows
    the sample format (to_ndarray costs more per call than the conversion itself, for a decoder's 20 ms frames),
    else through FFmpeg's resampler."""
    kind = _SAMPLE_TYPES.get(frame.format.name.removesuffix("p"))
    if kind is None:
        planar = av.AudioResampler(format="fltp")
        return lambda frame: np.concatenate(
            [_reader(out)(out) for out in planar.resample(frame)] or [np.zeros((1, 0), dtype=np.float32)], axis=1
        )
    dtype, zero, full_scale = kind
    channels = len(frame.layout.channels)

    def read(frame: av.AudioFrame) -> np.ndarray:
        if frame.format.is_planar:
            planes = frame.planes[:channels]
            raw: np.ndarray = np.stack(
                [np.frombuffer(memoryview(plane), dtype=dtype, count=frame.samples) for plane in planes]
            )
        else:
            raw = np.frombuffer(memoryview(frame.planes[0]), dtype=dtype, count=frame.samples * channels)
            raw = raw.reshape(-1, channels).T
        return ((raw.astype(np.float32) - zero) / full_scale).astype(np.float32, copy=False)

    if dtype is np.float32 and frame.format.is_planar and channels == 1:  # AAC, Opus, Vorbis, MP3 in mono
        return lambda frame: np.frombuffer(memoryview(frame.planes[0]), dtype=np.float32, count=frame.samples)[None]
    return read


class _LowRate:
    """One FFmpeg filter graph for the mono mix: resampled to RATE (a short filter, 8 taps a phase rather than FFmpeg's
    32: the measures move by half a dB at most, and it costs a third less), then split into 16-bit samples
    and a K-weighted copy (BS.1770's two filters, `loudness.K_WEIGHTING`) as float."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate, self.pts = sample_rate, 0
        graph = self.graph = av.filter.Graph()
        self.source = graph.add_abuffer(
            format="fltp", sample_rate=sample_rate, layout="mono", time_base=Fraction(1, sample_rate)
        )
        split = graph.add("asplit", "2")
        pcm = [graph.add("aformat", "sample_fmts=s16"), graph.add("abuffersink")]
        weighted = [
            *(graph.add(name, options) for name, options in K_WEIGHTING),
            graph.add("aformat", "sample_fmts=flt"),
            graph.add("abuffersink"),
        ]
        resample = graph.add("aresample", f"{RATE}:filter_size=8")
        self.source.link_to(resample)
        resample.link_to(split)
        for output, chain in enumerate((pcm, weighted)):
            split.link_to(chain[0], output)
            for source, sink in itertools.pairwise(chain):
                source.link_to(sink)
        self.sinks = (pcm[-1], weighted[-1])
        graph.configure()

    def push(self, mix: np.ndarray | None) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Push a block of the mix (None: the end); take the 16-bit and the weighted samples that are ready."""
        if mix is None:
            self.source.push(None)
        else:
            frame = av.AudioFrame.from_ndarray(mix.reshape(1, -1), format="fltp", layout="mono")
            frame.sample_rate, frame.pts = self.sample_rate, self.pts
            frame.time_base = Fraction(1, self.sample_rate)
            self.pts += mix.size
            self.source.push(frame)
        return _drain(self.sinks[0], np.int16), _drain(self.sinks[1], np.float32)


def _drain(sink: av.filter.context.FilterContext, dtype: type) -> list[np.ndarray]:
    ready: list[np.ndarray] = []
    while True:
        try:
            frame = sink.pull()
        except (av.BlockingIOError, av.EOFError):
            return ready
        assert isinstance(frame, av.AudioFrame)
        ready.append(np.frombuffer(memoryview(frame.planes[0]), dtype=dtype, count=frame.samples))


class _Ears:
    """The running measurement. Decoded audio is gathered into one-second blocks (FFmpeg's resampler and numpy
    cost little per sample but much per call, and decoders hand out 20 ms frames); each block updates a few sums
    and a few numbers per 30 ms frame."""

    def __init__(self, sample_rate: int) -> None:
        self.sample_rate = sample_rate
        # At the decoded rate.
        self.sample_format = ""  # of the frames `read` reads
        self.read: Reader | None = None
        self.block_size = int(sample_rate * _BLOCK_SECONDS)
        self.native: list[np.ndarray] = []  # channels × samples, gathered until a block is full
        self.native_size = 0
        self.frames = 0  # samples of one channel
        self.samples = 0  # of every channel
        self.clipped = 0
        self.sample_peak = 0.0
        self.true_peak = 0.0
        prototype = _interpolation_filter()
        # phase p of the output at input sample n: sum over k of taps[p][k] * x[n - k]
        self.taps = np.stack([prototype[phase::_OVERSAMPLE] for phase in range(_OVERSAMPLE)]).T[::-1].copy()
        self.history = np.zeros(self.taps.shape[0] - 1, dtype=np.float32)
        self.to_low = _LowRate(sample_rate)
        # At RATE.
        self.low: list[np.ndarray] = []
        self.low_size = 0
        self.vad = webrtcvad.Vad(_VAD_MODE)
        self.frame_power: list[float] = []  # mean square of each 30 ms frame
        self.frame_speech: list[bool] = []
        self.loudness = LoudnessMeter(RATE)
        self.spectrum = np.zeros(_FFT // 2 + 1)
        self.window = np.hanning(_FFT).astype(np.float32)

    def hear(self, frame: av.AudioFrame) -> None:
        """A decoded frame, kept for the next block."""
        if self.read is None or frame.format.name != self.sample_format:  # a stream may change format midway
            self.sample_format, self.read = frame.format.name, _reader(frame)
        samples = self.read(frame)
        self.native.append(samples)
        self.native_size += samples.shape[1]
        if self.native_size >= self.block_size:
            self._native_block()

    def _take_low(self, mix: np.ndarray | None) -> None:
        """The mix (None: the end) through `_LowRate`: its K-weighted copy to the loudness meter, its 16-bit copy
        gathered into blocks."""
        pcm, weighted = self.to_low.push(mix)
        for samples in weighted:
            self.loudness.add(samples)
        for samples in pcm:
            self.low.append(samples)
            self.low_size += samples.size
        if self.low_size >= _LOW_BLOCK:
            block = np.concatenate(self.low)
            whole = block.size - block.size % _LOW_BLOCK
            self._low_block(block[:whole])
            self.low, self.low_size = [block[whole:]], block.size - whole

    def _native_block(self) -> None:
        """Peaks and clipping on every channel as decoded; the true peak on their average, oversampled 4× around
        the samples that could lead to it."""
        if not self.native:
            return
        samples = np.concatenate(self.native, axis=1)
        self.native, self.native_size = [], 0
        magnitude = np.abs(samples)
        peak = float(magnitude.max(initial=0.0))
        self.frames += samples.shape[1]
        self.samples += samples.size
        if peak >= _CLIP_LEVEL:
            self.clipped += int(np.count_nonzero(magnitude >= _CLIP_LEVEL))
        self.sample_peak = max(self.sample_peak, peak)
        # The channels' average (FFmpeg's own downmix would add 3 dB to a stereo file whose channels match).
        mono = samples.shape[0] == 1
        mix = samples[0] if mono else samples.mean(axis=0, dtype=np.float32)
        padded = np.concatenate([self.history, mix])
        self.history = padded[padded.size - self.history.size :]
        if peak >= self.true_peak * _TRUE_PEAK_HEADROOM:  # else nothing here comes near the highest peak so far
            self._true_peak(padded, magnitude[0] if mono else np.abs(mix))
        self._take_low(mix)

    def _true_peak(self, padded: np.ndarray, magnitude: np.ndarray) -> None:
        """`padded`: the mix after the last samples of the block before; `magnitude`: the mix's, without them."""
        taps = self.taps.shape[0]
        level = max(self.true_peak, float(magnitude.max(initial=0.0))) * _TRUE_PEAK_HEADROOM
        # The loudest sample of each 64 (1.3 ms at 48 kHz) that comes near the peak: the wave crests beside it.
        whole = magnitude.size - magnitude.size % _TRUE_PEAK_STRIDE
        strides = magnitude[:whole].reshape(-1, _TRUE_PEAK_STRIDE)
        crests = np.arange(strides.shape[0]) * _TRUE_PEAK_STRIDE + strides.argmax(axis=1)
        loud = np.concatenate([crests, np.arange(whole, magnitude.size)])
        loud = loud[magnitude[loud] >= level]
        if loud.size > _TRUE_PEAK_CANDIDATES:  # a loud or clipped block: its loudest crests will do
            loud = loud[np.argpartition(magnitude[loud], -_TRUE_PEAK_CANDIDATES)[-_TRUE_PEAK_CANDIDATES:]]
        loud += padded.size - magnitude.size  # as indices into `padded`
        # The output samples n (of the padded block) whose interpolated points lie around each crest (one twice,
        # now and then: no matter).
        near = (loud[:, None] + np.arange(taps // 2 - 2, taps // 2 + 3)).clip(taps - 1, padded.size - 1).ravel()
        windows = padded[near[:, None] + np.arange(-taps + 1, 1)]
        self.true_peak = max(self.true_peak, float(np.abs(windows @ self.taps).max(initial=0.0)))

    def _low_block(self, block: np.ndarray) -> None:
        """16-bit mono samples at RATE, whole 30 ms frames: speech, noise, loudness and the spectrum."""
        frames = block[: block.size - block.size % _FRAME]
        if not frames.size:
            return
        audio = frames.astype(np.float32) * np.float32(1 / 32768)
        per_frame = audio.reshape(-1, _FRAME)
        self.frame_power.extend(np.mean(per_frame * per_frame, axis=1).tolist())
        data = frames.tobytes()
        step = _FRAME * 2
        self.frame_speech.extend(self.vad.is_speech(data[at : at + step], RATE) for at in range(0, len(data), step))
        spectra = audio[: audio.size - audio.size % _FFT].reshape(-1, _FFT)[::_SPECTRUM_STRIDE]
        if spectra.size:
            self.spectrum += np.sum(np.abs(np.fft.rfft(spectra * self.window, axis=1)) ** 2, axis=0)

    def measures(self) -> Measures:
        self._native_block()
        self._take_low(None)
        if self.low:
            self._low_block(np.concatenate(self.low))
        power = np.array(self.frame_power)
        speech = np.array(self.frame_speech, dtype=bool)
        return Measures(
            seconds=self.frames / self.sample_rate,
            sample_rate=self.sample_rate,
            speech_seconds=float(np.count_nonzero(speech)) * _FRAME / RATE,
            longest_pause_seconds=_longest_run(~speech) * _FRAME / RATE,
            loudness_lufs=self.loudness.integrated(),
            true_peak_dbtp=_db(max(self.true_peak, self.sample_peak) ** 2),
            clipped_share=self.clipped / self.samples if self.samples else 0.0,
            noise_floor_dbfs=_db(float(np.percentile(power, _NOISE_PERCENTILE))) if power.size else _SILENCE_DBFS,
            speech_dbfs=_db(float(power[speech].mean())) if speech.any() else None,
            high_band_db=_high_band_db(self.spectrum),
        )


def _db(power: float) -> float:
    return _SILENCE_DBFS if power <= 10 ** (_SILENCE_DBFS / 10) else 10 * float(np.log10(power))


def _longest_run(flags: np.ndarray) -> int:
    """The most True values in a row."""
    longest = run = 0
    for flag in flags.tolist():
        run = run + 1 if flag else 0
        longest = max(longest, run)
    return longest


def _interpolation_filter() -> np.ndarray:
    """The 4× oversampling low pass (cut at the original Nyquist frequency): a Hamming-windowed sinc, unity gain
    at 0 Hz for each of the 4 phases."""
    taps = np.arange(_TAPS) - (_TAPS - 1) / 2
    prototype = np.sinc(taps / _OVERSAMPLE) * np.hamming(_TAPS)
    return (prototype * _OVERSAMPLE / prototype.sum()).astype(np.float32)


def _high_band_db(spectrum: np.ndarray) -> float:
    """How much of the long-term spectrum's energy lies above 4 kHz, in dB: a phone line carries nothing there."""
    total = float(spectrum[1:].sum())
    if total <= 0:
        return _SILENCE_DBFS
    return _db(float(spectrum[round(_HIGH_BAND_HZ * _FFT / RATE) :].sum()) / total)
