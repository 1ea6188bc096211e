"""Benchmarks of the real bot process against the test doubles: one table, every figure side by side.

    python -m bench                         # the table (about 2 minutes on 2 cores)
    python -m bench --profile DIR           # the same, with py-spy attached to the bot; stacks and summaries in DIR
    python -m bench --prototype NAMES       # the bot with proposed fixes patched in (see bench/prototypes.py)
    python -m bench --quick                 # smoke run (CI): every figure, a handful of clones each, under a minute

The bot runs as `python -m bot` (a fresh process per figure, SQLite in a temporary directory) on 127.0.0.1, with
SLACK_API_URL and REVRING_API_URL pointing at the doubles, which run in this process. These are measurements, not
tests: nothing here asserts a timing. A run fails (exit status 1) when a bot does not start, or a clone or an ack
fails or does not finish; that is all `--quick` checks (CI runs it). `--quick` runs figure 5 when PostgreSQL is
installed and skips it otherwise, except under CI=true, where a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.audio import big_wav, long_mp3, small_wav
from bench.botproc import Bot, PySpy, RssSampler, reset_peak, status_kb
from bench.fakes import BenchRevRing, BenchSlack, Clone
from bench.profiles import summarize
from bench.quality import recording_report
from bench.report import CpuMeter, Row, latency_text, ms, percentile
from bench.several import Several
from tests.bot_process import REPO
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, Answer, BotClient
from tests.doubles.fake_slack import HostedFile
from tests.postgres import Cluster, ClusterUnavailable, throwaway_cluster

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

    # --- figure 1: ack latency with N clones in flight -------------------------------------------------

    async def ack_latency(self) -> None:
        most = max(self.options.in_flight)
        slots = str(max(4, most + 14))
        figure = "1 `/clone-voice Rachel` ack"
        async with self.running_bot("ack", MAX_CONCURRENT_CLONES=slots) as (_bot, client):
            await self.clone_and_wait(client, self.small, "w")
            for _ in range(50):
                await self.timed_command(client)
            for n in self.options.in_flight:
                ramp: list[float] = []
                ramp_seconds: list[float] = []
                while True:  # start N clones, sampling acks, until enough acks were taken while clones started
                    self.revring.hold = asyncio.Event()
                    started = time.perf_counter()
                    async with self.acks_meanwhile(client) as acks:
                        clones = list(await asyncio.gather(*(self.share(client, self.small, "a") for _ in range(n))))
                        await self.revring.wait_open(n, timeout=120)
                    ramp_seconds.append(time.perf_counter() - started)
                    ramp += acks
                    if n == 0 or len(ramp) >= self.options.ramp_samples:
                        break
                    self.revring.hold.set()
                    await self.finished(clones, timeout=120)
                held = [await self.timed_command(client) for _ in range(self.options.ack_samples)]
                still_open = self.revring.open_requests
                self.revring.hold.set()
                self.revring.hold = None
                await self.finished(clones, timeout=120)
                if still_open != n:
                    raise RuntimeError(f"expected {n} clones held at RevRing, found {still_open}")
                met = ("yes" if percentile(held, 99) <= 0.050 else "no") if n == most else ""
                self.rows.append(
                    Row(
                        figure,
                        f"N = {n} clones in flight (held open at RevRing)",
                        latency_text(held),
                        target="p99 ≤ 50 ms at N = 50",
                        met=met,
                    )
                )
                if n:
                    self.rows.append(
                        Row(
                            figure,
                            f"while N = {n} clones start (event → held at RevRing; {len(ramp_seconds)} × "
                            f"{statistics.median(ramp_seconds):.2f} s)",
                            latency_text(ramp),
                            target="(information)",
                        )
                    )
            if self.options.slack_latency_samples:
                self.slack.api_delay = 0.1
                try:
                    slow = [await self.timed_command(client) for _ in range(self.options.slack_latency_samples)]
                finally:
                    self.slack.api_delay = 0.0
                self.rows.append(
                    Row(
                        figure,
                        "N = 0, fake Slack Web API answering each call after 100 ms "
                        "(like a real round trip to slack.com)",
                        latency_text(slow),
                        target="(information)",
                    )
                )
            if self.mp3:
                count = self.options.mp3_clones
                started = time.perf_counter()
                async with self.acks_meanwhile(client) as acks:
                    clones = [await self.share(client, self.mp3, "p", "mp3") for _ in range(count)]
                    await self.finished(clones, timeout=300)
                self.rows.append(
                    Row(
                        figure,
                        f"while {count} clones of a {len(self.mp3) / MB:.0f} MiB MP3 (21 min) run "
                        f"(all {count} done in {time.perf_counter() - started:.1f} s)",
                        latency_text(acks),
                        target="(information)",
                    )
                )
        if self.options.pool_probe:
            await self.pool_probe(figure)
        self.notes.append(
            f"Figure 1: MAX_CONCURRENT_CLONES={slots}, so all N clones are really in flight: each has "
            "sent its audio to the fake RevRing, which holds the answer open until the acks are "
            "measured. Acks are sent one after another on a keep-alive connection; each is a real "
            "`/clone-voice Rachel` (recent audio looked up, `conversations.info`, command saved)."
        )

    async def pool_probe(self, figure: str) -> None:
        """More clones in flight than aiohttp's default pool has connections (100): what happens to acks.

        aiohttp hands out an idle keep-alive connection even when the limit is reached, so the acks are measured
        once the idle connections to Slack have expired (aiohttp closes them after 15 s), as they would during a
        long upload to a slow RevRing."""
        n = self.options.pool_probe
        async with self.running_bot("ack-pool", MAX_CONCURRENT_CLONES=str(n + 18)) as (_bot, client):
            await self.clone_and_wait(client, self.small, "w")
            self.revring.hold = asyncio.Event()
            clones = list(await asyncio.gather(*(self.share(client, self.small, "a") for _ in range(n))))
            with contextlib.suppress(TimeoutError):
                await self.revring.wait_open(n, timeout=10)
            reached = self.revring.open_requests
            await asyncio.sleep(16)
            answers = []
            for _ in range(3):
                started = time.perf_counter()
                try:  # Slack gives up on an answer after 3 s; so does this
                    answer = await asyncio.wait_for(client.command("Rachel"), 3.5)
                except TimeoutError:
                    answer = Answer(0, "no answer within 3.5 s")
                answers.append((time.perf_counter() - started, answer))
            self.revring.hold.set()
            self.revring.hold = None
            await self.finished(clones, timeout=120)
        good = [seconds for seconds, answer in answers if answer.status == 200 and "Rachel" in answer.text]
        bad = [(seconds, answer) for seconds, answer in answers if answer.status != 200 or "Rachel" not in answer.text]
        text = f"{len(good)} of {len(answers)} acks answered"
        if good:
            text += f" (median {ms(statistics.median(good))})"
        if bad:
            status = f"HTTP {bad[0][1].status} " if bad[0][1].status else ""
            text += (
                f"; {len(bad)} failed: {status}{json.dumps(bad[0][1].body)} after "
                f"{ms(statistics.median(seconds for seconds, _ in bad))}"
            )
        waiting = ", the rest wait for one of the session's 100 connections" if reached < n else ""
        self.rows.append(
            Row(
                figure,
                f"fresh bot, {n} clones started with MAX_CONCURRENT_CLONES={n + 18}: {reached} "
                f"held at RevRing for 16 s{waiting}",
                text,
                target="(information)",
            )
        )

    # --- figure 2: peak memory with 20 concurrent 20 MB clones ------------------------------------------

    async def memory(self) -> None:
        count = self.options.memory_clones
        size_mb = len(self.big) / MB
        slots = str(max(4, count))
        runs = [await self.memory_once(count, slots, rep) for rep in range(self.options.memory_reps)]
        growths = sorted((run["peak_kb"] - run["idle_kb"]) / 1024 for run in runs)
        typical = sorted(runs, key=lambda run: run["peak_kb"] - run["idle_kb"])[len(runs) // 2]
        growth_mb = statistics.median(growths)
        naive = await self.naive_reference(count)
        naive_mb = (naive["peak_kb"] - naive["idle_kb"]) / 1024
        spread = f"; runs {', '.join(f'+{g:.0f}' for g in growths)} MiB" if len(growths) > 1 else ""
        self.rows.append(
            Row(
                "2 peak RSS growth",
                f"{count} concurrent {size_mb:.1f} MiB WAV clones (bot's VmHWM − idle VmRSS; "
                f"median of {len(runs)} fresh bots)",
                f"+{growth_mb:.1f} MiB (idle {typical['idle_kb'] / 1024:.0f} → "
                f"peak {typical['peak_kb'] / 1024:.0f} MiB, "
                f"{typical['after_kb'] / 1024:.0f} MiB after{spread}; all done in {typical['seconds']:.2f} s)",
                f"naive read-whole-file script: +{naive_mb:.0f} MiB ({naive['seconds']:.2f} s) = "
                f"{naive_mb / max(growth_mb, 0.1):.0f}× the bot's growth",
                "growth ≤ 40 MB",
                "yes" if growth_mb * MB / 1e6 <= 40 else "no",
            )
        )
        self.notes.append(
            f"Figure 2: MAX_CONCURRENT_CLONES={slots}, so all {count} run at once. Idle = VmRSS after one small "
            f"warm-up clone ({typical['fresh_kb'] / 1024:.0f} MiB straight after start); peak = VmHWM "
            f"({'reset to the idle RSS through /proc/PID/clear_refs' if typical['exact'] else 'could not be reset'}) "
            f"and VmRSS sampled every 10 ms. Bot CPU for the {count} clones: {typical['cpu']}. The naive reference "
            "(bench/naive.py, its own process, measured the same way) downloads each file with `await resp.read()` "
            "and posts the bytes with `aiohttp.FormData`."
        )

    async def memory_once(self, count: int, slots: str, rep: int) -> dict:
        async with self.running_bot(f"memory-{rep + 1}", MAX_CONCURRENT_CLONES=slots) as (bot, client):
            fresh_kb = status_kb(bot.pid, "VmRSS")
            await self.clone_and_wait(client, self.small, "w")
            await asyncio.sleep(0.5)
            idle_kb = status_kb(bot.pid, "VmRSS")
            exact = reset_peak(bot.pid)
            sampler = RssSampler(bot.pid)
            sampler.start()
            cpu = CpuMeter(bot.pid)
            started = time.perf_counter()
            clones = list(await asyncio.gather(*(self.share(client, self.big, "m") for _ in range(count))))
            await self.finished(clones, timeout=240)
            seconds = time.perf_counter() - started
            peak_kb = await sampler.stop()
            cpu_text = cpu.stop()
            await asyncio.sleep(0.5)
            after_kb = status_kb(bot.pid, "VmRSS")
        return {
            "fresh_kb": fresh_kb,
            "idle_kb": idle_kb,
            "peak_kb": peak_kb,
            "after_kb": after_kb,
            "seconds": seconds,
            "exact": exact,
            "cpu": cpu_text,
        }

    async def naive_reference(self, count: int) -> dict:
        jobs = [
            (file["url_private_download"], clone.file_id)
            for file, clone in (self.host(self.big, "n") for _ in range(count))
        ]
        spec = self.workdir / "naive.json"
        spec.write_text(
            json.dumps({"token": BOT_TOKEN, "key": REVRING_KEY, "revring": self.revring.api_url, "jobs": jobs})
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.naive",
            str(spec),
            stdout=asyncio.subprocess.PIPE,
            cwd=REPO,
        )
        out, _ = await asyncio.wait_for(process.communicate(), 240)
        if process.returncode != 0:
            raise RuntimeError("the naive reference failed")
        return json.loads(out)

    # --- figure 3: one 20 MB clone end to end against curl --------------------------------------------

    async def end_to_end(self) -> None:
        reps = self.options.e2e_reps
        size_mb = len(self.big) / MB
        runs: list[Clone] = []
        curl_runs: list[tuple[float, float]] = []
        slow_runs: list[Clone] = []
        mp3_runs: list[Clone] = []
        async with self.running_bot("e2e") as (bot, client):
            await self.clone_and_wait(client, self.big, "w")
            await self.curl_once()
            meter = CpuMeter(bot.pid)
            for _ in range(reps):  # bot and curl take turns, so both see the same machine
                runs.append(await self.clone_and_wait(client, self.big, "e"))
                curl_runs.append(await self.curl_once())
            cpu = meter.stop(reps)
            curl_start = statistics.median([await self.curl_start() for _ in range(reps)])
            if self.options.slack_latency_samples:
                self.slack.api_delay = 0.1
                try:
                    for _ in range(3):
                        slow_runs.append(await self.clone_and_wait(client, self.big, "s"))
                finally:
                    self.slack.api_delay = 0.0
            if self.mp3:
                for _ in range(3):
                    mp3_runs.append(await self.clone_and_wait(client, self.mp3, "q", 120, "mp3"))
        bot_total = statistics.median(c.finished_at - c.sent_at for c in runs)
        curl_total = statistics.median(down + up for down, up in curl_runs)
        ratio = bot_total / curl_total
        self.rows.append(
            Row(
                "3 one clone end to end",
                f"{size_mb:.1f} MiB WAV: signed event → result chat.update (median of {reps})",
                ms(bot_total),
                f"`curl` download, then `curl -F` upload: {ms(curl_total)} → bot = {ratio:.2f}× baseline",
                "≤ 1.25× baseline",
                "yes" if ratio <= 1.25 else "no",
            )
        )
        self.notes.append(
            f"Figure 3, where the bot's time goes: {phases(runs)}; bot CPU per clone {cpu}. "
            f"curl: download {ms(statistics.median(d for d, _ in curl_runs))}, upload "
            f"{ms(statistics.median(u for _, u in curl_runs))}; each includes starting curl and "
            f'connecting ({ms(curl_start)}: `curl` of a 2-byte answer). "Download done" is when the '
            "fake Slack handed its last byte to the socket; the bot reads the last few MB after that."
        )
        if slow_runs:
            total = statistics.median(c.finished_at - c.sent_at for c in slow_runs)
            self.rows.append(
                Row(
                    "3 one clone end to end",
                    f"same WAV, fake Slack Web API answering each call after 100 ms (median of {len(slow_runs)})",
                    ms(total),
                    "—",
                    "(information)",
                )
            )
            self.notes.append(f"Figure 3 with 100 ms Slack calls: {phases(slow_runs)}.")
        if mp3_runs:
            total = statistics.median(c.finished_at - c.sent_at for c in mp3_runs)
            self.rows.append(
                Row(
                    "3 one clone end to end",
                    f"{len(self.mp3) / MB:.0f} MiB MP3 (21 min, a 30 s excerpt is sent; median of {len(mp3_runs)})",
                    ms(total),
                    "—",
                    "(information)",
                )
            )
            self.notes.append(f"Figure 3, the MP3: {phases(mp3_runs)}.")

    async def curl_once(self) -> tuple[float, float]:
        file, _clone = self.host(self.big, "c")
        dest = self.workdir / "curl-download.wav"
        started = time.perf_counter()
        await self._run(
            "curl",
            "-sS",
            "-f",
            "-o",
            str(dest),
            "-H",
            f"Authorization: Bearer {BOT_TOKEN}",
            file["url_private_download"],
        )
        downloaded = time.perf_counter()
        await self._run(
            "curl",
            "-sS",
            "-f",
            "-o",
            os.devnull,
            "-H",
            f"x-api-key: {REVRING_KEY}",
            "-F",
            "displayName=curl",
            "-F",
            "language=en",
            "-F",
            f"voice=@{dest};type=audio/wav",
            f"{self.revring.api_url}/voices",
        )
        uploaded = time.perf_counter()
        if dest.stat().st_size != len(self.big):
            raise RuntimeError("curl downloaded the wrong number of bytes")
        dest.unlink()
        return downloaded - started, uploaded - downloaded

    async def curl_start(self) -> float:
        started = time.perf_counter()
        await self._run(
            "curl",
            "-sS",
            "-f",
            "-o",
            os.devnull,
            f"{self.slack.url}/response",
            "-d",
            "{}",
            "-H",
            "Content-Type: application/json",
        )
        return time.perf_counter() - started

    @staticmethod
    async def _run(*argv: str) -> None:
        process = await asyncio.create_subprocess_exec(*argv)
        if await process.wait() != 0:
            raise RuntimeError(f"{argv[0]} failed")

    # --- figure 4: throughput of 100 queued small clones ------------------------------------------------

    async def throughput(self) -> None:
        count = self.options.throughput_clones
        for slots in self.options.throughput_slots:
            label = f"MAX_CONCURRENT_CLONES={slots}" if slots else "MAX_CONCURRENT_CLONES=4 (default)"
            runs = [await self.throughput_once(count, slots, rep) for rep in range(self.options.throughput_reps)]
            runs.sort(key=lambda run: run["rate"])
            typical = runs[len(runs) // 2]
            rates = ", ".join(f"{run['rate']:.0f}" for run in runs)
            spread = f"; runs {rates}/s" if len(runs) > 1 else ""
            self.rows.append(
                Row(
                    "4 throughput",
                    f"{count} small WAV clones sent at once, RevRing answers at once; {label} "
                    f"(median of {len(runs)} fresh bots)",
                    f"{typical['rate']:.1f} clones/s ({typical['elapsed']:.2f} s{spread}); "
                    f"bot CPU {ms(typical['cpu'].total)} per clone",
                    f"the {count} events' acks, as seen by this client: {latency_text(typical['acks'])}",
                    "≥ 50 clones/s",
                    "yes" if typical["rate"] >= 50 else "no",
                )
            )
            calls = typical["calls"]
            per_clone = ", ".join(f"{method} {n / count:.2g}" for method, n in sorted(calls.items()) if n)
            self.notes.append(
                f"Figure 4 ({label}): bot CPU per clone {typical['cpu']}; the fakes and the load generator (the "
                f"benchmark's own process, on the other core) {ms(typical['fakes'].total)} per clone"
                + (f"; Slack Web API calls per clone: {per_clone}." if slots is None else ".")
            )

    async def throughput_once(self, count: int, slots: str | None, rep: int) -> dict:
        async with self.running_bot(f"throughput-{slots or 'default'}-{rep + 1}", MAX_CONCURRENT_CLONES=slots) as (
            bot,
            client,
        ):
            await self.clone_and_wait(client, self.small, "w")
            calls_before = Counter(self.slack.counts)
            meter = CpuMeter(bot.pid)
            ours = CpuMeter(os.getpid())  # the fakes and the load generator
            started = time.perf_counter()

            async def one() -> tuple[Clone, float]:
                sent = time.perf_counter()
                clone = await self.share(client, self.small, "t")
                return clone, time.perf_counter() - sent

            sent = await asyncio.gather(*(one() for _ in range(count)))
            clones = [clone for clone, _ in sent]
            await self.finished(clones, timeout=300)
            elapsed = max(c.finished_at for c in clones) - started
            cpu = meter.stop(count)
            fakes = ours.stop(count)
            calls = Counter(self.slack.counts)
            calls.subtract(calls_before)
        return {
            "rate": count / elapsed,
            "elapsed": elapsed,
            "cpu": cpu,
            "fakes": fakes,
            "calls": calls,
            "acks": [seconds for _, seconds in sent],
        }


def phases(clones: list[Clone]) -> str:
    def median(pick) -> str:
        return ms(statistics.median(pick(c) for c in clones))

    return (
        f"event → download starts {median(lambda c: c.download_started - c.sent_at)}, "
        f"download {median(lambda c: c.download_done - c.download_started)}, "
        f"download done → upload starts (audio check, bookkeeping) "
        f"{median(lambda c: c.upload_started - c.download_done)}, "
        f"upload {median(lambda c: c.upload_done - c.upload_started)}, "
        f"upload received → result posted {median(lambda c: c.finished_at - c.upload_done)} "
        "(medians; timestamps taken in the fakes)"
    )


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


def table(rows: list[Row]) -> str:
    head = ["Figure", "Condition", "Measured (bot)", "Reference, same run", "Target", "Met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row.figure, row.condition, row.measured, row.reference, row.target, row.met]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine_cpu_seconds() -> tuple[float, float]:
    """CPU time of every process on the machine since boot (user, nice, system), and steal time (the hypervisor
    running someone else). Interrupt time is left out: loopback traffic is counted there, not in a process."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (fields[0] + fields[1] + fields[2]) / ticks, (fields[7] if len(fields) > 7 else 0) / ticks


def own_cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (the bots, curl, the naive script, py-spy)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def code_version() -> str:
    """The commit measured, and whether bot/ had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        argv = ["git", "-C", str(REPO), *args]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603

    try:
        commit, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "--", "bot")
    except (OSError, subprocess.CalledProcessError):
        return f"{REPO} (not a git checkout)"
    return f"commit {commit}" + (" with uncommitted changes in bot/" if dirty else "")


def machine() -> str:
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / MB:.1f} GiB RAM"
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, Linux {platform.release()}, Python {platform.python_version()}"


async def run(options: Options) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="voice-cloner-bench-"))
    started = time.perf_counter()
    (machine_busy, machine_steal), own_busy = machine_cpu_seconds(), own_cpu_seconds()
    try:
        async with Bench(options, workdir) as bench:
            scenarios = {
                "ack": bench.ack_latency,
                "memory": bench.memory,
                "e2e": bench.end_to_end,
                "throughput": bench.throughput,
            }
            if options.cluster is not None:
                scenarios["several"] = Several(bench, options.cluster).run

            async def quality() -> None:  # figure 6: the recording report's CPU (bench/quality.py)
                bench.rows.extend(recording_report(workdir, options.quick))

            scenarios["quality"] = quality
            for name in FIGURES:
                if name in options.only:
                    print(f"… {name}", file=sys.stderr, flush=True)
                    await scenarios[name]()
        print(f"Machine: {machine()}")
        print(f"Command: python -m bench {shlex.join(sys.argv[1:])}".rstrip())
        print(f"Code: {code_version()}")
        if options.quick:
            print("(--quick: a smoke run, a handful of samples per figure; not to be compared with the targets)")
        for skipped in options.skipped:
            print(f"({skipped})")
        if options.prototypes:
            print(f"Bot: `python -m bench.prototypes {options.prototypes}` (proposed fixes patched in, not bot/ as is)")
        if options.profile_dir is not None:
            print("(py-spy was attached to the bot during these runs: figures are a little slower than usual)")
        print()
        print(table(bench.rows))
        print()
        for note in bench.notes:
            print(f"- {note}")
        elapsed = time.perf_counter() - started
        busy, steal = machine_cpu_seconds()
        others = max(0.0, busy - machine_busy - (own_cpu_seconds() - own_busy))
        print(
            f"\nWhole run: {elapsed:.0f} s. Meanwhile other processes used {others:.1f} CPU-s "
            f"({100 * others / elapsed:.0f}% of one core) and the hypervisor stole {steal - machine_steal:.1f} "
            "CPU-s; more than a few % means a noisy run."
        )
        traces = [trace for trace in bench.traces if trace]
        if traces:
            print("\nSteps inside the bot (`--prototype trace`):\n\n" + "\n\n".join(traces))
        if options.profile_dir is not None:
            summary = "\n\n".join(bench.profiles)
            (options.profile_dir / "summary.txt").write_text(summary + "\n")
            print(f"\nProfiles (py-spy; collapsed stacks and bot logs in {options.profile_dir}):\n\n{summary}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: every figure with a handful of clones; fails if a bot does not start or a clone does not "
        "finish; figure 5 is skipped without PostgreSQL, except under CI=true",
    )
    parser.add_argument("--only", metavar="NAMES", help=f"comma-separated subset of: {','.join(FIGURES)}")
    parser.add_argument("--profile", metavar="DIR", type=Path, help="attach py-spy to the bot; write stacks to DIR")
    parser.add_argument("--profile-rate", metavar="HZ", type=int, default=250, help="py-spy samples per second")
    parser.add_argument(
        "--prototype",
        metavar="NAMES",
        default="",
        help="run the bot with these proposed fixes patched in (bench/prototypes.py)",
    )
    parser.add_argument(
        "--bot-env",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="an extra environment variable for the bot (repeatable)",
    )
    args = parser.parse_args(argv)
    options = Options(**QUICK) if args.quick else Options()
    if args.only:
        options.only = frozenset(name.strip() for name in args.only.split(","))
        if not options.only <= set(FIGURES):
            parser.error(f"--only takes names from: {','.join(FIGURES)}")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        options.profile_dir = args.profile.resolve()
        options.profile_rate = args.profile_rate
    options.prototypes = args.prototype
    options.bot_env = dict(item.split("=", 1) for item in args.bot_env)
    # A SIGTERM ends the run as Ctrl-C does: the bots are stopped and the PostgreSQL cluster removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if "e2e" in options.only and shutil.which("curl") is None:
        print("figure 3 needs curl on the PATH (its baseline; apt-get install curl)", file=sys.stderr)
        return 2
    if "several" in options.only and args.quick and not args.only and not postgres_installed() and not under_ci():
        reason = "figure 5 skipped: PostgreSQL is not installed (apt-get install postgresql); under CI=true it fails"
        print(reason, file=sys.stderr)
        options.skipped.append(reason)
        options.only -= {"several"}
    with contextlib.ExitStack() as stack:
        if "several" in options.only:
            try:
                options.cluster = stack.enter_context(throwaway_cluster())
            except ClusterUnavailable as error:
                print(f"figure 5 needs PostgreSQL (apt-get install postgresql): {error}", file=sys.stderr)
                return 2
        try:
            return asyncio.run(run(options))
        except (RuntimeError, TimeoutError) as error:  # a bot did not start, a clone or an ack failed or hung
            traceback.print_exc()
            print(f"python -m bench: failed: {error or repr(error)}", file=sys.stderr)
            return 1


def postgres_installed() -> bool:
    """PostgreSQL's binaries, where tests/postgres.py looks for them (Debian's packages, or initdb on the PATH)."""
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or shutil.which("initdb") is not None


def under_ci() -> bool:
    """CI=true, as the tests read it: there a missing PostgreSQL fails rather than skips."""
    return os.environ.get("CI", "").lower() == "true"
