"""Figure 5: several instances sharing one PostgreSQL database (issue 14), against a throwaway cluster on loopback.

a. ack latency with 50 clones in flight, SQLite and PostgreSQL side by side (fresh bots, taking turns);
b. SIGKILL of the instance running two jobs (one cut off while downloading, one while uploading) → the survivor's
   takeover, at JOB_LEASE_SECONDS=30 (the default) and 5 (the least);
c. clones per second with one and with two instances on PostgreSQL (the same fakes, the same 100 clones).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import statistics
import time
from collections.abc import Callable

import aiohttp

from bench.botproc import Bot
from bench.core import Bench
from bench.fakes import Clone
from bench.report import CpuMeter, CpuUse, Row, latency_text, ms, percentile, tree_cpu
from tests.conftest import BotClient
from tests.postgres import Cluster, create_database

FIGURE = "5 several instances"
_TAKEOVERS = re.compile(r"^voice_cloner_takeovers_total ([0-9.e+]+)$", re.MULTILINE)


async def until(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll `condition` every 10 ms for at most `timeout` seconds."""
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s" + (
        f" (runs {', '.join(f'{v:.2f}' for v in sorted(values))} s)" if len(values) > 1 else ""
    )


class Several:
    def __init__(self, bench: Bench, cluster: Cluster) -> None:
        self.bench = bench
        self.cluster = cluster
        self.options = bench.options
        self.interrupted_text = ""

    async def run(self) -> None:
        await self.acks()
        await self.takeover()
        await self.throughput()

    async def database(self) -> str:
        """A new, empty database on the cluster (CREATE DATABASE blocks for a moment: in a thread)."""
        return await asyncio.to_thread(create_database, self.cluster)

    # --- a. ack latency, SQLite next to PostgreSQL -----------------------------------------------------

    async def acks(self) -> None:
        bench, n, rounds = self.bench, self.options.several_in_flight, self.options.several_rounds
        per_round = self.options.ack_samples // rounds
        backends = ("SQLite", "PostgreSQL")
        idle: dict[str, list[float]] = {b: [] for b in backends}
        held: dict[str, list[float]] = {b: [] for b in backends}
        ramp: dict[str, list[float]] = {b: [] for b in backends}
        for round_ in range(rounds):  # the two backends take turns, so both see the same machine
            for backend in backends:
                url = await self.database() if backend == "PostgreSQL" else None
                async with bench.running_bot(
                    f"several-ack-{backend.lower()}-{round_ + 1}", DATABASE_URL=url, MAX_CONCURRENT_CLONES=str(n + 14)
                ) as (_bot, client):
                    await bench.clone_and_wait(client, bench.small, "w")
                    for _ in range(50):
                        await bench.timed_command(client)
                    idle[backend] += [await bench.timed_command(client) for _ in range(per_round)]
                    bench.revring.hold = asyncio.Event()
                    async with bench.acks_meanwhile(client) as meanwhile:
                        clones = list(await asyncio.gather(*(bench.share(client, bench.small, "a") for _ in range(n))))
                        await bench.revring.wait_open(n, timeout=120)
                    ramp[backend] += meanwhile
                    held[backend] += [await bench.timed_command(client) for _ in range(per_round)]
                    still_open = bench.revring.open_requests
                    bench.revring.hold.set()
                    bench.revring.hold = None
                    await bench.finished(clones, timeout=120)
                    if still_open != n:
                        raise RuntimeError(f"expected {n} clones held at RevRing, found {still_open}")
        sqlite_p99, postgres_p99 = percentile(held["SQLite"], 99), percentile(held["PostgreSQL"], 99)
        ratio = postgres_p99 / sqlite_p99
        for backend in backends:
            self.bench.rows.append(
                Row(
                    FIGURE,
                    f"ack, {backend}: N = 0 clones in flight",
                    latency_text(idle[backend]),
                    target="(information)",
                )
            )
            reference = f"PostgreSQL p99 = {ratio:.2f}× SQLite's" if backend == "PostgreSQL" else "—"
            self.bench.rows.append(
                Row(
                    FIGURE,
                    f"ack, {backend}: N = {n} clones in flight (held open at RevRing)",
                    latency_text(held[backend]),
                    reference,
                    "PostgreSQL p99 ≤ 1.5× SQLite p99",
                    ("yes" if ratio <= 1.5 else "no") if backend == "PostgreSQL" else "",
                )
            )
            self.bench.rows.append(
                Row(
                    FIGURE,
                    f"ack, {backend}: while N = {n} clones start",
                    latency_text(ramp[backend]),
                    target="(information)",
                )
            )
        self.bench.notes.append(
            f"Figure 5a: as figure 1 (MAX_CONCURRENT_CLONES={n + 14}, the {n} clones held open at the fake RevRing), "
            f"one fresh bot per backend and round, {rounds} rounds taking turns (SQLite, PostgreSQL, …); the acks of "
            "the rounds are pooled. PostgreSQL: a database of its own on the throwaway cluster (fsync off), "
            "DATABASE_POOL_SIZE at its default."
        )

    # --- b. SIGKILL → takeover ---------------------------------------------------------------------------

    async def takeover(self) -> None:
        for lease, reps in self.options.takeover_leases:
            runs = await self.takeover_runs(lease, reps)
            rerun = [run["rerun"] for run in runs]
            answered = [run["answered"] for run in runs]
            counted = [run["counted"] for run in runs]
            done = [run["done"] for run in runs]
            default = " (the default)" if lease == 30 else " (the least allowed)" if lease == 5 else ""
            self.bench.rows.append(
                Row(
                    FIGURE,
                    f"SIGKILL → takeover, JOB_LEASE_SECONDS={lease}{default}, two instances on PostgreSQL "
                    f"({len(runs)} kill{'s' if len(runs) > 1 else ''}): the job cut off while downloading",
                    f"kill → survivor downloads the file again: {spread(rerun)}; → its voice is posted: {spread(done)}",
                    f"kill → survivor's voice_cloner_takeovers_total +2: {spread(counted)}",
                    f"≤ {lease + 5} s (JOB_LEASE_SECONDS + 5 s)",
                    "yes" if max(rerun) <= lease + 5 else "no",
                )
            )
            self.bench.rows.append(
                Row(
                    FIGURE,
                    f"SIGKILL → takeover, JOB_LEASE_SECONDS={lease}: the job cut off while uploading (same kills)",
                    f"kill → survivor's \"can't tell whether the voice was created\" answer: {spread(answered)}",
                    "—",
                    f"≤ {lease + 5} s (JOB_LEASE_SECONDS + 5 s)",
                    "yes" if max(answered) <= lease + 5 else "no",
                )
            )
        self.bench.notes.append(
            "Figure 5b: two bots on one PostgreSQL database (MAX_CONCURRENT_CLONES=4 each). The victim gets two "
            "clones: "
            "one whose audio is held open at the fake RevRing (stage uploading) and one whose download the fake Slack "
            "holds (stage downloading); once both are held it is killed with SIGKILL, a moment after the jobs started "
            "(before the first lease renewal, so nearly a whole lease is left: close to the worst case). The survivor "
            "looks for takeable jobs every second and when a lease it waits on is due to end. A fresh victim per "
            "kill; the survivor stays. The answer for the "
            f'upload cut off: "{self.interrupted_text[:90]}…"'
        )

    async def takeover_runs(self, lease: int, reps: int) -> list[dict[str, float]]:
        bench = self.bench
        url = await self.database()
        settings = {"DATABASE_URL": url, "JOB_LEASE_SECONDS": str(lease)}
        runs = []
        async with bench.running_bot(f"several-survivor-lease{lease}", **settings) as (survivor, _survivor_client):
            for rep in range(reps):
                async with bench.running_bot(f"several-victim-lease{lease}-{rep + 1}", **settings) as (victim, client):
                    runs.append(await self.kill_once(victim, client, survivor, lease))
        return runs

    async def kill_once(self, victim: Bot, client: BotClient, survivor: Bot, lease: int) -> dict[str, float]:
        bench = self.bench
        await bench.clone_and_wait(client, bench.small, "w")
        bench.revring.hold = asyncio.Event()
        uploading = await bench.share(client, bench.small, "u")
        await bench.revring.wait_open(1, timeout=30)
        downloading = await self.share_held(client)
        await until(lambda: downloading.downloads, 30, "the victim's download")
        counted_before = await self.takeovers(survivor)
        killed = time.perf_counter()
        await victim.kill()
        bench.revring.hold.set()  # the victim's held upload ends with its connection; nothing else is held
        bench.revring.hold = None
        bench.slack.release_downloads()
        deadline = lease + 60
        counted = await self.takeover_counted(survivor, counted_before + 2, killed, deadline)
        await until(lambda: len(downloading.downloads) > 1, deadline, "the survivor's download")
        await bench.finished([downloading], timeout=deadline)
        await asyncio.wait_for(uploading.done.wait(), deadline)
        if uploading.ok or "RevRing" not in uploading.result_text:
            raise RuntimeError(f"unexpected answer for the job cut off while uploading: {uploading.result_text}")
        self.interrupted_text = uploading.result_text
        return {
            "rerun": downloading.downloads[1] - killed,
            "done": downloading.finished_at - killed,
            "answered": uploading.finished_at - killed,
            "counted": counted,
        }

    async def share_held(self, client: BotClient) -> Clone:
        """Share a file whose first download the fake Slack holds (its later ones are not held)."""
        bench = self.bench
        file, clone = bench.host(bench.small, "d")
        bench.slack.download_holds[clone.file_id] = asyncio.Event()
        clone.sent_at = time.perf_counter()
        answer, _ts = await client.share_file(file, text=f"<@UBOT> {clone.file_id}", ts=clone.ts)
        if answer.status != 200:
            raise RuntimeError(f"event not acknowledged: {answer}")
        return clone

    async def takeovers(self, bot: Bot) -> float:
        async with self.bench.session.get(f"{bot.url}/metrics") as response:
            found = _TAKEOVERS.search(await response.text())
        return float(found[1]) if found else 0.0

    async def takeover_counted(self, bot: Bot, count: float, since: float, timeout: float) -> float:
        """Seconds from `since` until the bot's /metrics counts `count` takeovers (polled every 50 ms)."""
        for _ in range(int(timeout / 0.05)):
            with contextlib.suppress(aiohttp.ClientError):
                if await self.takeovers(bot) >= count:
                    return time.perf_counter() - since
            await asyncio.sleep(0.05)
        raise RuntimeError(f"the survivor did not count {count:.0f} takeovers within {timeout} s")

    # --- c. clones per second, one and two instances -------------------------------------------------

    async def throughput(self) -> None:
        count = self.options.several_clones
        setups = (("PostgreSQL", 1), ("PostgreSQL", 2), ("SQLite", 1))
        runs: dict[tuple[str, int], list[dict]] = {setup: [] for setup in setups}
        for rep in range(self.options.several_reps):  # the setups take turns, so all see the same machine
            for setup in setups:
                runs[setup].append(await self.throughput_once(*setup, count, rep))
        rates = {}
        for setup in setups:
            ordered = sorted(runs[setup], key=lambda run: run["rate"])
            rates[setup] = typical = ordered[len(ordered) // 2]
            backend, instances = setup
            listed = ", ".join(f"{run['rate']:.0f}" for run in ordered)
            if setup == ("SQLite", 1):
                reference = "(the reference: today's default, as figure 4)"
            elif instances == 2:
                reference = f"{typical['rate'] / rates[('PostgreSQL', 1)]['rate']:.2f}× one instance"
            else:
                reference = "—"
            self.bench.rows.append(
                Row(
                    FIGURE,
                    f"throughput, {instances} instance{'s' if instances > 1 else ''} on {backend}: {count} small "
                    f"WAV clones sent at once{' (alternating between them)' if instances > 1 else ''}, "
                    f"RevRing answers at once (median of {len(ordered)})",
                    f"{typical['rate']:.1f} clones/s ({typical['elapsed']:.2f} s; runs {listed}/s); "
                    f"bot CPU {ms(typical['cpu'].total)} per clone"
                    f"{' (both instances together)' if instances > 1 else ''}",
                    reference,
                    "(information)",
                )
            )
        cpu = "; ".join(f"{b}, {i}: {rates[(b, i)]['cpu']}" for b, i in setups)

        def everything(setup: tuple[str, int]) -> str:
            run = rates[setup]
            total = run["cpu"].total + run["database"] + run["fakes"]
            return (
                f"{setup[0]}, {setup[1]}: bots {ms(run['cpu'].total)} + PostgreSQL {ms(run['database'])} + fakes and "
                f"load generator {ms(run['fakes'])} = {ms(total)}, so at most {2 / total:.0f} clones/s on 2 cores"
            )

        one = rates[("PostgreSQL", 1)]
        bot, rest = one["cpu"].total, one["database"] + one["fakes"]
        self.bench.notes.append(
            "Figure 5c: MAX_CONCURRENT_CLONES=4 (the default) per instance; fresh bots and a fresh database per run; "
            f"the setups take turns. Bot CPU per clone (all instances together): {cpu}. The whole machine's CPU per "
            f"clone, every process of the run: {'; '.join(everything(setup) for setup in setups)}. One instance is "
            "one process (its event loop and threads share one GIL): at most 1 s / its CPU per clone; two on 2 cores "
            "at most 2 s / (the bots' + PostgreSQL's + the fakes' CPU per clone). So here a second instance can add at "
            f"most 2 × {ms(bot)} / ({ms(bot)} + {ms(rest)}) = {2 * bot / (bot + rest):.2f}× (if one instance were "
            "CPU-bound)."
        )

    async def throughput_once(self, backend: str, instances: int, count: int, rep: int) -> dict:
        bench = self.bench
        url = await self.database() if backend == "PostgreSQL" else None
        async with contextlib.AsyncExitStack() as stack:
            bots: list[tuple[Bot, BotClient]] = []
            for number in range(instances):
                name = f"several-throughput-{backend.lower()}-{instances}x-{rep + 1}-{number + 1}"
                bots.append(await stack.enter_async_context(bench.running_bot(name, DATABASE_URL=url)))
            for _bot, client in bots:
                await bench.clone_and_wait(client, bench.small, "w")
            meters = [CpuMeter(bot.pid) for bot, _ in bots]
            postmaster = self.postmaster() if backend == "PostgreSQL" else None
            database_before = tree_cpu(postmaster) if postmaster else 0.0
            ours = CpuMeter(os.getpid())  # the fakes and the load generator
            started = time.perf_counter()
            clones = await asyncio.gather(
                *(bench.share(bots[i % instances][1], bench.small, "t") for i in range(count))
            )
            await bench.finished(list(clones), timeout=300)
            elapsed = max(c.finished_at for c in clones) - started
            cpu = sum_cpu(meters, count)
            database = (tree_cpu(postmaster) - database_before) / count if postmaster else 0.0
            fakes = ours.stop(count).total
        return {"rate": count / elapsed, "elapsed": elapsed, "cpu": cpu, "database": database, "fakes": fakes}

    def postmaster(self) -> int:
        return int((self.cluster.data_dir / "postmaster.pid").read_text().split()[0])


def sum_cpu(meters: list[CpuMeter], count: int) -> CpuUse:
    """The CPU per clone of several bots together."""
    return sum((meter.stop() for meter in meters), CpuUse()).per(count)
