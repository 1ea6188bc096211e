"""Start the real bot on loopback against a fake Slack and a fake RevRing; talk to it over signed HTTP."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.signature import SignatureVerifier

from bot.app import BOLT, SERVICES, create_web_app
from bot.config import Settings
from bot.library import home
from bot.listeners.services import Services
from tests import slack_payloads
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.slack_payloads import CHANNEL, TEAM, USER

pytest_plugins = ["tests.postgres", "tests.store_backends"]  # a PostgreSQL cluster; store tests on each backend

# Modules whose every test runs the bot as a separate process (`python -m bot`): marked `process`, so mutation runs
# (which cannot reach another process) leave them out. Elsewhere the marker is set test by test.
_PROCESS_MODULES = {
    "test_restarts",
    "test_cli_clone",
    "test_cli_inspect",
    "test_several_instances",
    "test_distribution_postgres",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in _PROCESS_MODULES:
            item.add_marker(pytest.mark.process)


@pytest.fixture(autouse=True)
def home_refreshed_after_every_clone(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot refreshes a person's Home after their clones at most every few seconds; tests that clone one after
    another wait for each refresh, so in-process bots refresh after every answer (test_home_refresh.py tests the
    interval itself)."""
    monkeypatch.setattr(home, "REFRESH_SECONDS", 0.0)


BOT_TOKEN = "xoxb-test-bot-token-1234567890"
SIGNING_SECRET = "8f742231b10e8888abcd99111222a5a5"
REVRING_KEY = "rr_test_key_abcdef123456"


@dataclass
class Answer:
    status: int
    body: Any

    @property
    def text(self) -> str:
        """What the person sees of an ack: Bolt sends plain text, or JSON with `text`."""
        if isinstance(self.body, dict):
            return str(self.body.get("text", ""))
        return str(self.body or "")


class BotClient:
    """Sends Slack-shaped, correctly signed requests to the running bot."""

    def __init__(self, url: str, session: aiohttp.ClientSession, signing_secret: str, response_url: str) -> None:
        self.url = url
        self.response_url = response_url
        self.session = session
        self.verifier = SignatureVerifier(signing_secret)
        self._ids = itertools.count(1)

    async def post(
        self, body: str, content_type: str, *, headers: dict[str, str] | None = None, timestamp: int | None = None
    ) -> Answer:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": self.verifier.generate_signature(timestamp=ts, body=body),
            **(headers or {}),
        }
        async with self.session.post(f"{self.url}/slack/events", data=body.encode(), headers=signed) as response:
            text = await response.text()
            try:
                parsed: Any = json.loads(text) if text else None
            except ValueError:
                parsed = text
            return Answer(response.status, parsed)

    def _trigger_id(self) -> str:
        return f"trigger-{next(self._ids)}"

    async def command(self, text: str, *, user: str = USER, channel: str = CHANNEL, team: str = TEAM) -> Answer:
        form = slack_payloads.slash_command(
            text, user=user, channel=channel, team=team, response_url=self.response_url, trigger_id=self._trigger_id()
        )
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> Answer:
        """A block action, shortcut or view submission: form-encoded `payload=<json>`.

        Payloads from tests/slack_payloads.py are sent as they are. A hand-written, partial one (Slack always
        sends `is_enterprise_install`; it has none) is completed from the fixture of its type, with this client's
        response_url and a fresh trigger_id, so it still has Slack's shape.
        """
        kind = slack_payloads.INTERACTIVE.get(payload.get("type", ""))
        if kind and "is_enterprise_install" not in payload:
            complete = slack_payloads.fixture(kind)
            complete.update(
                trigger_id=self._trigger_id(),
                **({"response_url": self.response_url} if "response_url" in complete else {}),
            )
            payload = {**complete, **payload}
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def click_payload(
        self, button: dict[str, Any], channel: str, *, message_ts: str | None = None, user: str = USER
    ) -> dict[str, Any]:
        """The block_actions payload Slack sends when `user` clicks `button` in a message in `channel`
        (an ephemeral one when there is no `message_ts`)."""
        return slack_payloads.block_actions(
            button,
            channel=channel,
            message_ts=message_ts,
            user=user,
            response_url=self.response_url,
            trigger_id=self._trigger_id(),
        )

    async def click(self, button: dict[str, Any], channel: str, **kwargs: Any) -> Answer:
        return await self.interaction(self.click_payload(button, channel, **kwargs))

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None, team: str = TEAM
    ) -> Answer:
        envelope = slack_payloads.event_callback(
            event, event_id=event_id or f"Ev{next(self._ids):08d}", event_time=int(time.time()), team=team
        )
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else None
        return await self.post(json.dumps(envelope), "application/json", headers=headers)

    async def share_file(
        self,
        file: dict[str, Any],
        *,
        text: str = "",
        user: str = USER,
        channel: str = CHANNEL,
        ts: str | None = None,
        thread_ts: str | None = None,
        **kwargs: Any,
    ) -> tuple[Answer, str]:
        """Post the `message`/`file_share` event Slack sends for an upload; return the answer and the ts."""
        ts = ts or f"1699999999.{next(self._ids):06d}"
        event = slack_payloads.file_share_event(
            [file], text=text, user=user, channel=channel, ts=ts, thread_ts=thread_ts
        )
        return await self.event(event, **kwargs), ts


class Listeners:
    """The bot's Bolt listeners as they run: Bolt's listener start and completion handlers, wrapped to count.

    A listener of the Events API runs after Slack's request was acknowledged, and a command's or an action's may go
    on after its ack: an answer alone does not say the bot is done with a request. Bolt schedules the listener while
    it dispatches the request, so in this one event loop it has started before the answer reaches the test; once as
    many listeners have returned as have started, the bot has done all it does for the requests answered so far,
    except the clones it took in (they run beside, as jobs)."""

    def __init__(self, bolt: AsyncApp) -> None:
        runner = bolt.listener_runner
        self._start, self._completion = runner.listener_start_handler, runner.listener_completion_handler
        runner.listener_start_handler = _Hook(self._started)  # type: ignore[assignment]
        runner.listener_completion_handler = _Hook(self._returned)  # type: ignore[assignment]
        self.started = 0
        self.returned = 0
        self._changed = asyncio.Condition()

    async def _started(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        self.started += 1
        await self._start.handle(request=request, response=response)

    async def _returned(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        await self._completion.handle(request=request, response=response)
        async with self._changed:
            self.returned += 1
            self._changed.notify_all()

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait until every listener started so far has returned."""

        async def all_returned() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self.returned >= self.started)

        await asyncio.wait_for(all_returned(), timeout)


@dataclass
class _Hook:
    """Stands in for a Bolt listener start or completion handler."""

    call: Any

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        await self.call(request, response)


@dataclass
class Harness:
    slack: FakeSlack
    revring: FakeRevRing
    bot: BotClient
    settings: Settings
    web_app: web.Application | None = None  # the running bot, for tests that drive its store's clock
    listeners: Listeners | None = None

    def __post_init__(self) -> None:
        if self.listeners is None and self.web_app is not None and BOLT in self.web_app:
            self.listeners = Listeners(self.web_app[BOLT])

    @property
    def services(self) -> Services:
        assert self.web_app is not None
        return self.web_app[SERVICES]

    async def settled(self) -> None:
        """Wait until every listener of the requests answered so far has returned: nothing they would do is still to
        come. The clones they took in run on as jobs (helpers.clones lists them; wait for what they show in Slack)."""
        assert self.listeners is not None, "a harness without the running app cannot see its listeners"
        await self.listeners.settled()
        # A listener answers as soon as it acknowledges and goes on in a task (bot/listeners/answering.py).
        await asyncio.wait_for(self.services.unfinished.idle(), 10)


def make_env(slack: FakeSlack, revring: FakeRevRing, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "REVRING_API_KEY": REVRING_KEY,
        "SLACK_API_URL": slack.api_url,
        "REVRING_API_URL": revring.api_url,
        "REVRING_TIMEOUT": "2",
        "DATABASE_URL": ":memory:",  # tests that restart the bot pass a file
        # The tones most tests clone are no voice at all; tests of the recording check (test_recording_quality.py)
        # turn it on.
        "QUALITY_CHECK": "off",
    }
    env.update(overrides)
    return {k: v for k, v in env.items() if v}


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeSlack, FakeRevRing]]:
    slack = FakeSlack(BOT_TOKEN)
    revring = FakeRevRing(REVRING_KEY)
    await slack.start()
    await revring.start()
    yield slack, revring
    await revring.stop()
    await slack.stop()
    slack.assert_only_known_methods_called()


async def start_bot(settings: Settings) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(create_web_app(settings), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def harness(fakes: tuple[FakeSlack, FakeRevRing], request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    slack, revring = fakes
    overrides = getattr(request, "param", {}) or {}
    slack.app_token = overrides.get("SLACK_APP_TOKEN")
    settings = Settings.from_env(make_env(slack, revring, **overrides))
    runner, url = await start_bot(settings)
    async with aiohttp.ClientSession() as session:
        yield Harness(
            slack, revring, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"), settings, runner.app
        )
    await runner.cleanup()
