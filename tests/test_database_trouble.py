"""A Slack request that arrives while the database cannot be reached gets "try again in a minute": in the command's
ack, on the dialog's field, through the button's response URL, as an ephemeral message for a shared file. Never
silence, never a 500; and the bot works again by itself once the database is back."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.config import Settings
from bot.messages import clone as clone_text
from bot.messages import ids
from tests.conftest import CHANNEL, SIGNING_SECRET, USER, BotClient, Harness, make_env, start_bot
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV
from tests.postgres import Cluster, CuttableProxy, create_database
from tests.test_dialog import submission

SORRY = clone_text.database_unavailable()


@contextlib.asynccontextmanager
async def bot_behind(
    proxy: CuttableProxy, cluster: Cluster, fakes: tuple[FakeSlack, FakeRevRing]
) -> AsyncIterator[Harness]:
    """The app in this process, its PostgreSQL reached through `proxy` (which the test cuts and restores)."""
    slack, revring = fakes
    port = await proxy.start()
    database = create_database(cluster).replace(f":{cluster.port}/", f":{port}/")
    settings = Settings.from_env(make_env(slack, revring, DATABASE_URL=database))
    runner, url = await start_bot(settings)
    try:
        async with aiohttp.ClientSession() as session:
            yield Harness(
                slack, revring, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"), settings, runner.app
            )
    finally:
        proxy.restore()
        await runner.cleanup()
        await proxy.stop()


@pytest.fixture
async def outage(fakes, postgres_cluster: Cluster) -> AsyncIterator[tuple[Harness, CuttableProxy]]:
    proxy = CuttableProxy(postgres_cluster.port)
    async with bot_behind(proxy, postgres_cluster, fakes) as harness:
        yield harness, proxy


async def database_failures(harness: Harness) -> float:
    """voice_cloner_upstream_failures_total{service="database", cause="unavailable"}, scraped (with the database up)."""
    async with harness.bot.session.get(f"{harness.bot.url}/metrics") as response:
        text = await response.text()
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "voice_cloner_upstream_failures_total"
        and sample.labels == {"service": "database", "cause": "unavailable"}
    )


def ephemerals(slack: FakeSlack) -> list[tuple[str, str, str]]:
    return [(c.args["channel"], c.args["user"], c.args["text"]) for c in slack.calls_to("chat.postEphemeral")]


async def test_commands_are_answered_in_their_ack_while_the_database_is_down_then_work_again(outage):
    harness, proxy = outage
    proxy.cut()
    for text in ("Rachel", "list"):
        answer = await harness.bot.command(text)
        assert (answer.status, answer.body) == (200, {"response_type": "ephemeral", "text": SORRY})
    proxy.restore()
    assert await database_failures(harness) == 2
    answer = await harness.bot.command("Rachel")  # reconnected by itself
    assert (answer.status, answer.text) == (
        200,
        clone_text.waiting_for_file("Rachel", "en", harness.settings.pending_minutes),
    )


async def test_a_file_shared_for_a_clone_is_answered_with_an_ephemeral_message(outage, caplog):
    harness, proxy = outage
    slack = harness.slack
    proxy.cut()
    answer, _ts = await harness.bot.share_file(
        slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel"
    )
    assert answer.status == 200
    await slack.wait_for("chat.postEphemeral")
    # A file that is no audio and does not mention the bot was never a request: nobody is told anything about it.
    answer, _ts = await harness.bot.share_file(
        slack.host_file(HostedFile("F2", "notes.pdf", "application/pdf", b"%PDF-1.4", filetype="pdf"))
    )
    assert answer.status == 200
    await harness.settled()  # events are handled after their ack: the second one is refused too
    refused = [r for r in caplog.records if r.getMessage() == "request refused: the database is unreachable"]
    assert len(refused) == 2
    proxy.restore()
    assert await database_failures(harness) == 2  # both were refused; only the first one was a request
    assert ephemerals(slack) == [(CHANNEL, USER, SORRY)]
    assert not slack.calls_to("chat.postMessage") and harness.revring.attempts == 0

    # Once it is back, the same file shared again is cloned.
    await harness.bot.share_file(slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel")
    await slack.wait_until(lambda: any("voice-0001" in text for text in slack.thread_texts()))


async def test_try_again_is_answered_through_the_response_url_while_the_database_is_down(outage):
    harness, proxy = outage
    slack, revring = harness.slack, harness.revring
    revring.answers = ["server_error"]
    await harness.bot.share_file(slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel")
    [failed] = await slack.wait_for("chat.update")
    button = next(b for b in failed.args["blocks"] if b["type"] == "actions")["elements"][0]
    proxy.cut()
    answer = await harness.bot.click(button, failed.args["channel"], message_ts=failed.args["ts"])
    assert answer.status == 200
    told = await slack.wait_for_response()
    assert (told["text"], told["response_type"], told["replace_original"]) == (SORRY, "ephemeral", False)
    proxy.restore()
    assert await database_failures(harness) == 1
    assert revring.attempts == 1
    await harness.bot.click(button, failed.args["channel"], message_ts=failed.args["ts"])
    await slack.wait_until(lambda: any("voice-0001" in text for text in slack.thread_texts()))


async def test_a_dialog_submitted_while_the_database_is_down_shows_the_answer_on_its_name_field(outage):
    harness, proxy = outage
    slack = harness.slack
    await harness.bot.command("")  # opens the dialog (no database needed for that)
    [opened] = slack.calls_to("views.open")
    file = slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV))
    proxy.cut()
    answer = await harness.bot.interaction(submission(opened.args["view"], files=[file]))
    assert (answer.status, answer.body) == (200, {"response_action": "errors", "errors": {ids.NAME_BLOCK: SORRY}})
    proxy.restore()
    assert await database_failures(harness) == 1
    answer = await harness.bot.interaction(submission(opened.args["view"], files=[file]))
    assert (answer.status, answer.body) == (200, None)  # the dialog closes; the clone starts
    await slack.wait_until(lambda: any("voice-0001" in text for text in slack.thread_texts()))
