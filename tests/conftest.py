"""Start the real bot on loopback against a fake Slack and a fake RevRing; talk to it over signed HTTP."""

from __future__ import annotations

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
from slack_sdk.signature import SignatureVerifier

from bot.app import create_web_app
from bot.config import Settings
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack

pytest_plugins = ["tests.postgres", "tests.store_backends"]  # a PostgreSQL cluster; store tests on each backend

BOT_TOKEN = "xoxb-test-bot-token-1234567890"
SIGNING_SECRET = "8f742231b10e8888abcd99111222a5a5"
REVRING_KEY = "rr_test_key_abcdef123456"
TEAM = "T0TEAM"
USER = "U0ALICE"
CHANNEL = "C0VOICES"


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

    async def post(self, body: str, content_type: str, *, headers: dict[str, str] | None = None,
                   timestamp: int | None = None) -> Answer:
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

    async def command(self, text: str, *, user: str = USER, channel: str = CHANNEL, team: str = TEAM) -> Answer:
        form = {
            "token": "legacy",
            "team_id": team,
            "team_domain": "acme",
            "channel_id": channel,
            "channel_name": "voices",
            "user_id": user,
            "user_name": "alice",
            "command": "/clone-voice",
            "text": text,
            "api_app_id": "A0APP",
            "response_url": self.response_url,
            "trigger_id": f"trigger-{next(self._ids)}",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded")

    async def interaction(self, payload: dict[str, Any]) -> Answer:
        """A block action, shortcut or view submission: form-encoded `payload=<json>`."""
        payload = {
            "team": {"id": TEAM, "domain": "acme"},
            "user": {"id": USER, "team_id": TEAM},
            "api_app_id": "A0APP",
            "token": "legacy",
            "trigger_id": f"trigger-{next(self._ids)}",
            **payload,
        }
        return await self.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    def click_payload(self, button: dict[str, Any], channel: str, *, message_ts: str | None = None,
                      user: str = USER) -> dict[str, Any]:
        """The block_actions payload Slack sends when `user` clicks `button` in a message in `channel`."""
        container: dict[str, Any] = {"type": "message", "channel_id": channel}
        container.update({"message_ts": message_ts} if message_ts else {"is_ephemeral": True})
        return {
            "type": "block_actions",
            "user": {"id": user, "team_id": TEAM},
            "container": container,
            "channel": {"id": channel},
            "response_url": self.response_url,
            "actions": [{"type": "button", "action_id": button["action_id"], "block_id": "b",
                         "value": button["value"], "action_ts": "1.0"}],
        }

    async def click(self, button: dict[str, Any], channel: str, **kwargs: Any) -> Answer:
        return await self.interaction(self.click_payload(button, channel, **kwargs))

    async def event(self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None,
                    team: str = TEAM) -> Answer:
        envelope = {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A0APP",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"} if retry_num else None
        return await self.post(json.dumps(envelope), "application/json", headers=headers)

    async def share_file(self, file: dict[str, Any], *, text: str = "", user: str = USER, channel: str = CHANNEL,
                         ts: str | None = None, thread_ts: str | None = None, **kwargs: Any) -> tuple[Answer, str]:
        """Post the `message`/`file_share` event Slack sends for an upload; return the answer and the ts."""
        ts = ts or f"1699999999.{next(self._ids):06d}"
        event = {
            "type": "message",
            "subtype": "file_share",
            "text": text,
            "user": user,
            "channel": channel,
            "channel_type": "channel",
            "ts": ts,
            "files": [file],
            "upload": False,
            "display_as_bot": False,
        }
        if thread_ts:
            event["thread_ts"] = thread_ts
        return await self.event(event, **kwargs), ts


@dataclass
class Harness:
    slack: FakeSlack
    revring: FakeRevRing
    bot: BotClient
    settings: Settings


def make_env(slack: FakeSlack, revring: FakeRevRing, **overrides: str) -> dict[str, str]:
    env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "REVRING_API_KEY": REVRING_KEY,
        "SLACK_API_URL": slack.api_url,
        "REVRING_API_URL": revring.api_url,
        "REVRING_TIMEOUT": "2",
        "DATABASE_URL": ":memory:",  # tests that restart the bot pass a file
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
        yield Harness(slack, revring, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"), settings)
    await runner.cleanup()
