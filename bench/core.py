"""The options of a run and the harness every figure shares (`Bench`): the fakes of Slack and RevRing in this
process, the test audio, one HTTP session, and the helpers that start a bot, share a file, wait for clones and time
acks. Each figure is a module of its own that takes the `Bench` it uses (bench/ack.py, memory.py, end_to_end.py,
throughput.py, several.py; figure 6 is bench/quality.py); bench/run.py runs them and prints the table.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import shutil
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.audio import big_wav, long_mp3, small_wav
from bench.botproc import Bot, PySpy
from bench.fakes import BenchRevRing, BenchSlack, Clone
from bench.profiles import summarize
from bench.report import Row, ms, percentile
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, BotClient
from tests.doubles.fake_slack import HostedFile
from tests.postgres import Cluster

MB = 1024 * 1024
FIGURES = ("ack", "memory", "e2e", "throughput", "several", "quality")


@dataclass
class Options:
    ack_samples: int = 500  # acks measured while the N clones are held open
    ramp_samples: int = 100  # at least this many acks while the N clones start (the start is repeated as needed)
    in_flight: tuple[int, ...] = (0, 10, 50)
    pool_probe: int = 110  # figure 1, informative: clones in flight beyond the 100-connection pool (0: skip)
    slack_latency_samples: int = 100  # figure 1, informative: acks with the fake Web API answering in 100 ms
    mp3_clones: int = 4  # figure 1, informative: acks while this many 20 MB MP3s are checked
    memory_clones: int = 20
    memory_reps: int = 3  # fresh bot processes; the median growth is reported
    e2e_reps: int = 15
    throughput_clones: int = 100
    throughput_slots: tuple[str | None, ...] = (None, "32")  # None: the default MAX_CONCURRENT_CLONES (4)
    throughput_reps: int = 3  # fresh bot processes per setting; the median rate is reported
    profile_dir: Path | None = None
    profile_rate: int = 250
    prototypes: str = ""
    bot_env: dict[str, str] = field(default_factory=dict)
    only: frozenset[str] = frozenset(FIGURES)
    # figure 5 (several instances, bench/several.py); ack_samples acks per backend
    several_in_flight: int = 50
    several_rounds: int = 2  # fresh bots per backend for the acks, SQLite and PostgreSQL taking turns
    takeover_leases: tuple[tuple[int, int], ...] = ((30, 1), (5, 3))  # (JOB_LEASE_SECONDS, kills)
    several_clones: int = 100
    several_reps: int = 3
    cluster: Cluster | None = None  # the throwaway PostgreSQL cluster, started by main() when figure 5 runs
    clone_wait: float | None = None  # at most this long for any clone to finish (None: each figure's own timeout)
    quick: bool = False
    skipped: list[str] = field(default_factory=list)  # figures left out, and why (printed above the table)


# --quick: every figure, a handful of clones each (well under a minute on 2 cores); a smoke run, not a measurement.
QUICK = {
    "ack_samples": 20,
    "ramp_samples": 5,
    "in_flight": (0, 5),
    "pool_probe": 0,
    "slack_latency_samples": 5,
    "mp3_clones": 0,
    "memory_clones": 3,
    "memory_reps": 1,
    "e2e_reps": 2,
    "throughput_clones": 10,
    "throughput_slots": (None,),
    "throughput_reps": 1,
    "several_in_flight": 5,
    "several_rounds": 1,
    "takeover_leases": ((5, 1),),
    "several_clones": 10,
    "several_reps": 1,
    "clone_wait": 60,
    "quick": True,
}


@dataclass
class Bench:
    options: Options
    workdir: Path
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    traces: list[str] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    async def __aenter__(self) -> Bench:
        self.slack = BenchSlack(BOT_TOKEN)
        self.revring = BenchRevRing(REVRING_KEY, self.slack)
        await self.slack.start()
        await self.revring.start()
        small_wav(self.workdir / "small.wav")
        big_wav(self.workdir / "big.wav")
        self.small = (self.workdir / "small.wav").read_bytes()
        self.big = (self.workdir / "big.wav").read_bytes()
        self.mp3 = b""
        if {"ack", "e2e"} & self.options.only and self.options.mp3_clones:
            long_mp3(self.workdir / "long.mp3")
            self.mp3 = (self.workdir / "long.mp3").read_bytes()
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=200))
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.release_holds()
        await self.session.close()
        await self.revring.stop()
        await self.slack.stop()

    # --- helpers ---------------------------------------------------------------------------------------

    def release_holds(self) -> None:
        """Let held answers and downloads go (a run interrupted while holding them): otherwise the bot's shutdown
        waits for its clones, and the fakes' shutdown for their requests, a minute each."""
        if self.revring.hold is not None:
            self.revring.hold.set()
        self.slack.release_downloads()

    def env(self, name: str, **overrides: str | None) -> dict[str, str]:
        env = {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "REVRING_API_KEY": REVRING_KEY,
            "SLACK_API_URL": self.slack.api_url,
            "REVRING_API_URL": self.revring.api_url,
            "DATABASE_URL": f"sqlite:///{self.workdir / name}.sqlite3",
            "CLONES_PER_HOUR": "10000",  # the per-person hourly limit would stop a benchmark at 10 clones
            "REVRING_TIMEOUT": "300",
            "SHUTDOWN_GRACE_SECONDS": "5",
            "QUALITY_CHECK": "off",  # the tones cloned here are no voice; the check's own cost is figure 6
            **self.options.bot_env,
        }
        env.update({k: v for k, v in overrides.items() if v is not None})
        return env

    @contextlib.asynccontextmanager
    async def running_bot(self, name: str, **overrides: str | None) -> AsyncIterator[tuple[Bot, BotClient]]:
        bot = Bot(self.env(name, **overrides), self.workdir, name, self.options.prototypes)
        await bot.start()
        spy = None
        if self.options.profile_dir is not None:
            spy = PySpy(bot.pid, self.options.profile_dir / f"{name}.txt", self.options.profile_rate)
            await spy.start()
        client = BotClient(bot.url, self.session, SIGNING_SECRET, f"{self.slack.url}/response")
        try:
            yield bot, client
        except Exception:
            # The run is about to fail and its temporary directory, the bot's log with it, to go: show the log's end.
            tail = bot.log_path.read_text(errors="replace")[-3000:]
            print(f"--- the end of {bot.log_path.name} ---\n{tail}\n---", file=sys.stderr, flush=True)
            raise
        finally:
            if spy is not None:
                await spy.stop()
                self.profiles.append(summarize(spy.path))
            self.release_holds()
            await bot.stop()
            if self.options.profile_dir is not None:
                shutil.copy(bot.log_path, self.options.profile_dir / bot.log_path.name)
            self.traces.append(trace_summary(name, bot.log_path))

    def host(self, content: bytes, kind: str, extension: str = "wav") -> tuple[dict, Clone]:
        number = next(self._ids)
        file_id = f"F{kind}{number:05d}"
        mimetype = "audio/mpeg" if extension == "mp3" else "audio/wav"
        hosted = HostedFile(file_id, f"{file_id}.{extension}", mimetype, content, filetype=extension)
        return self.slack.host_file(hosted), self.slack.track(Clone(ts=f"1699999999.{number:06d}", file_id=file_id))

    async def share(self, client: BotClient, content: bytes, kind: str, extension: str = "wav") -> Clone:
        """Share a file with `@Voice Cloner <file id>`; the voice is named after the file, so the fakes can match."""
        file, clone = self.host(content, kind, extension)
        clone.sent_at = time.perf_counter()
        answer, _ts = await client.share_file(file, text=f"<@UBOT> {clone.file_id}", ts=clone.ts)
        if answer.status != 200:
            raise RuntimeError(f"event not acknowledged: {answer}")
        return clone

    async def finished(self, clones: list[Clone], timeout: float) -> None:
        if self.options.clone_wait is not None:
            timeout = min(timeout, self.options.clone_wait)
        try:
            await asyncio.wait_for(asyncio.gather(*(clone.done.wait() for clone in clones)), timeout)
        except TimeoutError:
            waiting = [clone for clone in clones if not clone.done.is_set()]
            raise RuntimeError(
                f"{len(waiting)} of {len(clones)} clone(s) did not finish within {timeout:.0f} s, "
                f"e.g. {waiting[0].file_id}"
            ) from None
        failed = [clone for clone in clones if not clone.ok]
        if failed:
            raise RuntimeError(f"{len(failed)} clone(s) failed, e.g. {failed[0].file_id}: {failed[0].result_text}")

    async def clone_and_wait(
        self, client: BotClient, content: bytes, kind: str, timeout: float = 60, extension: str = "wav"
    ) -> Clone:
        clone = await self.share(client, content, kind, extension)
        await self.finished([clone], timeout)
        return clone

    async def timed_command(self, client: BotClient) -> float:
        started = time.perf_counter()
        answer = await asyncio.wait_for(client.command("Rachel"), 30)
        elapsed = time.perf_counter() - started
        if answer.status != 200 or "Rachel" not in answer.text:
            raise RuntimeError(f"unexpected ack: {answer}")
        return elapsed

    @contextlib.asynccontextmanager
    async def acks_meanwhile(self, client: BotClient) -> AsyncIterator[list[float]]:
        """Send `/clone-voice Rachel` one after another for as long as the block runs, from a process of its own
        (`bench/ack_sampler.py`: this process's event loop is busy being Slack and RevRing meanwhile); the list
        yielded holds the latencies once the block has run."""
        sampler = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.ack_sampler",
            client.url,
            SIGNING_SECRET,
            client.response_url,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert sampler.stdin is not None and sampler.stdout is not None
        latencies: list[float] = []
        try:
            if (await sampler.stdout.readline()).strip() != b"ready":
                raise RuntimeError("the ack sampler did not start")
            sampler.stdin.write(b"start\n")
            await sampler.stdin.drain()
            yield latencies
            sampler.stdin.write(b"stop\n")
            await sampler.stdin.drain()
            line = await asyncio.wait_for(sampler.stdout.readline(), 60)
            if not line:
                raise RuntimeError("the ack sampler stopped without its latencies (an ack failed)")
            latencies += json.loads(line)
        finally:
            sampler.stdin.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(sampler.wait(), 10)
            if sampler.returncode is None:
                sampler.kill()
                await sampler.wait()


class Figure:
    """One figure of the table (bench/ack.py, memory.py, end_to_end.py, throughput.py): it measures with the `Bench`
    it is given and adds its rows and notes there."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        self.options = bench.options


_TRACE = re.compile(r"TRACE (\S+) ([0-9.]+)")


def trace_summary(name: str, log: Path) -> str:
    """With `--prototype trace`: how long each step took in the bot, from its log."""
    steps: dict[str, list[float]] = defaultdict(list)
    for match in _TRACE.finditer(log.read_text(errors="replace")):
        steps[match[1]].append(float(match[2]))
    if not steps:
        return ""
    lines = [f"{name}: step, calls, median, p99, total"]
    for step, values in sorted(steps.items(), key=lambda item: -sum(item[1])):
        lines.append(
            f"  {step:28} {len(values):5}  {ms(statistics.median(values)):>10}  "
            f"{ms(percentile(values, 99)):>10}  {sum(values):8.2f} s"
        )
    return "\n".join(lines)
