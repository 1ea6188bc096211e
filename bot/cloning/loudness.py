"""Integrated loudness as ITU-R BS.1770-4 defines it, measured as the audio streams by. The K-weighting is done by
FFmpeg's own biquad filters (`K_WEIGHTING`: a +4 dB high shelf at 1.5 kHz, Q 0.707, and a 38 Hz high pass, Q 0.5:
the standard's two stages, with the parameters pyloudnorm designs them from, so no numerical library is loaded for
two filters); here the mean square of each 100 ms of the weighted signal is kept, and the 400 ms blocks are gated at
the end (-70 LUFS, then 10 LU under what passed). One channel: the caller mixes. Knows nothing of Slack."""

from __future__ import annotations

import numpy as np

# FFmpeg filters, in order, and their options.
K_WEIGHTING = (("highshelf", "f=1500:g=4:t=q:w=0.7071067811865476"), ("highpass", "f=38:t=q:w=0.5"))
_SUB_BLOCK_SECONDS = 0.1  # BS.1770's 400 ms gating blocks step by 100 ms, so each is four of these
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0


class LoudnessMeter:
    """Feed K-weighted samples at `rate` with `add`; `integrated()` once they are all in."""

    def __init__(self, rate: int) -> None:
        self.sub_block = round(rate * _SUB_BLOCK_SECONDS)
        self.sub_blocks: list[float] = []  # the mean square of each 100 ms
        self.pending = np.zeros(0, dtype=np.float32)

    def add(self, weighted: np.ndarray) -> None:
        weighted = np.concatenate([self.pending, weighted]) if self.pending.size else weighted
        whole = weighted.size - weighted.size % self.sub_block
        squares = weighted[:whole].reshape(-1, self.sub_block)
        self.sub_blocks.extend(np.einsum("ij,ij->i", squares, squares, dtype=np.float64) / self.sub_block)
        self.pending = weighted[whole:].copy()

    def integrated(self) -> float | None:
        """The integrated loudness in LUFS, or None when every block lies under the absolute gate (or there is
        less than 400 ms)."""
        powers = np.array(self.sub_blocks)
        if powers.size < 4:
            return None
        blocks = np.convolve(powers, np.full(4, 0.25), "valid")
        blocks = blocks[_lufs(blocks) > _ABSOLUTE_GATE_LUFS]
        if not blocks.size:
            return None
        blocks = blocks[_lufs(blocks) > _lufs(blocks.mean()) + _RELATIVE_GATE_LU]
        return float(_lufs(blocks.mean()))


def _lufs(power: np.ndarray | float) -> np.ndarray:
    return -0.691 + 10 * np.log10(np.maximum(power, 1e-20))
