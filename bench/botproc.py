"""The bot as a real process (`python -m bot`), its memory and CPU read from /proc, and py-spy on it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

from tests.bot_process import REPO, answers_health_checks, process_env

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def status_kb(pid: int, key: str) -> int:
    """A `kB` line of /proc/<pid>/status, e.g. VmRSS (resident now) or VmHWM (peak resident)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def reset_peak(pid: int) -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0, writing 5 to clear_refs); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _stat_cpu_seconds(stat: Path) -> float:
    """utime + stime of a /proc stat file, in seconds."""
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the whole process so far (/proc/PID/stat: every thread, ended ones included)."""
    return _stat_cpu_seconds(Path(f"/proc/{pid}/stat"))


def cpu_split(pid: int) -> tuple[float, float]:
    """CPU seconds so far of the main thread (the event loop) and of every other thread (executor, SQLite).

    The whole comes from /proc/PID/stat, which keeps the time of threads that have ended (a sum over
    /proc/PID/task/*/stat would lose it); the event loop's share from /proc/PID/task/PID/stat."""
    total = cpu_seconds(pid)
    loop = _stat_cpu_seconds(Path(f"/proc/{pid}/task/{pid}/stat"))
    return loop, total - loop


class RssSampler:
    """Samples VmRSS every `interval` seconds; `peak_kb` also takes VmHWM into account (sampling can miss a spike)."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid = pid
        self.interval = interval
        self.max_kb = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            self.max_kb = max(self.max_kb, status_kb(self.pid, "VmRSS"))
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> int:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        return max(self.max_kb, status_kb(self.pid, "VmHWM"))


class Bot:
    """`python -m bot` on 127.0.0.1:<free port>, output to a log file (a pipe nobody reads would fill and stall it)."""

    def __init__(self, settings: dict[str, str], workdir: Path, name: str, prototypes: str = "") -> None:
        self.port = free_port()
        # `python -m bench.prototypes NAMES` is `python -m bot` with proposed fixes patched in (bench/prototypes.py).
        self.argv = ["-m", "bench.prototypes", prototypes] if prototypes else ["-m", "bot"]
        self.settings = {**settings, "PORT": str(self.port)}
        self.workdir = workdir
        self.log_path = workdir / f"bot-{name}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: asyncio.subprocess.Process | None = None
        self._log = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    async def start(self) -> None:
        self._log = self.log_path.open("wb")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.argv,
            cwd=self.workdir,
            env=process_env(self.settings),
            stdout=self._log,
            stderr=asyncio.subprocess.STDOUT,
        )
        if await answers_health_checks(self.url, self.process):
            return
        await self.stop()
        raise RuntimeError(f"the bot did not start; see {self.log_path}:\n{self.log_path.read_text()[-2000:]}")

    async def kill(self) -> None:
        """SIGKILL: the process ends without a word, as on a lost machine."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await self.stop()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 30)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


class PySpy:
    """`py-spy record` attached to a pid until stopped; collapsed stacks (one per thread) go to `path`."""

    def __init__(self, pid: int, path: Path, rate: int = 250) -> None:
        self.pid = pid
        self.path = path
        self.rate = rate
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        py_spy = Path(sys.executable).with_name("py-spy")
        self.process = await asyncio.create_subprocess_exec(
            str(py_spy) if py_spy.exists() else "py-spy",
            "record",
            "--pid",
            str(self.pid),
            "--rate",
            str(self.rate),
            "--format",
            "raw",
            "--threads",
            "--nonblocking",
            "--output",
            str(self.path),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            cwd=REPO,
        )
        await asyncio.sleep(0.5)  # attach before the work starts

    async def stop(self) -> None:
        if self.process is None:
            return
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
