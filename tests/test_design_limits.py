"""Voice designs are limited: `DESIGNS_PER_HOUR` per person, counted in the database (so a restart, or another
instance, does not reset it), and at most `MAX_CONCURRENT_CLONES` designs at once per instance, the rest told to try
again in a minute. Each design is a paid RevRing call that keeps its previews in memory."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web

from bot.config import Settings
from bot.messages import design as design_text
from bot.messages import ids
from tests import slack_payloads
from tests.conftest import SIGNING_SECRET, USER, Answer, BotClient, Harness, make_env, start_bot
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import option
from tests.voices import click_home, home_buttons, open_home

DESCRIPTION = "a warm, calm voice for a support line"
OTHER = "U0OTHER"


@dataclass
class Restartable:
    """The bot on a database that outlives it (a SQLite file, or PostgreSQL), started again on `restart`."""

    harness: Harness
    runner: web.AppRunner

    async def restart(self) -> None:
        await self.runner.cleanup()
        old = self.harness
        self.runner, old.bot.url = await start_bot(old.settings)
        self.harness = Harness(old.slack, old.revring, old.bot, old.settings, self.runner.app)


@pytest.fixture
async def on_disk(fakes: tuple[FakeSlack, FakeRevRing], database_url: str) -> AsyncIterator[Restartable]:
    slack, revring = fakes
    settings = Settings.from_env(make_env(slack, revring, DATABASE_URL=database_url, DESIGNS_PER_HOUR="2"))
    runner, url = await start_bot(settings)
    async with aiohttp.ClientSession() as session:
        bot = BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
        running = Restartable(Harness(slack, revring, bot, settings, runner.app), runner)
        yield running
        await running.runner.cleanup()


async def design(harness: Harness, *, user: str = USER) -> Answer:
    answer = await harness.bot.command(f"design {DESCRIPTION}", user=user)
    assert answer.status == 200
    return answer


async def designs_shown(harness: Harness, count: int) -> None:
    """Wait until `count` design threads have their final status, and the designs are over (their slots free)."""
    await harness.slack.wait_until(
        lambda: len([c for c in harness.slack.calls_to("chat.update") if "Save as a voice…" in c.args["text"]]) >= count
    )
    await harness.settled()  # a design's slot is left when its listener returns, just after that last edit


async def submit_design_dialog(harness: Harness, *, user: str = USER) -> Answer:
    """Open the Home tab, click *Design a voice*, and submit the dialog Slack opened."""
    home = await open_home(harness, user)
    opened = len(harness.slack.calls_to("views.open"))
    [button] = home_buttons(home, ids.DESIGN_DIALOG_ACTION)
    assert (await click_home(harness, home, button, user=user)).status == 200
    view = (await harness.slack.wait_for("views.open", opened + 1))[opened].args["view"]
    values = {
        ids.DESCRIPTION_BLOCK: {ids.FIELD_ACTION: {"type": "plain_text_input", "value": DESCRIPTION}},
        ids.COUNT_BLOCK: {ids.FIELD_ACTION: {"type": "static_select", "selected_option": option("1")}},
    }
    return await harness.bot.interaction(slack_payloads.view_submission(values, view=view, user=user))


async def test_designs_per_hour_is_per_person_says_when_and_holds_across_a_restart(on_disk: Restartable):
    harness = on_disk.harness
    for _ in range(2):
        assert "Designing 3 voices" in (await design(harness)).text
    over = await design(harness)
    assert "You can design again in about 60 minutes" in over.text
    assert over.text == design_text.over_the_design_limit(2, 3600)
    assert "Designing" in (await design(harness, user=OTHER)).text  # the limit is each person's own
    await designs_shown(harness, 3)
    assert len(harness.revring.designs) == 3

    await on_disk.restart()  # the count is in the database, not in the process
    harness = on_disk.harness
    harness.services.store.clock = lambda: time.time() + 1800  # half an hour later
    assert "You can design again in about 30 minutes" in (await design(harness)).text
    refused = await submit_design_dialog(harness)  # the Home tab's dialog counts alike, and says it on its field
    assert refused.body == {
        "response_action": "errors",
        "errors": {ids.DESCRIPTION_BLOCK: design_text.over_the_design_limit(2, 1800)},
    }
    harness.services.store.clock = lambda: time.time() + 3601  # the first two are over an hour old
    assert "Designing 3 voices" in (await design(harness)).text
    await designs_shown(harness, 4)
    assert len(harness.revring.designs) == 4


@pytest.mark.parametrize("harness", [{"MAX_CONCURRENT_CLONES": "1", "DESIGNS_PER_HOUR": "1"}], indirect=True)
async def test_at_most_max_concurrent_clones_designs_run_at_once_the_rest_are_told_to_try_in_a_minute(harness: Harness):
    harness.revring.next_answers["design_voice"] = ["slow"]
    assert "Designing 3 voices" in (await design(harness)).text
    await asyncio.wait_for(harness.revring.slow_started.wait(), 10)
    busy = await design(harness, user=OTHER)
    assert "try again in a minute" in busy.text and busy.text == design_text.designs_busy()
    refused = await submit_design_dialog(harness, user=OTHER)
    assert refused.body == {"response_action": "errors", "errors": {ids.DESCRIPTION_BLOCK: design_text.designs_busy()}}
    assert len(harness.revring.calls("POST", "/v1/voices/design")) == 1

    harness.revring.release_slow.set()
    await designs_shown(harness, 1)
    # The slot is free again, and being turned away counted nothing toward OTHER's one design an hour.
    assert "Designing 3 voices" in (await design(harness, user=OTHER)).text
    await designs_shown(harness, 2)
    assert len(harness.revring.designs) == 2
