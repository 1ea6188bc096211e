"""Slack's answer goes out the moment a listener acknowledges.

Bolt runs with `process_before_response=True`: it answers a request when its listener returns, instead of starting
the listener and looking every 10 ms whether it has called `ack()` yet (slack_bolt's asyncio_runner), which made
every answer take at least ~12 ms and, on a busy event loop, several times that. What a listener does after `ack()`
(open a dialog, start a clone, call RevRing) must then not hold the answer back: `answered` runs the listener in a
task of its own and returns as soon as it has acknowledged, or at once for an event (Bolt acknowledges those
itself). A failure after that point goes to the same error handler Bolt would have called, as acknowledged.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.listeners.refusals import refuse_what_bolt_cannot_read
from bot.listeners.services import services

log = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[Any]]

_MARK = "answers_on_ack"

# What the wrapper itself needs from Bolt, besides what the listener asks for (Bolt passes arguments by name).
_OWN = ("ack", "body", "context", "client")


class _Acknowledging(AsyncAck):
    """The request's own `ack`, which also says when it was called."""

    def __init__(self, ack: AsyncAck) -> None:
        super().__init__()
        self._ack = ack
        self.called = asyncio.Event()

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return await self._ack(*args, **kwargs)
        finally:
            self.called.set()


def answered(listener: Listener) -> Listener:
    """`listener`, answered as soon as it calls `ack()` (at once for an event), the rest of it run in a task."""
    wanted = list(inspect.signature(listener).parameters)
    extra = [name for name in _OWN if name not in wanted]
    parameters = [
        *inspect.signature(listener).parameters.values(),
        *(inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in extra),
    ]

    async def run(**given: Any) -> None:
        ack: AsyncAck = given["ack"]
        acknowledging = _Acknowledging(ack)
        arguments = {name: given[name] for name in wanted}
        if "ack" in arguments:
            arguments["ack"] = acknowledging
        task = services(given["context"]).unfinished.spawn(_run(listener, arguments, given, acknowledging))
        if "ack" not in wanted:
            return  # an event: Bolt acknowledges it when this returns
        called = asyncio.ensure_future(acknowledging.called.wait())
        try:
            await asyncio.wait((called, task), return_when=asyncio.FIRST_COMPLETED)
        finally:
            called.cancel()
        if task.done() and not acknowledging.called.is_set():
            task.result()  # it ended without acknowledging: its failure is Bolt's to handle, as before

    run.__name__ = getattr(listener, "__name__", "listener")
    run.__qualname__ = getattr(listener, "__qualname__", run.__name__)
    run.__doc__ = listener.__doc__
    # Bolt reads the names of the arguments to pass from the function's signature.
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    setattr(run, _MARK, True)
    return run


def answers_on_ack(function: Callable[..., Any]) -> bool:
    """Whether `function` (a listener as registered) was made by `answered`."""
    return bool(getattr(function, _MARK, False))


async def _run(
    listener: Listener, arguments: dict[str, Any], given: dict[str, Any], acknowledging: _Acknowledging
) -> None:
    try:
        await listener(**arguments)
    except Exception as error:
        if "ack" in arguments and not acknowledging.called.is_set():
            raise  # not answered yet: Bolt answers it through its error handler
        context: AsyncBoltContext = given["context"]
        client: AsyncWebClient = given["client"]
        await refuse_what_bolt_cannot_read(error, None, given["body"], context, client)
