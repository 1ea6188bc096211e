"""Figure 1: `/clone-voice Rachel` ack latency with N clones in flight (held open at the fake RevRing), while they
start, with a slow fake Slack Web API and while long MP3s are checked; and the pool probe: more clones in flight than
the HTTP session's 100 connections."""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time

from bench.core import MB, Figure
from bench.report import Row, latency_text, ms, percentile
from tests.conftest import Answer


class AckLatency(Figure):
    async def run(self) -> None:
        bench = self.bench
        most = max(self.options.in_flight)
        slots = str(max(4, most + 14))
        figure = "1 `/clone-voice Rachel` ack"
        async with bench.running_bot("ack", MAX_CONCURRENT_CLONES=slots) as (_bot, client):
            await bench.clone_and_wait(client, bench.small, "w")
            for _ in range(50):
                await bench.timed_command(client)
            for n in self.options.in_flight:
                ramp: list[float] = []
                ramp_seconds: list[float] = []
                while True:  # start N clones, sampling acks, until enough acks were taken while clones started
                    bench.revring.hold = asyncio.Event()
                    started = time.perf_counter()
                    async with bench.acks_meanwhile(client) as acks:
                        clones = list(await asyncio.gather(*(bench.share(client, bench.small, "a") for _ in range(n))))
                        await bench.revring.wait_open(n, timeout=120)
                    ramp_seconds.append(time.perf_counter() - started)
                    ramp += acks
                    if n == 0 or len(ramp) >= self.options.ramp_samples:
                        break
                    bench.revring.hold.set()
                    await bench.finished(clones, timeout=120)
                held = [await bench.timed_command(client) for _ in range(self.options.ack_samples)]
                still_open = bench.revring.open_requests
                bench.revring.hold.set()
                bench.revring.hold = None
                await bench.finished(clones, timeout=120)
                if still_open != n:
                    raise RuntimeError(f"expected {n} clones held at RevRing, found {still_open}")
                met = ("yes" if percentile(held, 99) <= 0.050 else "no") if n == most else ""
                bench.rows.append(
                    Row(
                        figure,
                        f"N = {n} clones in flight (held open at RevRing)",
                        latency_text(held),
                        target="p99 ≤ 50 ms at N = 50",
                        met=met,
                    )
                )
                if n:
                    bench.rows.append(
                        Row(
                            figure,
                            f"while N = {n} clones start (event → held at RevRing; {len(ramp_seconds)} × "
                            f"{statistics.median(ramp_seconds):.2f} s)",
                            latency_text(ramp),
                            target="(information)",
                        )
                    )
            if self.options.slack_latency_samples:
                bench.slack.api_delay = 0.1
                try:
                    slow = [await bench.timed_command(client) for _ in range(self.options.slack_latency_samples)]
                finally:
                    bench.slack.api_delay = 0.0
                bench.rows.append(
                    Row(
                        figure,
                        "N = 0, fake Slack Web API answering each call after 100 ms "
                        "(like a real round trip to slack.com)",
                        latency_text(slow),
                        target="(information)",
                    )
                )
            if bench.mp3:
                count = self.options.mp3_clones
                started = time.perf_counter()
                async with bench.acks_meanwhile(client) as acks:
                    clones = [await bench.share(client, bench.mp3, "p", "mp3") for _ in range(count)]
                    await bench.finished(clones, timeout=300)
                bench.rows.append(
                    Row(
                        figure,
                        f"while {count} clones of a {len(bench.mp3) / MB:.0f} MiB MP3 (21 min) run "
                        f"(all {count} done in {time.perf_counter() - started:.1f} s)",
                        latency_text(acks),
                        target="(information)",
                    )
                )
        if self.options.pool_probe:
            await self.pool_probe(figure)
        bench.notes.append(
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
        bench = self.bench
        n = self.options.pool_probe
        async with bench.running_bot("ack-pool", MAX_CONCURRENT_CLONES=str(n + 18)) as (_bot, client):
            await bench.clone_and_wait(client, bench.small, "w")
            bench.revring.hold = asyncio.Event()
            clones = list(await asyncio.gather(*(bench.share(client, bench.small, "a") for _ in range(n))))
            with contextlib.suppress(TimeoutError):
                await bench.revring.wait_open(n, timeout=10)
            reached = bench.revring.open_requests
            await asyncio.sleep(16)
            answers = []
            for _ in range(3):
                started = time.perf_counter()
                try:  # Slack gives up on an answer after 3 s; so does this
                    answer = await asyncio.wait_for(client.command("Rachel"), 3.5)
                except TimeoutError:
                    answer = Answer(0, "no answer within 3.5 s")
                answers.append((time.perf_counter() - started, answer))
            bench.revring.hold.set()
            bench.revring.hold = None
            await bench.finished(clones, timeout=120)
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
        bench.rows.append(
            Row(
                figure,
                f"fresh bot, {n} clones started with MAX_CONCURRENT_CLONES={n + 18}: {reached} "
                f"held at RevRing for 16 s{waiting}",
                text,
                target="(information)",
            )
        )
