"""`python -m bot`'s web server, driven by hand so that a stop drains the bot the way a load balancer needs.

On SIGTERM (or Ctrl-C): /readyz answers 503 at once and no new clone starts, while the port keeps answering —
the balancer sees the 503 and stops sending, and Slack requests that still arrive are acknowledged as usual.
Running clones get their grace; only then does the server stop and the resources close. A second signal changes
nothing. (aiohttp's `run_app` would stop listening at the first signal.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Coroutine
from typing import Any

from aiohttp import web

from bot.app import drain

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
# Once the clones have had their grace, requests still being handled get this long before the server closes.
CLOSE_SECONDS = 3.0


async def serve(web_app: web.Application, *, host: str, port: int, on_listening: Callable[[], None]) -> None:
    """Start `web_app` (a failure to start raises, as `AppRunner.setup` and `TCPSite.start` do), call
    `on_listening` once the port is bound, and serve until a stop signal; then drain and stop. A signal during
    start-up stops it there, closing whatever was opened."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, _on_stop_signal, stop)
    runner = web.AppRunner(web_app, shutdown_timeout=CLOSE_SECONDS)
    if not await _unless_stopped(runner.setup(), stop):
        return
    try:
        await web.TCPSite(runner, host, port).start()
        on_listening()
        await stop.wait()
        await drain(web_app)
    finally:
        await runner.cleanup()


def _on_stop_signal(stop: asyncio.Event) -> None:
    if stop.is_set():  # a second SIGTERM, as impatient platforms send, or Ctrl-C again: the grace stays
        log.info("already shutting down; waiting for running clones")
    stop.set()


async def _unless_stopped(starting: Coroutine[Any, Any, None], stop: asyncio.Event) -> bool:
    """Run `starting` to the end (its error raises) unless `stop` is set first: then cancel it, and say False."""
    start = asyncio.ensure_future(starting)
    stopped = asyncio.ensure_future(stop.wait())
    await asyncio.wait({start, stopped}, return_when=asyncio.FIRST_COMPLETED)
    stopped.cancel()
    if start.done():
        start.result()
        return True
    start.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await start
    log.info("stopped during start-up")
    return False
