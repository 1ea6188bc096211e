"""The acks taken while clones start, sampled from a process of their own.

The fakes (Slack's Web API and file host, RevRing) and the load generator share the benchmark's event loop: while
50 clones start, that loop serves 50 downloads and a few hundred Web API calls, and an ack sampled from it waits
for that loop as well as for the bot. Slack's own servers do not wait for the fakes, so this sampler runs apart:
`python -m bench.ack_sampler URL SECRET RESPONSE_URL` sends signed `/clone-voice Rachel` one after another between a
`start` and a `stop` line on its stdin, then prints the latencies (seconds) as one JSON line and waits for the next
`start`, until its stdin closes. A command starts at most every `PACE_SECONDS` (100 a second, about the rate the
sampler inside the benchmark's busy loop reached): unpaced, its 1–2 ms answers became a flood of several hundred
commands a second that held the clones back.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import aiohttp

from tests.conftest import BotClient

PACE_SECONDS = 0.010


async def _line(reader: asyncio.StreamReader) -> str:
    return (await reader.readline()).decode().strip()


async def main(url: str, secret: str, response_url: str) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    async with aiohttp.ClientSession() as session:
        client = BotClient(url, session, secret, response_url)
        await client.command("Rachel")  # the connection opened before anything is measured
        print("ready", flush=True)
        while await _line(reader) == "start":
            latencies: list[float] = []
            stop = asyncio.ensure_future(_line(reader))
            while not stop.done():
                started = time.perf_counter()
                answer = await asyncio.wait_for(client.command("Rachel"), 30)
                latencies.append(time.perf_counter() - started)
                if answer.status != 200 or "Rachel" not in answer.text:
                    raise RuntimeError(f"unexpected ack: {answer}")
                await asyncio.wait((stop,), timeout=max(0.0, started + PACE_SECONDS - time.perf_counter()))
            print(json.dumps(latencies), flush=True)


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
