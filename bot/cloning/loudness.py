"""Integrated loudness as ITU-R BS.1770-4 defines it, measured as the audio streams by: the K-weighting is FFmpeg's
own biquad filters (a +4 dB high shelf at 1.5 kHz, Q 0.707, and a 38 Hz high pass, Q 0.5: the standard's two stages,
with the parameters pyloudnorm designs them from, so no numerical library has to be loaded for two filters), the mean
square of each 100 ms is kept, and the 400 ms blocks are gated at the end (-70 LUFS, then 10 LU under what passed).
One channel: the caller mixes. Blocking; knows nothing of Slack."""

from __future__ import annotations

import itertools
from fractions import Fraction

import av
import numpy as np

_SUB_BLOCK_SECONDS = 0.1  # BS.1770's 400 ms gating blocks step by 100 ms, so each is four of these
_K_WEIGHTING = (("highshelf", "f=1500:g=4:t=q:w=0.7071067811865476"), ("highpass", "f=38:t=q:w=0.5"))
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0


class LoudnessMeter:
    """Feed 16-bit mono blocks at `rate` with `add`; `integrated()` once they are all in."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.sub_block = round(rate * _SUB_BLOCK_SECONDS)
        self.sub_blocks: list[float] = []  # K-weighted mean square of each 100 ms
        self.pending = np.zeros(0, dtype=np.float32)
        self.pts = 0
        self.graph = av.filter.Graph()
        stages = [self.graph.add_abuffer(format="s16", sample_rate=rate, layout="mono", time_base=Fraction(1, rate))]
        stages += [self.graph.add(name, options) for name, options in _K_WEIGHTING]
        stages += [self.graph.add("aformat", "sample_fmts=flt"), self.graph.add("abuffersink")]
        for source, sink in itertools.pairwise(stages):
            source.link_to(sink)
        self.graph.configure()

    def add(self, samples: np.ndarray) -> None:
        """16-bit samples (numpy int16)."""
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate, frame.pts, frame.time_base = self.rate, self.pts, Fraction(1, self.rate)
        self.pts += samples.size
        self.graph.push(frame)
        self._drain()

    def integrated(self) -> float | None:
        """The integrated loudness in LUFS, or None when every block lies under the absolute gate (or there is
        less than 400 ms)."""
        self.graph.push(None)
        self._drain()
        powers = np.array(self.sub_blocks)
        if powers.size < 4:
            return None
        blocks = np.convolve(powers, np.full(4, 0.25), "valid")
        blocks = blocks[_lufs(blocks) > _ABSOLUTE_GATE_LUFS]
        if not blocks.size:
            return None
        blocks = blocks[_lufs(blocks) > _lufs(blocks.mean()) + _RELATIVE_GATE_LU]
        return float(_lufs(blocks.mean()))

    def _drain(self) -> None:
        while True:
            try:
                frame = self.graph.pull()
            except (av.BlockingIOError, av.EOFError):
                return
            assert isinstance(frame, av.AudioFrame)
            weighted = np.frombuffer(memoryview(frame.planes[0]), dtype=np.float32, count=frame.samples)
            weighted = np.concatenate([self.pending, weighted]) if self.pending.size else weighted
            whole = weighted.size - weighted.size % self.sub_block
            squares = weighted[:whole].reshape(-1, self.sub_block)
            self.sub_blocks.extend(np.einsum("ij,ij->i", squares, squares, dtype=np.float64) / self.sub_block)
            self.pending = weighted[whole:].copy()


def _lufs(power: np.ndarray | float) -> np.ndarray:
    return -0.691 + 10 * np.log10(np.maximum(power, 1e-20))
