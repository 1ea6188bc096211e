"""The bot as a real process (`python -m bot`), for tests that kill, stop and restart it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp

from tests.conftest import SIGNING_SECRET, BotClient, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import eventually

REPO = Path(__file__).resolve().parent.parent
_OUR_SETTINGS = (
    "SLACK_",
    "REVRING_",
    "MAX_",
    "MIN_",
    "IDEAL_",
    "EXCERPT_",
    "PORT",
    "DATABASE_",
    "CLONES_",
    "SHUTDOWN_",
    "JOB_",
    "QUALITY_",
)


def process_env(settings: dict[str, str]) -> dict[str, str]:
    """The machine's environment without any bot setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OUR_SETTINGS)}
    env["PYTHONPATH"] = str(REPO)
    env.update(settings)
    return env


async def answers_health_checks(
    url: str, process: asyncio.subprocess.Process, seconds: float = 15.0, interval: float = 0.05
) -> bool:
    """Poll `url`/healthz until it answers 200 (True), the process exits or `seconds` pass (False)."""
    async with aiohttp.ClientSession() as session:

        async def answered_or_exited() -> str | None:
            if process.returncode is not None:
                return "exited"
            try:
                async with session.get(f"{url}/healthz") as health:
                    return "answered" if health.status == 200 else None
            except aiohttp.ClientConnectionError:
                return None

        try:
            return await eventually(answered_or_exited, seconds, interval) == "answered"
        except TimeoutError:
            return False


class BotProcess:
    def __init__(self, settings: dict[str, str], cwd: Path) -> None:
        self.settings = settings
        self.cwd = cwd
        self.process: asyncio.subprocess.Process | None = None
        self.url = f"http://127.0.0.1:{settings['PORT']}"
        self.output = b""
        self._runs = 0
        self._log = cwd / "bot.log"

    async def start(self) -> None:
        # Output goes to a file: a pipe nobody reads while the bot runs would fill up and stall it.
        self._log = self.cwd / f"bot-{self._runs}.log"
        self._runs += 1
        with self._log.open("wb") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=self.cwd,
                env=process_env(self.settings),
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
            )
        if not await answers_health_checks(self.url, self.process):
            raise AssertionError(f"the bot did not start: {await self.stop()!r}")

    async def stop(self, sig: int = signal.SIGKILL, timeout: float = 30) -> bytes:
        """Send `sig`, wait for the exit, and return everything the process printed."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        await asyncio.wait_for(self.process.wait(), timeout)
        self.output += self._log.read_bytes()
        return self.output

    def printed(self) -> str:
        """What the running process has printed so far."""
        return self._log.read_text(errors="replace") if self._log.exists() else ""

    def signal(self, sig: int) -> None:
        assert self.process is not None and self.process.returncode is None
        self.process.send_signal(sig)

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode


@asynccontextmanager
async def bot_process(
    fakes: tuple[FakeSlack, FakeRevRing], cwd: Path, port: int, **env: str
) -> AsyncIterator[tuple[FakeSlack, FakeRevRing, BotProcess, BotClient]]:
    """The bot as a process (not started yet) on the fakes, its SQLite file in `cwd`, `env` over the tests'
    settings, and a client; afterwards it is stopped and whatever the test held at the fakes is let go."""
    slack, revring = fakes
    settings = make_env(slack, revring, DATABASE_URL=f"sqlite:///{cwd}/bot.sqlite3", PORT=str(port), **env)
    bot = BotProcess(settings, cwd)
    async with aiohttp.ClientSession() as session:
        yield slack, revring, bot, BotClient(bot.url, session, SIGNING_SECRET, f"{slack.url}/response")
    if bot.returncode is None:
        await bot.stop()
    revring.release_slow.set()
    if slack.stall_downloads is not None:
        slack.stall_downloads.set()
    for held in slack.held.values():
        held.set()
