"""Figure 3: one 20 MB clone end to end (signed event → result posted) against `curl` downloading and uploading the
same file; also with a slow fake Slack Web API and with a long MP3."""

from __future__ import annotations

import asyncio
import os
import statistics
import time

from bench.core import MB, Figure
from bench.fakes import Clone
from bench.report import CpuMeter, Row, ms
from tests.conftest import BOT_TOKEN, REVRING_KEY


class EndToEnd(Figure):
    async def run(self) -> None:
        bench = self.bench
        reps = self.options.e2e_reps
        size_mb = len(bench.big) / MB
        runs: list[Clone] = []
        curl_runs: list[tuple[float, float]] = []
        slow_runs: list[Clone] = []
        mp3_runs: list[Clone] = []
        async with bench.running_bot("e2e") as (bot, client):
            await bench.clone_and_wait(client, bench.big, "w")
            await self.curl_once()
            meter = CpuMeter(bot.pid)
            for _ in range(reps):  # bot and curl take turns, so both see the same machine
                runs.append(await bench.clone_and_wait(client, bench.big, "e"))
                curl_runs.append(await self.curl_once())
            cpu = meter.stop(reps)
            curl_start = statistics.median([await self.curl_start() for _ in range(reps)])
            if self.options.slack_latency_samples:
                bench.slack.api_delay = 0.1
                try:
                    for _ in range(3):
                        slow_runs.append(await bench.clone_and_wait(client, bench.big, "s"))
                finally:
                    bench.slack.api_delay = 0.0
            if bench.mp3:
                for _ in range(3):
                    mp3_runs.append(await bench.clone_and_wait(client, bench.mp3, "q", 120, "mp3"))
        bot_total = statistics.median(c.finished_at - c.sent_at for c in runs)
        curl_total = statistics.median(down + up for down, up in curl_runs)
        ratio = bot_total / curl_total
        bench.rows.append(
            Row(
                "3 one clone end to end",
                f"{size_mb:.1f} MiB WAV: signed event → result chat.update (median of {reps})",
                ms(bot_total),
                f"`curl` download, then `curl -F` upload: {ms(curl_total)} → bot = {ratio:.2f}× baseline",
                "≤ 1.25× baseline",
                "yes" if ratio <= 1.25 else "no",
            )
        )
        bench.notes.append(
            f"Figure 3, where the bot's time goes: {phases(runs)}; bot CPU per clone {cpu}. "
            f"curl: download {ms(statistics.median(d for d, _ in curl_runs))}, upload "
            f"{ms(statistics.median(u for _, u in curl_runs))}; each includes starting curl and "
            f'connecting ({ms(curl_start)}: `curl` of a 2-byte answer). "Download done" is when the '
            "fake Slack handed its last byte to the socket; the bot reads the last few MB after that."
        )
        if slow_runs:
            total = statistics.median(c.finished_at - c.sent_at for c in slow_runs)
            bench.rows.append(
                Row(
                    "3 one clone end to end",
                    f"same WAV, fake Slack Web API answering each call after 100 ms (median of {len(slow_runs)})",
                    ms(total),
                    "—",
                    "(information)",
                )
            )
            bench.notes.append(f"Figure 3 with 100 ms Slack calls: {phases(slow_runs)}.")
        if mp3_runs:
            total = statistics.median(c.finished_at - c.sent_at for c in mp3_runs)
            bench.rows.append(
                Row(
                    "3 one clone end to end",
                    f"{len(bench.mp3) / MB:.0f} MiB MP3 (21 min, a 30 s excerpt is sent; median of {len(mp3_runs)})",
                    ms(total),
                    "—",
                    "(information)",
                )
            )
            bench.notes.append(f"Figure 3, the MP3: {phases(mp3_runs)}.")

    async def curl_once(self) -> tuple[float, float]:
        bench = self.bench
        file, _clone = bench.host(bench.big, "c")
        dest = bench.workdir / "curl-download.wav"
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
            f"{bench.revring.api_url}/voices",
        )
        uploaded = time.perf_counter()
        if dest.stat().st_size != len(bench.big):
            raise RuntimeError("curl downloaded the wrong number of bytes")
        dest.unlink()
        return downloaded - started, uploaded - downloaded

    async def curl_start(self) -> float:
        bench = self.bench
        started = time.perf_counter()
        await self._run(
            "curl",
            "-sS",
            "-f",
            "-o",
            os.devnull,
            f"{bench.slack.url}/response",
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
