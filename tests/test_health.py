"""What a load balancer and Prometheus see: /healthz (alive), /readyz (may be sent work), /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families

from bot import __version__
from bot.app import HEALTH, create_web_app, drain
from bot.config import Settings
from bot.messages import clone_failures
from bot.ops.metrics import CAUSES, JOB_STATES, OUTCOMES, Metrics
from bot.ops.metrics import SERVICES as UPSTREAMS
from tests import slack_payloads
from tests.conftest import (
    BOT_TOKEN,
    CHANNEL,
    REVRING_KEY,
    SIGNING_SECRET,
    TEAM,
    USER,
    BotClient,
    Harness,
    make_env,
    start_bot,
)
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import closed_port, eventually, hosted
from tests.postgres import Cluster, CuttableProxy, create_database

APP_TOKEN = "xapp-1-A0APP-1-socketmodetoken"
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def get(session: aiohttp.ClientSession, url: str) -> tuple[int, Any, str]:
    async with session.get(url) as response:
        body = await response.text()
        return (
            response.status,
            (await response.json() if response.content_type == "application/json" else body),
            response.headers.get("Content-Type", ""),
        )


async def scrape(harness: Harness) -> tuple[str, Samples]:
    """GET /metrics, parsed by Prometheus' own parser: the text, and every sample by name and labels."""
    status, text, content_type = await get(harness.bot.session, f"{harness.bot.url}/metrics")
    assert status == 200 and content_type.startswith("text/plain; version=")  # Prometheus' text format
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }
    return text, samples


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, tuple(sorted(labels.items()))))


async def job_counts_are(harness: Harness, *, running: int, waiting: int) -> bool:
    """Whether a scrape of `voice_cloner_jobs` shows these counts now."""
    _text, samples = await scrape(harness)
    return (
        value(samples, "voice_cloner_jobs", state="running"),
        value(samples, "voice_cloner_jobs", state="waiting"),
    ) == (running, waiting)


@contextlib.asynccontextmanager
async def running_bot(
    fakes: tuple[FakeSlack, FakeRevRing], **overrides: str
) -> AsyncIterator[tuple[web.AppRunner, Harness]]:
    """The app in this process, for tests that reach its store or drain it as SIGTERM would."""
    slack, revring = fakes
    settings = Settings.from_env(make_env(slack, revring, **overrides))
    runner, url = await start_bot(settings)
    try:
        async with aiohttp.ClientSession() as session:
            yield (
                runner,
                Harness(slack, revring, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"), settings),
            )
    finally:
        revring.release_slow.set()
        await runner.cleanup()


# --- /readyz ---------------------------------------------------------------------------------------------


async def test_ready_when_started_and_the_database_answers(harness: Harness):
    assert await get(harness.bot.session, f"{harness.bot.url}/readyz") == (
        200,
        {"ready": True},
        "application/json; charset=utf-8",
    )
    status, body, _ = await get(harness.bot.session, f"{harness.bot.url}/healthz")
    assert (status, body) == (200, {"ok": True, "version": __version__})


async def test_not_ready_while_the_database_is_unreachable_then_ready_again(fakes, postgres_cluster: Cluster):
    proxy = CuttableProxy(postgres_cluster.port)
    port = await proxy.start()
    database = create_database(postgres_cluster).replace(f":{postgres_cluster.port}/", f":{port}/")
    try:
        async with running_bot(fakes, DATABASE_URL=database) as (runner, harness):
            runner.app[HEALTH].reading_seconds = 0  # every probe asks the database (the reading's age is tested apart)
            url, session = harness.bot.url, harness.bot.session
            proxy.cut()  # PostgreSQL restarting, or the network to it gone
            status, body, _ = await get(session, f"{url}/readyz")
            assert (status, body) == (503, {"ready": False, "reason": "database unreachable"})
            # Alive all the same: a balancer must not restart the process for its database.
            assert (await get(session, f"{url}/healthz"))[0] == 200
            text, samples = await scrape(harness)
            assert value(samples, "voice_cloner_upstream_failures_total", service="database", cause="unavailable") == 2
            assert "voice_cloner_jobs{" not in text  # unknown, so not shown at all rather than a stale number
            proxy.restore()
            assert (await get(session, f"{url}/readyz"))[:2] == (200, {"ready": True})
    finally:
        await proxy.stop()


async def test_not_ready_while_the_database_does_not_answer_then_ready_again(fakes, tmp_path):
    path = tmp_path / "bot.sqlite3"
    # Slower to answer than a balancer's probe waits: another process holding the file's write lock.
    async with running_bot(fakes, DATABASE_URL=f"sqlite:///{path}", DATABASE_STATEMENT_TIMEOUT_SECONDS="5") as (
        runner,
        harness,
    ):
        runner.app[HEALTH].reading_seconds = 0
        url, session = harness.bot.url, harness.bot.session
        other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        # Off the loop: the bot's own transactions must be able to finish before the lock is had.
        await asyncio.to_thread(other.execute, "BEGIN EXCLUSIVE")
        try:
            status, body, _ = await get(session, f"{url}/readyz")
            assert (status, body) == (503, {"ready": False, "reason": "database not answering"})
        finally:
            await asyncio.to_thread(other.execute, "ROLLBACK")
            other.close()
        assert (await get(session, f"{url}/readyz"))[:2] == (200, {"ready": True})
        _text, samples = await scrape(harness)
        assert value(samples, "voice_cloner_upstream_failures_total", service="database", cause="timeout") == 1


async def test_probes_and_scrapes_share_one_reading_of_the_database(harness: Harness):
    assert harness.web_app is not None
    health, store = harness.web_app[HEALTH], harness.services.store
    assert health.reading_seconds == 1.0  # a flood of anonymous probes costs one query a second
    asked: list[str] = []
    for name in ("ping", "job_counts"):
        original = getattr(store, name)

        async def counted(original=original, name=name):
            asked.append(name)
            return await original()

        setattr(store, name, counted)
    health.reading_seconds = 60.0  # no reading expires during the burst, however slow the machine

    url, session = harness.bot.url, harness.bot.session
    answers = await asyncio.gather(
        *[get(session, f"{url}/readyz") for _ in range(30)], *[scrape(harness) for _ in range(30)]
    )
    assert all(answer[:2] == (200, {"ready": True}) for answer in answers[:30])
    assert sorted(asked) == ["job_counts", "ping"]  # one of each, shared by sixty requests

    health.reading_seconds = 0  # the reading is now too old: the next probe asks again
    assert (await get(session, f"{url}/readyz"))[:2] == (200, {"ready": True})
    assert asked.count("ping") == 2


async def test_draining_says_not_ready_at_once_and_socket_mode_stops_receiving_before_the_grace(fakes):
    slack, revring = fakes
    slack.app_token = APP_TOKEN
    revring.answers = ["slow"]
    async with running_bot(fakes, SLACK_APP_TOKEN=APP_TOKEN, REVRING_TIMEOUT="30") as (runner, harness):
        await asyncio.wait_for(slack.socket_connected.wait(), 10)
        event = slack_payloads.file_share_event(
            [hosted(harness, "F1")], ts="1699999999.000001", text="<@UBOT> Rachel", user=USER, channel=CHANNEL
        )
        await slack.send_envelope(
            slack_payloads.socket_mode_envelope(
                slack_payloads.event_callback(event, event_id="Ev1", event_time=1700000000, team=TEAM), "env-1"
            )
        )
        await asyncio.wait_for(revring.slow_started.wait(), 10)

        draining = asyncio.create_task(drain(runner.app))
        await asyncio.wait_for(slack.socket_closed.wait(), 10)  # no new work arrives over the socket
        status, body, _ = await get(harness.bot.session, f"{harness.bot.url}/readyz")
        assert (status, body) == (503, {"ready": False, "reason": "shutting down"})
        assert not draining.done()  # the running clone has its grace
        revring.release_slow.set()
        await asyncio.wait_for(draining, 10)
        [update] = slack.calls_to("chat.update")
        assert "voice-0001" in update.args["text"]


# --- /metrics --------------------------------------------------------------------------------------------


async def test_metrics_count_clones_by_outcome_and_slack_and_revring_failures_by_cause(harness: Harness):
    harness.revring.answers = ["created", "rate_limited", "rate_limited", "rate_limited"]
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Ann")
    await harness.slack.wait_for("chat.update", 1)
    await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Ben")  # RevRing busy on every attempt
    await harness.slack.wait_for("chat.update", 2)
    await harness.bot.share_file(hosted(harness, "F3", b"just text, not audio " * 50), text="<@UBOT> Cat")
    await harness.slack.wait_for("chat.update", 3)
    unreachable = hosted(harness, "F4")
    # a file host that refuses connections
    unreachable["url_private"] = unreachable["url_private_download"] = (
        f"http://127.0.0.1:{closed_port()}/files/F4/r.wav"
    )
    await harness.bot.share_file(unreachable, text="<@UBOT> Dan")
    await harness.slack.wait_for("chat.update", 4)
    texts = [call.args["text"] for call in harness.slack.calls_to("chat.update")]
    assert (texts[1], texts[3]) == (clone_failures.revring_unavailable("busy"), clone_failures.download_failed())

    text, samples = await scrape(harness)
    assert {outcome: value(samples, "voice_cloner_clones_total", outcome=outcome) for outcome in OUTCOMES} == {
        "done": 1,
        "failed": 3,
        "interrupted": 0,
        "held": 0,
    }
    assert value(samples, "voice_cloner_clone_duration_seconds_count", outcome="done") == 1
    assert value(samples, "voice_cloner_clone_duration_seconds_count", outcome="failed") == 3
    # RevRing busy and Slack's file host unreachable are services failing; text that is not audio is the file's.
    upstream = {labels: n for (name, labels), n in samples.items() if name == "voice_cloner_upstream_failures_total"}
    assert upstream == {
        (("cause", "ratelimited"), ("service", "revring")): 1,
        (("cause", "unavailable"), ("service", "slack")): 1,
    }
    assert value(samples, "voice_cloner_jobs", state="waiting") == 0
    assert value(samples, "voice_cloner_jobs", state="running") == 0
    assert value(samples, "voice_cloner_takeovers_total") == 0
    assert_no_secret_or_id(text, samples)


async def test_metrics_count_jobs_waiting_and_running_in_the_database(fakes):
    fakes[1].answers = ["slow"]
    async with running_bot(fakes, MAX_CONCURRENT_CLONES="1", REVRING_TIMEOUT="30") as (runner, harness):
        runner.app[HEALTH].reading_seconds = 0  # each scrape counts the jobs afresh
        await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Ann")
        await asyncio.wait_for(harness.revring.slow_started.wait(), 10)
        await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Ben")
        await harness.slack.wait_for("chat.postMessage", 2)  # Ben is told he waits…
        # …and his job is handed to the queue (a write to the database, which nothing announces)
        await eventually(lambda: job_counts_are(harness, running=1, waiting=1))
        harness.revring.release_slow.set()
        await harness.slack.wait_for("chat.update", 3)  # Ben's "cloning", then both answers
        await harness.slack.wait_until(lambda: sum("voice-000" in t for t in harness.slack.thread_texts()) == 2)
        _text, samples = await scrape(harness)
        assert (
            value(samples, "voice_cloner_jobs", state="running"),
            value(samples, "voice_cloner_jobs", state="waiting"),
        ) == (0, 0)
        assert value(samples, "voice_cloner_clones_total", outcome="done") == 2


async def test_a_clone_cut_off_when_the_grace_runs_out_counts_as_interrupted(fakes):
    fakes[1].answers = ["slow"]
    async with running_bot(fakes, SHUTDOWN_GRACE_SECONDS="0", REVRING_TIMEOUT="30") as (runner, harness):
        await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Ann")
        await asyncio.wait_for(harness.revring.slow_started.wait(), 10)
        await drain(runner.app)  # no grace: the clone is cut off, to resume on the next start
        _text, samples = await scrape(harness)  # the port still answers until the runner's cleanup
    assert {outcome: value(samples, "voice_cloner_clones_total", outcome=outcome) for outcome in OUTCOMES} == {
        "done": 0,
        "failed": 0,
        "interrupted": 1,
        "held": 0,
    }
    assert not harness.slack.calls_to("chat.update")  # no answer: the job is not over


async def test_slack_failing_is_counted_but_slack_refusing_a_channel_is_not(harness: Harness):
    harness.slack.cannot_post_in[CHANNEL] = "not_in_channel"  # answered in a DM instead: Slack is fine
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Ann")
    await harness.slack.wait_until(lambda: any("voice-0001" in t for t in harness.slack.thread_texts()))
    _text, samples = await scrape(harness)
    assert not [key for key in samples if key[0] == "voice_cloner_upstream_failures_total"]

    harness.slack.failures["chat.postMessage"] = "fatal_error"  # Slack itself fails: nothing can be shown
    await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Ben")
    await harness.slack.wait_until(lambda: len(harness.revring.received) == 2)
    await harness.slack.wait_for("chat.postMessage", 4)  # Ann's two, Ben's progress and Ben's answer
    _text, samples = await scrape(harness)
    assert value(samples, "voice_cloner_upstream_failures_total", service="slack", cause="error") == 2
    assert value(samples, "voice_cloner_clones_total", outcome="done") == 2


def assert_no_secret_or_id(text: str, samples: Samples) -> None:
    for secret_or_id in (
        BOT_TOKEN,
        SIGNING_SECRET,
        REVRING_KEY,
        TEAM,
        USER,
        CHANNEL,
        "F1",
        "F2",
        "voice-0001",
        "F4",
        "Ann",
        "Ben",
        "Dan",
    ):
        assert secret_or_id not in text
    allowed = {"outcome": set(OUTCOMES), "state": set(JOB_STATES), "service": set(UPSTREAMS), "cause": set(CAUSES)}
    for _name, labels in samples:
        for label, label_value in labels:
            assert label == "le" or label_value in allowed[label], (label, label_value)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: m.clone_finished("U0ALICE", 1.0),
        lambda m: m.upstream_failure("slack", "channel_not_found"),
        lambda m: m.upstream_failure("postgresql://bot:hunter2@db/voices", "timeout"),
    ],
)
def test_a_label_outside_the_fixed_words_is_refused(call):
    """An id, a Slack error code or a URL can never become a label: only the words the metrics define."""
    metrics = Metrics()
    with pytest.raises(ValueError):
        call(metrics)
    assert b"U0ALICE" not in metrics.render() and b"hunter2" not in metrics.render()


def test_each_app_has_its_own_metrics():
    settings = Settings.from_env(
        {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY}
    )
    first, second = create_web_app(settings), create_web_app(settings)
    first[HEALTH].metrics.takeover()
    assert b"voice_cloner_takeovers_total 1.0" in first[HEALTH].metrics.render()
    assert b"voice_cloner_takeovers_total 0.0" in second[HEALTH].metrics.render()
