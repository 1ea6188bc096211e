"""What every figure reports with: a row of the table, milliseconds, percentiles, the bot's CPU."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class CpuUse:
    """CPU seconds of the bot (or of several bots together): the event-loop thread and every other thread."""

    loop: float = 0.0
    others: float = 0.0

    @property
    def total(self) -> float:
        return self.loop + self.others

    def __add__(self, other: CpuUse) -> CpuUse:
        return CpuUse(self.loop + other.loop, self.others + other.others)

    def per(self, count: int) -> CpuUse:
        return CpuUse(self.loop / count, self.others / count)

    def __str__(self) -> str:
        return f"{ms(self.total)} (event loop {ms(self.loop)}, other threads {ms(self.others)})"


class CpuMeter:
    """CPU the bot spends from construction to stop() (utime + stime from /proc): event-loop thread and other
    threads apart."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.loop, self.others = cpu_split(pid)

    def stop(self, per: int = 1) -> CpuUse:
        loop, others = cpu_split(self.pid)
        return CpuUse(loop - self.loop, others - self.others).per(per)


def _ticks(pid: int) -> tuple[int, int, int]:
    """(parent pid, utime + stime, cutime + cstime) of `pid`, in clock ticks (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def tree_cpu(root: int) -> float:
    """CPU seconds of process `root`, of its children now alive, and of those it has reaped (a PostgreSQL cluster:
    the postmaster and its backends)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent, own, reaped = _ticks(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        if int(entry.name) == root:
            total += own + reaped
        elif parent == root:
            total += own
    return total / os.sysconf("SC_CLK_TCK")


def latency_text(values: list[float]) -> str:
    return (
        f"p50 {ms(percentile(values, 50))} · p99 {ms(percentile(values, 99))} · max {ms(max(values))} "
        f"({len(values)} acks)"
    )
