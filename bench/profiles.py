"""Summaries of py-spy's collapsed stacks (`--format raw --threads`): where the CPU went, per thread.

`python -m bench.profiles FILE...` prints the summary of stacks recorded earlier.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*):(?P<line>\d+)\)$")
# Leaf frames of a thread that is waiting, not working (py-spy cannot always tell them apart here).
_IDLE = {
    "EpollSelector.select (selectors.py)",
    "_worker (concurrent/futures/thread.py)",  # an executor thread waiting for work
    "_connection_worker_thread (aiosqlite/core.py)",  # aiosqlite's thread waiting for a statement
    "Condition.wait (threading.py)",
    "Event.wait (threading.py)",
}


# What the event loop was doing, judged by the first of these found anywhere in a sample's stack.
_ACTIVITIES = (
    ("Slack Web API calls (slack_sdk)", ("slack_sdk/",)),
    ("SQLite store (aiosqlite)", ("aiosqlite/", "bot/store/")),
    ("download from Slack", ("download_slack_file", "_stream_to_file")),
    ("upload to RevRing", ("RevRingClient.", "_post_once")),
    ("audio check (loop side)", ("prepare_audio",)),
    ("Bolt: verify, parse, dispatch a request", ("slack_bolt/", "_slack_events")),
    ("aiohttp server: read and answer requests", ("aiohttp/web_protocol.py", "aiohttp/web_", "aiohttp/http_parser")),
    (
        "thread hand-offs (to_thread, executor results)",
        ("threads.py", "run_in_executor", "_read_from_self", "futures.py", "_chain_future", "ThreadPoolExecutor"),
    ),
    ("logging", ("logging/",)),
    (
        "other bot code",
        ("bot/cloning/", "bot/listeners/", "bot/messages/", "bot/library/", "bot/workspaces/"),
    ),
    (
        "pausing/resuming sockets (flow control: epoll register/unregister)",
        (
            "_PollLikeSelector.register",
            "_PollLikeSelector.unregister",
            "_add_reader",
            "_remove_reader",
            "pause_reading",
            "resume_reading",
        ),
    ),
    ("socket reads: response bytes into aiohttp (mostly downloads)", ("aiohttp/client_proto.py", "_read_ready")),
    ("socket writes, event-loop bookkeeping", ("selector_events.py", "base_events.py", "events.py")),
)


def _activity(frames: list[str]) -> str:
    for label, markers in _ACTIVITIES:
        if any(marker in frame for frame in frames for marker in markers):
            return label
    return "other"


def _short(frame: str) -> str:
    """`func (aiohttp/streams.py:123)` -> `func (aiohttp/streams.py)`: per function, not per line."""
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match["file"]
    for marker in ("site-packages/", "/lib/python3.11/", "/lib/python3.12/", "/lib/python3.13/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['func']} ({path})"


def summarize(path: Path, top: int = 20) -> str:
    """Busy samples per thread; for the event-loop thread the functions with the most samples, inclusive and self."""
    if not path.exists() or not path.read_text().strip():
        return f"(no samples in {path.name})"
    per_thread: Counter[str] = Counter()
    idle: Counter[str] = Counter()
    loop_inclusive: Counter[str] = Counter()
    loop_self: Counter[str] = Counter()
    loop_activity: Counter[str] = Counter()
    other_self: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        thread, *frames = stack.split(";")
        funcs = [_short(frame) for frame in frames]
        name = thread.split(": ", 1)[-1]
        if not funcs or funcs[-1] in _IDLE:
            idle[name] += count
            continue
        per_thread[name] += count
        if name == "MainThread":
            for func in set(funcs):
                loop_inclusive[func] += count
            loop_self[funcs[-1]] += count
            loop_activity[_activity(frames)] += count
        else:
            other_self[funcs[-1]] += count
    busy = sum(per_thread.values())
    lines = [f"{path.name}: {busy} busy samples ({sum(idle.values())} idle samples left out)"]
    lines += [f"  {name}: {count} busy" for name, count in per_thread.most_common()]
    loop_total = per_thread["MainThread"]
    if loop_total:
        lines.append(f"  event loop (MainThread) by activity, share of its {loop_total} busy samples:")
        lines += [f"    {100 * n / loop_total:5.1f}%  {a}" for a, n in loop_activity.most_common()]
        lines.append(f"  event loop (MainThread), inclusive, share of its {loop_total} busy samples:")
        lines += [f"    {100 * n / loop_total:5.1f}%  {f}" for f, n in loop_inclusive.most_common(top)]
        lines.append("  event loop, self (leaf frames):")
        lines += [f"    {100 * n / loop_total:5.1f}%  {f}" for f, n in loop_self.most_common(top // 2)]
    other_total = sum(other_self.values())
    if other_total:
        lines.append(f"  other threads, self (leaf frames), share of their {other_total} busy samples:")
        lines += [f"    {100 * n / other_total:5.1f}%  {f}" for f, n in other_self.most_common(top // 2)]
    return "\n".join(lines)


if __name__ == "__main__":
    print("\n\n".join(summarize(Path(name)) for name in sys.argv[1:]))
