"""What every figure reports with: a row of the table, milliseconds, percentiles, the bot's CPU."""

from __future__ import annotations

from dataclasses import dataclass

from bench.botproc import cpu_split


@dataclass
class Row:
    figure: str
    condition: str
    measured: str
    reference: str = "—"
    target: str = ""
    met: str = ""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p99 of 500 samples is the 5th largest)."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), -(-q * len(ordered) // 100)))
    return ordered[int(rank) - 1]


class CpuMeter:
    """CPU the bot spends from construction to stop(): event-loop thread and other threads apart."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.loop, self.others = cpu_split(pid)

    def stop(self, per: int = 1) -> str:
        loop, others = cpu_split(self.pid)
        loop, others = (loop - self.loop) / per, (others - self.others) / per
        return f"{ms(loop + others)} (event loop {ms(loop)}, other threads {ms(others)})"


def latency_text(values: list[float]) -> str:
    return (
        f"p50 {ms(percentile(values, 50))} · p99 {ms(percentile(values, 99))} · max {ms(max(values))} "
        f"({len(values)} acks)"
    )
