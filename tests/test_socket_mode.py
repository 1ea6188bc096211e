"""With SLACK_APP_TOKEN set the bot connects out over a websocket instead of serving Slack's requests."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import Settings
from tests import slack_payloads
from tests.conftest import make_env, start_bot
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack

APP_TOKEN = "xapp-1-A0APP-1-socketmodetoken"


@pytest.fixture
async def socket_bot(fakes: tuple[FakeSlack, FakeRevRing]):
    slack, revring = fakes
    slack.app_token = APP_TOKEN
    settings = Settings.from_env(make_env(slack, revring, SLACK_APP_TOKEN=APP_TOKEN))
    runner, _url = await start_bot(settings)
    yield slack
    await runner.cleanup()


async def test_slash_command_envelope_is_acknowledged_over_the_socket(socket_bot: FakeSlack):
    slack = socket_bot
    await asyncio.wait_for(slack.socket_connected.wait(), 10)
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.token == APP_TOKEN
    command = slack_payloads.slash_command("Rachel lang=es", response_url="http://127.0.0.1:9/response")
    await slack.send_envelope(slack_payloads.socket_mode_envelope(command, "env-1"))
    reply = await asyncio.wait_for(slack.socket_messages.get(), 10)
    assert reply["envelope_id"] == "env-1"
    assert "*Rachel*" in reply["payload"]["text"] and "`es`" in reply["payload"]["text"]
