"""Figure 2: the bot's peak memory (RSS growth) with 20 concurrent 20 MB clones, against a naive script that reads
each whole file (bench/naive.py)."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time

from bench.botproc import RssSampler, reset_peak, status_kb
from bench.core import MB, Figure
from bench.report import CpuMeter, Row
from tests.bot_process import REPO
from tests.conftest import BOT_TOKEN, REVRING_KEY


class Memory(Figure):
    async def run(self) -> None:
        bench = self.bench
        count = self.options.memory_clones
        size_mb = len(bench.big) / MB
        slots = str(max(4, count))
        runs = [await self.memory_once(count, slots, rep) for rep in range(self.options.memory_reps)]
        growths = sorted((run["peak_kb"] - run["idle_kb"]) / 1024 for run in runs)
        typical = sorted(runs, key=lambda run: run["peak_kb"] - run["idle_kb"])[len(runs) // 2]
        growth_mb = statistics.median(growths)
        naive = await self.naive_reference(count)
        naive_mb = (naive["peak_kb"] - naive["idle_kb"]) / 1024
        spread = f"; runs {', '.join(f'+{g:.0f}' for g in growths)} MiB" if len(growths) > 1 else ""
        bench.rows.append(
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
        bench.notes.append(
            f"Figure 2: MAX_CONCURRENT_CLONES={slots}, so all {count} run at once. Idle = VmRSS after one small "
            f"warm-up clone ({typical['fresh_kb'] / 1024:.0f} MiB straight after start); peak = VmHWM "
            f"({'reset to the idle RSS through /proc/PID/clear_refs' if typical['exact'] else 'could not be reset'}) "
            f"and VmRSS sampled every 10 ms. Bot CPU for the {count} clones: {typical['cpu']}. The naive reference "
            "(bench/naive.py, its own process, measured the same way) downloads each file with `await resp.read()` "
            "and posts the bytes with `aiohttp.FormData`."
        )

    async def memory_once(self, count: int, slots: str, rep: int) -> dict:
        bench = self.bench
        async with bench.running_bot(f"memory-{rep + 1}", MAX_CONCURRENT_CLONES=slots) as (bot, client):
            fresh_kb = status_kb(bot.pid, "VmRSS")
            await bench.clone_and_wait(client, bench.small, "w")
            await asyncio.sleep(0.5)
            idle_kb = status_kb(bot.pid, "VmRSS")
            exact = reset_peak(bot.pid)
            sampler = RssSampler(bot.pid)
            sampler.start()
            cpu = CpuMeter(bot.pid)
            started = time.perf_counter()
            clones = list(await asyncio.gather(*(bench.share(client, bench.big, "m") for _ in range(count))))
            await bench.finished(clones, timeout=240)
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
        bench = self.bench
        jobs = [
            (file["url_private_download"], clone.file_id)
            for file, clone in (bench.host(bench.big, "n") for _ in range(count))
        ]
        spec = bench.workdir / "naive.json"
        spec.write_text(
            json.dumps({"token": BOT_TOKEN, "key": REVRING_KEY, "revring": bench.revring.api_url, "jobs": jobs})
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
