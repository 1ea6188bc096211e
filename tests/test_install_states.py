"""Anonymous requests stay cheap: each `GET /slack/install` (a public page) writes an OAuth state row, and the bot's
prune of the store (at start-up, then every hour) takes away the expired ones, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select, update

from bot.app import SERVICES
from bot.config import Settings
from bot.store.schema import slack_oauth_states
from tests.conftest import start_bot
from tests.distribution import REVRING_KEYS, distribution_env, finish_install, start_install, two_workspaces
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import eventually


class Installs:
    """A distributed bot on `database_url`, restarted on the same database by `restart`."""

    def __init__(self, slack: FakeSlack, settings: Settings, session: aiohttp.ClientSession) -> None:
        self.slack, self.settings, self.session = slack, settings, session
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def restart(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
        self.runner, self.url = await start_bot(self.settings)

    async def states(self) -> list[str]:
        assert self.runner is not None
        async with self.runner.app[SERVICES].store.engine.connect() as conn:
            return list((await conn.execute(select(slack_oauth_states.c.state))).scalars())

    async def expire(self, states: list[str]) -> None:
        """As if their ten minutes had passed (slack_sdk writes the expiry in UTC, without a zone)."""
        assert self.runner is not None
        past = datetime.now(tz=UTC).replace(tzinfo=None) - timedelta(minutes=1)
        async with self.runner.app[SERVICES].store.engine.begin() as conn:
            await conn.execute(
                update(slack_oauth_states).where(slack_oauth_states.c.state.in_(states)).values(expire_at=past)
            )
            assert (
                await conn.execute(
                    select(func.count()).select_from(slack_oauth_states).where(slack_oauth_states.c.expire_at <= past)
                )
            ).scalar() == len(states)


@pytest.fixture
async def installs(database_url: str) -> AsyncIterator[Installs]:
    slack, revring = FakeSlack("xoxb-no-single-workspace-token"), FakeRevRing(REVRING_KEYS)
    await slack.start()
    await revring.start()
    settings = Settings.from_env(distribution_env(slack, revring, DATABASE_URL=database_url))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        running = Installs(slack, settings, session)
        await running.restart()
        yield running
        assert running.runner is not None
        await running.runner.cleanup()
    await revring.stop()
    await slack.stop()
    slack.assert_only_known_methods_called()


async def test_expired_install_states_are_pruned_and_a_live_one_still_installs(installs: Installs):
    started = [await start_install(installs.session, installs.url) for _ in range(3)]
    assert all(s.status == 302 and s.state for s in started)
    states = [str(s.state) for s in started]
    assert sorted(await installs.states()) == sorted(states)  # one row for each anonymous GET
    await installs.expire(states[:2])

    await installs.restart()  # the start-up prune

    async def only_the_live_one_is_left() -> bool:
        return await installs.states() == states[2:]

    await eventually(only_the_live_one_is_left)  # the prune runs beside the start-up: nothing announces it
    acme, _globex = two_workspaces(installs.slack)
    status, page = await finish_install(
        installs.session, installs.url, code=acme.code, state=started[2].state, cookie=started[2].cookie
    )
    assert status == 200 and "installed in Acme" in page
    assert await installs.states() == []
