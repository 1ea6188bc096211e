"""`python -m bench.prototypes NAMES`: start the bot (`bot.__main__.main`) with proposed fixes monkeypatched in.

Nothing in bot/ is changed: each prototype patches the running process only, so a fix can be measured before it is
written properly (`python -m bench --prototype NAMES`). NAMES is a comma-separated list of:

  ack-inline   Bolt's `process_before_response=True`: the command's answer goes out when the listener returns,
               instead of Bolt polling `ack.response` every 10 ms (slack_bolt/listener/asyncio_runner.py).
  events-bg    The file_share listener hands its work (dedupe claim, admission) to a task and returns at once, so
               with ack-inline an event's answer never waits for SQLite.
  member-cache `/clone-voice NAME` remembers for 5 minutes that the bot is in a channel, instead of calling
               conversations.info before every answer.
  pcm-header   For PCM audio (WAV), take the length from the header instead of decoding every packet.
  decode-cap   Stop decoding once the audio is known to be longer than the 60 s maximum (an excerpt is cut anyway);
               trust the container's length from there.
  react-bg     Reactions (a courtesy) are set in the background instead of before the download and after the result.
  chunk64k     Download in 64 KiB chunks instead of 256 KiB (less read buffer per download).
  pool         The bot's aiohttp session gets a connection limit above what the clones can hold
               (2 × MAX_CONCURRENT_CLONES + 20) instead of aiohttp's default 100, so Slack calls never wait for one.
  store-unlocked  The ack path's single-statement store calls (waiting command, recent audio) skip the store's one
               asyncio.Lock, so they no longer queue behind every clone's admission and job updates. (A sketch:
               the real fix runs each store operation as one call on the SQLite thread.)
  tracemalloc  Trace Python allocations; log the peak and, near it, the biggest allocation sites (slow: diagnosis only).
  trace        Log how long each step of a clone takes (`TRACE step seconds`), for `bench` to sum up.
"""

from __future__ import annotations

import functools
import logging
import sys
import time

_trace_log = logging.getLogger("bench.trace")


def ack_inline() -> None:
    from slack_bolt.app.async_app import AsyncApp

    import bot.app

    bot.app.AsyncApp = functools.partial(AsyncApp, process_before_response=True)


def events_bg() -> None:
    import asyncio

    import bot.listeners.events
    from bot.listeners.events.file_share import handle_file_share as original

    running: set[asyncio.Task] = set()

    # Bolt passes arguments by parameter name, so the wrapper keeps the original's names.
    async def handle_file_share(event, client, context):
        task = asyncio.create_task(original(event, client, context))
        running.add(task)
        task.add_done_callback(running.discard)

    bot.listeners.events.handle_file_share = handle_file_share


def member_cache() -> None:
    import bot.listeners.commands.clone_voice as clone_voice

    is_member = clone_voice._bot_is_member
    known: dict[str, float] = {}

    async def cached(client, channel_id):
        if time.monotonic() - known.get(channel_id, -1e9) < 300:
            return True
        member = await is_member(client, channel_id)
        if member:
            known[channel_id] = time.monotonic()
        return member

    clone_voice._bot_is_member = cached


def pcm_header() -> None:
    import bot.audio

    decode_all = bot.audio._decode_all

    def header_length(container, stream, what):
        if stream.codec_context.name.startswith("pcm_") and stream.duration and stream.time_base:
            for packet in container.demux(stream):
                packet.decode()  # the first packet still has to decode
                break
            return float(stream.duration * stream.time_base), stream.sample_rate
        return decode_all(container, stream, what)

    bot.audio._decode_all = header_length


def decode_cap() -> None:
    import bot.audio

    cap = bot.audio.AudioLimits().max_seconds + 1
    previous = bot.audio._decode_all  # pcm-header's, when it was applied first

    def capped(container, stream, what):
        if stream.codec_context.name.startswith("pcm_"):
            return previous(container, stream, what)
        seconds = 0.0
        sample_rate = 0
        packets = bad = 0
        for packet in container.demux(stream):
            if packet.size:
                packets += 1
            try:
                frames = packet.decode()
            except bot.audio.av.InvalidDataError:
                bad += 1
                continue
            for frame in frames:
                if frame.sample_rate:
                    seconds += frame.samples / frame.sample_rate
                    sample_rate = sample_rate or frame.sample_rate
            if seconds > cap:
                break
        if not sample_rate or seconds <= 0:
            raise bot.audio.NotAudio(f"{what} has no decodable audio")
        if bad > packets * bot.audio._MAX_BAD_PACKET_SHARE:
            raise bot.audio.NotAudio(f"{what}: {bad} of {packets} packets would not decode")
        return seconds, sample_rate

    measured = bot.audio._measured_seconds

    def trust_long(claimed, decoded, what):
        if claimed is not None and decoded > cap and claimed >= decoded:
            return claimed
        return measured(claimed, decoded, what)

    bot.audio._decode_all = capped
    bot.audio._measured_seconds = trust_long


def react_bg() -> None:
    import asyncio

    import bot.cloning

    react = bot.cloning.Cloner._react

    async def in_background(self, *args, **kwargs):
        self._track(asyncio.create_task(react(self, *args, **kwargs)))

    bot.cloning.Cloner._react = in_background


def chunk64k() -> None:
    import bot.slack_files

    bot.slack_files.CHUNK_BYTES = 64 * 1024


def trace() -> None:
    import bot.cloning
    import bot.revring
    import bot.store

    def timed(name, func):
        @functools.wraps(func)
        async def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return await func(*args, **kwargs)
            finally:
                _trace_log.info("TRACE %s %.6f", name, time.perf_counter() - started)

        return wrapper

    bot.cloning.download_slack_file = timed("download", bot.cloning.download_slack_file)
    bot.cloning.prepare_audio = timed("audio_check", bot.cloning.prepare_audio)
    bot.revring.RevRingClient.create_voice = timed("revring_upload", bot.revring.RevRingClient.create_voice)
    # Whichever of these the bot has (they are private and get renamed): the steps of a clone, and the store.
    cloner = bot.cloning.Cloner
    for method in ("run", "_clone", "_fetch_audio", "_upload", "_react", "_progress", "_finish", "_answer",
                   "_deliver", "_advance", "_full_file"):
        if hasattr(cloner, method):
            setattr(cloner, method, timed(f"Cloner.{method}", getattr(cloner, method)))
    store = bot.store.SQLiteStore
    for method in ("claim", "admit", "update_job", "take_recent_audio", "save_pending"):
        if hasattr(store, method):
            setattr(store, method, timed(f"store.{method}", getattr(store, method)))


def pool() -> None:
    import os
    import types

    import aiohttp

    import bot.app

    limit = 2 * int(os.environ.get("MAX_CONCURRENT_CLONES") or 4) + 20

    class Session(aiohttp.ClientSession):
        def __init__(self, *args, **kwargs):
            kwargs.setdefault("connector", aiohttp.TCPConnector(limit=limit))
            super().__init__(*args, **kwargs)

    bot.app.aiohttp = types.SimpleNamespace(**{**vars(aiohttp), "ClientSession": Session})


def store_unlocked() -> None:
    import json

    import bot.store

    store = bot.store.SQLiteStore

    async def put(self, table, key, data):
        await self.db.execute(
            f"INSERT OR REPLACE INTO {table} (team_id, channel_id, user_id, data, saved_at) "  # noqa: S608
            "VALUES (?, ?, ?, ?, ?)",
            (*key, json.dumps(data), self.clock()),
        )

    async def take(self, table, key):
        async with self.db.execute(
            f"DELETE FROM {table} WHERE team_id = ? AND channel_id = ? AND user_id = ? "  # noqa: S608
            "RETURNING data, saved_at",
            key,
        ) as cursor:
            row = await cursor.fetchone()
        if row is None or self.clock() - row[1] > self.ttl_seconds:
            return None
        return json.loads(row[0])

    store._put, store._take = put, take


def trace_malloc() -> None:
    import atexit
    import threading
    import tracemalloc

    tracemalloc.start(8)
    best: dict = {"current": 0, "snapshot": None}

    def watch() -> None:
        while True:
            current, _peak = tracemalloc.get_traced_memory()
            if current > best["current"] + 1024 * 1024:
                best["current"], best["snapshot"] = current, tracemalloc.take_snapshot()
            time.sleep(0.02)

    def report() -> None:
        current, peak = tracemalloc.get_traced_memory()
        lines = [f"TRACEMALLOC peak {peak / 2**20:.1f} MiB, now {current / 2**20:.1f} MiB; "
                 f"biggest sites at {best['current'] / 2**20:.1f} MiB:"]
        if best["snapshot"] is not None:
            for stat in best["snapshot"].statistics("traceback")[:8]:
                frames = " <- ".join(f"{f.filename.rsplit('site-packages/', 1)[-1]}:{f.lineno}" for f in
                                     list(stat.traceback)[::-1][:4])
                lines.append(f"  {stat.size / 2**20:6.2f} MiB in {stat.count} blocks: {frames}")
        _trace_log.warning("\n".join(lines))

    threading.Thread(target=watch, daemon=True).start()
    atexit.register(report)


PROTOTYPES = {
    "ack-inline": ack_inline,
    "events-bg": events_bg,
    "member-cache": member_cache,
    "pcm-header": pcm_header,
    "decode-cap": decode_cap,
    "react-bg": react_bg,
    "chunk64k": chunk64k,
    "pool": pool,
    "store-unlocked": store_unlocked,
    "trace": trace,
    "tracemalloc": trace_malloc,
}


def main() -> int:
    names = [name for name in (sys.argv[1] if len(sys.argv) > 1 else "").split(",") if name]
    unknown = [name for name in names if name not in PROTOTYPES]
    if unknown:
        print(f"unknown prototype(s): {', '.join(unknown)}\n\n{__doc__}", file=sys.stderr)
        return 2
    for name in names:
        PROTOTYPES[name]()
    print(f"prototypes applied: {', '.join(names) or 'none'}", flush=True)
    from bot.__main__ import main as bot_main

    return bot_main([])


if __name__ == "__main__":
    sys.exit(main())
