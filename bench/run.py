"""Benchmarks of the real bot process against the test doubles: one table, every figure side by side.

    python -m bench                         # the table (about 2 minutes on 2 cores)
    python -m bench --profile DIR           # the same, with py-spy attached to the bot; stacks and summaries in DIR
    python -m bench --prototype NAMES       # the bot with proposed fixes patched in (see bench/prototypes.py)
    python -m bench --quick                 # smoke run (CI): every figure, a handful of clones each, under a minute

The bot runs as `python -m bot` (a fresh process per figure, SQLite in a temporary directory) on 127.0.0.1, with
SLACK_API_URL and REVRING_API_URL pointing at the doubles, which run in this process. These are measurements, not
tests: nothing here asserts a timing. A run fails (exit status 1) when a bot does not start, or a clone or an ack
fails or does not finish; that is all `--quick` checks (CI runs it). `--quick` runs figure 5 when PostgreSQL is
installed and skips it otherwise, except under CI=true, where a missing PostgreSQL fails the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import os
import platform
import shlex
import shutil
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.ack import AckLatency
from bench.core import FIGURES, MB, QUICK, Bench, Options
from bench.end_to_end import EndToEnd
from bench.memory import Memory
from bench.quality import recording_report
from bench.report import Row
from bench.several import Several
from bench.throughput import Throughput
from tests.bot_process import REPO
from tests.postgres import ClusterUnavailable, throwaway_cluster


def table(rows: list[Row]) -> str:
    head = ["Figure", "Condition", "Measured (bot)", "Reference, same run", "Target", "Met"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [row.figure, row.condition, row.measured, row.reference, row.target, row.met]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine_cpu_seconds() -> tuple[float, float]:
    """CPU time of every process on the machine since boot (user, nice, system), and steal time (the hypervisor
    running someone else). Interrupt time is left out: loopback traffic is counted there, not in a process."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    return (fields[0] + fields[1] + fields[2]) / ticks, (fields[7] if len(fields) > 7 else 0) / ticks


def own_cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (the bots, curl, the naive script, py-spy)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def code_version() -> str:
    """The commit measured, and whether bot/ had uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        argv = ["git", "-C", str(REPO), *args]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603

    try:
        commit, dirty = git("rev-parse", "--short", "HEAD"), git("status", "--porcelain", "--", "bot")
    except (OSError, subprocess.CalledProcessError):
        return f"{REPO} (not a git checkout)"
    return f"commit {commit}" + (" with uncommitted changes in bot/" if dirty else "")


def machine() -> str:
    memory = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / MB:.1f} GiB RAM"
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({cpu}), {memory}, Linux {platform.release()}, Python {platform.python_version()}"


async def run(options: Options) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="voice-cloner-bench-"))
    started = time.perf_counter()
    (machine_busy, machine_steal), own_busy = machine_cpu_seconds(), own_cpu_seconds()
    try:
        async with Bench(options, workdir) as bench:
            scenarios = {
                "ack": AckLatency(bench).run,
                "memory": Memory(bench).run,
                "e2e": EndToEnd(bench).run,
                "throughput": Throughput(bench).run,
            }
            if options.cluster is not None:
                scenarios["several"] = Several(bench, options.cluster).run

            async def quality() -> None:  # figure 6: the recording report's CPU (bench/quality.py)
                bench.rows.extend(recording_report(workdir, options.quick))

            scenarios["quality"] = quality
            for name in FIGURES:
                if name in options.only:
                    print(f"… {name}", file=sys.stderr, flush=True)
                    await scenarios[name]()
        print(f"Machine: {machine()}")
        print(f"Command: python -m bench {shlex.join(sys.argv[1:])}".rstrip())
        print(f"Code: {code_version()}")
        if options.quick:
            print("(--quick: a smoke run, a handful of samples per figure; not to be compared with the targets)")
        for skipped in options.skipped:
            print(f"({skipped})")
        if options.prototypes:
            print(f"Bot: `python -m bench.prototypes {options.prototypes}` (proposed fixes patched in, not bot/ as is)")
        if options.profile_dir is not None:
            print("(py-spy was attached to the bot during these runs: figures are a little slower than usual)")
        print()
        print(table(bench.rows))
        print()
        for note in bench.notes:
            print(f"- {note}")
        elapsed = time.perf_counter() - started
        busy, steal = machine_cpu_seconds()
        others = max(0.0, busy - machine_busy - (own_cpu_seconds() - own_busy))
        print(
            f"\nWhole run: {elapsed:.0f} s. Meanwhile other processes used {others:.1f} CPU-s "
            f"({100 * others / elapsed:.0f}% of one core) and the hypervisor stole {steal - machine_steal:.1f} "
            "CPU-s; more than a few % means a noisy run."
        )
        traces = [trace for trace in bench.traces if trace]
        if traces:
            print("\nSteps inside the bot (`--prototype trace`):\n\n" + "\n\n".join(traces))
        if options.profile_dir is not None:
            summary = "\n\n".join(bench.profiles)
            (options.profile_dir / "summary.txt").write_text(summary + "\n")
            print(f"\nProfiles (py-spy; collapsed stacks and bot logs in {options.profile_dir}):\n\n{summary}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: every figure with a handful of clones; fails if a bot does not start or a clone does not "
        "finish; figure 5 is skipped without PostgreSQL, except under CI=true",
    )
    parser.add_argument("--only", metavar="NAMES", help=f"comma-separated subset of: {','.join(FIGURES)}")
    parser.add_argument("--profile", metavar="DIR", type=Path, help="attach py-spy to the bot; write stacks to DIR")
    parser.add_argument("--profile-rate", metavar="HZ", type=int, default=250, help="py-spy samples per second")
    parser.add_argument(
        "--prototype",
        metavar="NAMES",
        default="",
        help="run the bot with these proposed fixes patched in (bench/prototypes.py)",
    )
    parser.add_argument(
        "--bot-env",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="an extra environment variable for the bot (repeatable)",
    )
    args = parser.parse_args(argv)
    options = Options(**QUICK) if args.quick else Options()
    if args.only:
        options.only = frozenset(name.strip() for name in args.only.split(","))
        if not options.only <= set(FIGURES):
            parser.error(f"--only takes names from: {','.join(FIGURES)}")
    if args.profile:
        args.profile.mkdir(parents=True, exist_ok=True)
        options.profile_dir = args.profile.resolve()
        options.profile_rate = args.profile_rate
    options.prototypes = args.prototype
    options.bot_env = dict(item.split("=", 1) for item in args.bot_env)
    # A SIGTERM ends the run as Ctrl-C does: the bots are stopped and the PostgreSQL cluster removed.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if "e2e" in options.only and shutil.which("curl") is None:
        print("figure 3 needs curl on the PATH (its baseline; apt-get install curl)", file=sys.stderr)
        return 2
    if "several" in options.only and args.quick and not args.only and not postgres_installed() and not under_ci():
        reason = "figure 5 skipped: PostgreSQL is not installed (apt-get install postgresql); under CI=true it fails"
        print(reason, file=sys.stderr)
        options.skipped.append(reason)
        options.only -= {"several"}
    with contextlib.ExitStack() as stack:
        if "several" in options.only:
            try:
                options.cluster = stack.enter_context(throwaway_cluster())
            except ClusterUnavailable as error:
                print(f"figure 5 needs PostgreSQL (apt-get install postgresql): {error}", file=sys.stderr)
                return 2
        try:
            return asyncio.run(run(options))
        except (RuntimeError, TimeoutError) as error:  # a bot did not start, a clone or an ack failed or hung
            traceback.print_exc()
            print(f"python -m bench: failed: {error or repr(error)}", file=sys.stderr)
            return 1


def postgres_installed() -> bool:
    """PostgreSQL's binaries, where tests/postgres.py looks for them (Debian's packages, or initdb on the PATH)."""
    return bool(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or shutil.which("initdb") is not None


def under_ci() -> bool:
    """CI=true, as the tests read it: there a missing PostgreSQL fails rather than skips."""
    return os.environ.get("CI", "").lower() == "true"
