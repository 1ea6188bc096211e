"""Figure 4: throughput, clones per second of 100 small clones sent at once with RevRing answering at once, at the
default MAX_CONCURRENT_CLONES and at 32."""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter

from bench.core import Figure
from bench.fakes import Clone
from bench.report import CpuMeter, Row, latency_text, ms


class Throughput(Figure):
    async def run(self) -> None:
        bench = self.bench
        count = self.options.throughput_clones
        for slots in self.options.throughput_slots:
            label = f"MAX_CONCURRENT_CLONES={slots}" if slots else "MAX_CONCURRENT_CLONES=4 (default)"
            runs = [await self.throughput_once(count, slots, rep) for rep in range(self.options.throughput_reps)]
            runs.sort(key=lambda run: run["rate"])
            typical = runs[len(runs) // 2]
            rates = ", ".join(f"{run['rate']:.0f}" for run in runs)
            spread = f"; runs {rates}/s" if len(runs) > 1 else ""
            bench.rows.append(
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
            bench.notes.append(
                f"Figure 4 ({label}): bot CPU per clone {typical['cpu']}; the fakes and the load generator (the "
                f"benchmark's own process, on the other core) {ms(typical['fakes'].total)} per clone"
                + (f"; Slack Web API calls per clone: {per_clone}." if slots is None else ".")
            )

    async def throughput_once(self, count: int, slots: str | None, rep: int) -> dict:
        bench = self.bench
        async with bench.running_bot(f"throughput-{slots or 'default'}-{rep + 1}", MAX_CONCURRENT_CLONES=slots) as (
            bot,
            client,
        ):
            await bench.clone_and_wait(client, bench.small, "w")
            calls_before = Counter(bench.slack.counts)
            meter = CpuMeter(bot.pid)
            ours = CpuMeter(os.getpid())  # the fakes and the load generator
            started = time.perf_counter()

            async def one() -> tuple[Clone, float]:
                sent = time.perf_counter()
                clone = await bench.share(client, bench.small, "t")
                return clone, time.perf_counter() - sent

            sent = await asyncio.gather(*(one() for _ in range(count)))
            clones = [clone for clone, _ in sent]
            await bench.finished(clones, timeout=300)
            elapsed = max(c.finished_at for c in clones) - started
            cpu = meter.stop(count)
            fakes = ours.stop(count)
            calls = Counter(bench.slack.counts)
            calls.subtract(calls_before)
        return {
            "rate": count / elapsed,
            "elapsed": elapsed,
            "cpu": cpu,
            "fakes": fakes,
            "calls": calls,
            "acks": [seconds for _, seconds in sent],
        }
