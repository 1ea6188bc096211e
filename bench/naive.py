"""The naive reference for the memory figure: read each Slack download whole into memory, then post the bytes.

`python -m bench.naive SPEC.json` runs every job in the spec at once and prints one JSON line: resident memory when
idle (aiohttp imported, session open) and at its peak (VmHWM), and the seconds taken. The benchmark runs it as its own
process and reads memory the same way it reads the bot's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

import aiohttp


def _kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


async def _job(session: aiohttp.ClientSession, spec: dict, url: str, name: str) -> None:
    async with session.get(url, headers={"Authorization": f"Bearer {spec['token']}"}) as resp:
        resp.raise_for_status()
        audio = await resp.read()  # the whole file, in memory
    form = aiohttp.FormData()
    form.add_field("displayName", name)
    form.add_field("voice", audio, filename=f"{name}.wav", content_type="audio/wav")
    async with session.post(f"{spec['revring']}/voices", data=form, headers={"x-api-key": spec["key"]}) as resp:
        if resp.status != 201:
            raise RuntimeError(f"RevRing answered {resp.status}")
        await resp.read()


async def main(spec: dict) -> dict:
    async with aiohttp.ClientSession() as session:
        idle = _kb("VmRSS")
        started = time.perf_counter()
        await asyncio.gather(*(_job(session, spec, url, name) for url, name in spec["jobs"]))
        seconds = time.perf_counter() - started
    return {"idle_kb": idle, "peak_kb": _kb("VmHWM"), "seconds": seconds}


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(json.loads(Path(sys.argv[1]).read_text())))))
