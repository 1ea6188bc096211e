"""`python -m bench.prototypes NAMES`: start the bot (`bot.__main__.main`) with proposed fixes monkeypatched in.

Nothing in bot/ is changed: each prototype patches the running process only, so a fix can be measured before it is
written properly (`python -m bench --prototype NAMES`). The prototypes of the fixes that have since landed in bot/
(member-cache, decode-cap, react-bg, pool, store-unlocked, ack-inline, events-bg; see BENCHMARKS.md) were
removed with them.
NAMES is a comma-separated list of:

  pcm-header   For PCM audio (WAV), take the length from the header instead of decoding every packet.
  chunk64k     Download in 64 KiB chunks instead of 256 KiB (less read buffer per download).
  tracemalloc  Trace Python allocations; log the peak and, near it, the biggest allocation sites (slow: diagnosis only).
  trace        Log how long each step of a clone takes (`TRACE step seconds`), for `bench` to sum up.
"""

from __future__ import annotations

import functools
import logging
import sys
import time

_trace_log = logging.getLogger("bench.trace")


def pcm_header() -> None:
    import bot.cloning.audio

    decode_all = bot.cloning.audio._decode_all

    def header_length(container, stream, what, stop_after=None):
        if stream.codec_context.name.startswith("pcm_") and stream.duration and stream.time_base:
            for packet in container.demux(stream):
                packet.decode()  # the first packet still has to decode
                break
            return float(stream.duration * stream.time_base), stream.sample_rate, True
        return decode_all(container, stream, what, stop_after)

    bot.cloning.audio._decode_all = header_length


def chunk64k() -> None:
    import bot.slack.files

    bot.slack.files.CHUNK_BYTES = 64 * 1024


def trace() -> None:
    import bot.cloning.cloner
    import bot.cloning.pipeline
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

    bot.cloning.pipeline.download_slack_file = timed("download", bot.cloning.pipeline.download_slack_file)
    bot.cloning.pipeline.prepare_audio = timed("audio_check", bot.cloning.pipeline.prepare_audio)
    bot.revring.RevRingClient.create_voice = timed("revring_upload", bot.revring.RevRingClient.create_voice)
    # Whichever of these the bot has (they are private and get renamed): the steps of a clone, and the store.
    cloner = bot.cloning.cloner.Cloner
    for method in ("run", "_progress", "_answer", "deliver", "_advance"):
        if hasattr(cloner, method):
            setattr(cloner, method, timed(f"Cloner.{method}", getattr(cloner, method)))
    store = bot.store.SQLStore
    for method in ("claim", "admit", "update_job", "take_recent_audio", "save_pending"):
        if hasattr(store, method):
            setattr(store, method, timed(f"store.{method}", getattr(store, method)))


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
        lines = [
            f"TRACEMALLOC peak {peak / 2**20:.1f} MiB, now {current / 2**20:.1f} MiB; "
            f"biggest sites at {best['current'] / 2**20:.1f} MiB:"
        ]
        if best["snapshot"] is not None:
            for stat in best["snapshot"].statistics("traceback")[:8]:
                frames = " <- ".join(
                    f"{f.filename.rsplit('site-packages/', 1)[-1]}:{f.lineno}" for f in list(stat.traceback)[::-1][:4]
                )
                lines.append(f"  {stat.size / 2**20:6.2f} MiB in {stat.count} blocks: {frames}")
        _trace_log.warning("\n".join(lines))

    threading.Thread(target=watch, daemon=True).start()
    atexit.register(report)


PROTOTYPES = {
    "pcm-header": pcm_header,
    "chunk64k": chunk64k,
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
