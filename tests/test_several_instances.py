"""Two real bot processes on one PostgreSQL database, with one fake Slack and one fake RevRing: every promise of one
process still holds (each request cloned once and answered once, one per file, message and person), and when one
instance dies, pauses or stops, the other finishes or explains its work exactly once."""

from __future__ import annotations

import asyncio
import itertools
import signal
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import asyncpg
import pytest

from bot.config import Settings
from bot.messages import clone as clone_text
from bot.messages import clone_failures
from tests.bot_process import BotProcess
from tests.conftest import CHANNEL, SIGNING_SECRET, USER, BotClient, make_env
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack
from tests.helpers import eventually, hosted
from tests.postgres import Cluster, CuttableProxy

LEASE = 5  # JOB_LEASE_SECONDS, the least allowed: a takeover comes after it and one poll (1 s)
TAKEOVER = LEASE + 5  # how long a survivor may take to finish a dead instance's job


@dataclass
class Instance:
    bot: BotProcess
    client: BotClient

    @property
    def url(self) -> str:
        return self.bot.url


@dataclass
class Pair:
    slack: FakeSlack
    revring: FakeRevRing
    a: Instance
    b: Instance
    database: str

    async def start(self) -> None:
        """Both at once: they also upgrade the empty database together (once, under the advisory lock)."""
        await asyncio.gather(self.a.bot.start(), self.b.bot.start())

    def set(self, **settings: str) -> None:
        for instance in (self.a, self.b):
            instance.bot.settings.update(settings)


@pytest.fixture
async def pair(
    fakes: tuple[FakeSlack, FakeRevRing], postgres_url: str, tmp_path: Path, unused_tcp_port_factory: Callable[[], int]
) -> AsyncIterator[Pair]:
    slack, revring = fakes
    async with aiohttp.ClientSession() as session:
        instances = []
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            settings = make_env(
                slack,
                revring,
                DATABASE_URL=postgres_url,
                PORT=str(unused_tcp_port_factory()),
                REVRING_TIMEOUT="30",
                JOB_LEASE_SECONDS=str(LEASE),
                SHUTDOWN_GRACE_SECONDS="20",
            )
            bot = BotProcess(settings, folder)
            instances.append(Instance(bot, BotClient(bot.url, session, SIGNING_SECRET, f"{slack.url}/response")))
        yield Pair(slack, revring, instances[0], instances[1], postgres_url)
        revring.release_slow.set()
        if slack.stall_downloads is not None:
            slack.stall_downloads.set()
        for instance in instances:
            if instance.bot.returncode is None and instance.bot.process is not None:
                instance.bot.process.send_signal(signal.SIGCONT)
                await instance.bot.stop(signal.SIGKILL)


# --- what the tests look at ------------------------------------------------------------------------------


_messages = itertools.count(1)


async def share(pair: Pair, via: Instance, file_id: str, name: str) -> str:
    """`name` asked for in a new message sharing a new audio file, delivered to `via`; the message's ts. (Each test
    client numbers its own messages: two clients would reuse each other's ts, which Slack never does.)"""
    n = next(_messages)
    answer, ts = await via.client.share_file(
        hosted(pair.slack, file_id), text=f"<@UBOT> {name}", ts=f"1699990000.{n:06d}", event_id=f"Ev1{n:07d}"
    )
    assert answer.status == 200
    return ts


def created(slack: FakeSlack, name: str) -> list[str]:
    """Every "Voice NAME created" answer Slack was asked to show."""
    return [text for text in slack.thread_texts() if f"Voice *{name}* created" in text]


def told_uncertain(slack: FakeSlack, name: str) -> list[str]:
    return [text for text in slack.thread_texts() if text == clone_failures.interrupted_during_upload(name)]


def sent(revring: FakeRevRing) -> Counter[str]:
    """POST /voices that reached RevRing, by voice name."""
    return Counter(voice.display_name for voice in revring.received)


async def metric(instance: Instance, line_start: str) -> str:
    async with instance.client.session.get(f"{instance.url}/metrics") as response:
        text = await response.text()
    return next(line for line in text.splitlines() if line.startswith(line_start))


async def jobs_in(database: str) -> list[asyncpg.Record]:
    db = await asyncpg.connect(database)
    try:
        return await db.fetch("SELECT stage, voice_id, answer, fence, owner FROM jobs ORDER BY created_at")
    finally:
        await db.close()


def retry_button(call) -> dict:
    return next(b for b in call.args["blocks"] if b["type"] == "actions")["elements"][0]


# --- one of everything, across instances ----------------------------------------------------------------


async def test_requests_alternating_between_the_instances_are_each_cloned_and_answered_once(pair: Pair):
    await pair.start()
    names = [f"Voice{i}" for i in range(8)]
    threads = {}
    for i, name in enumerate(names):
        threads[name] = await share(pair, (pair.a, pair.b)[i % 2], f"F{i}", name)
    await pair.slack.wait_until(lambda: all(created(pair.slack, name) for name in names), 30)
    assert sent(pair.revring) == dict.fromkeys(names, 1)
    assert {name: len(created(pair.slack, name)) for name in names} == dict.fromkeys(names, 1)
    # Each answer is in its own file's thread: one message per request, edited from "Cloning…" into the answer.
    posted = {call.args["thread_ts"] for call in pair.slack.calls_to("chat.postMessage")}
    assert posted == set(threads.values()) and len(pair.slack.calls_to("chat.postMessage")) == len(names)


async def test_a_slack_retry_delivered_to_the_other_instance_starts_nothing(pair: Pair):
    await pair.start()
    pair.revring.answers = ["slow"]
    file = hosted(pair.slack, "F1")
    first, ts = await pair.a.client.share_file(file, text="<@UBOT> Rachel", event_id="Ev0RETRY")
    await asyncio.wait_for(pair.revring.slow_started.wait(), 10)
    # Slack did not see A's answer in time and sends the same event again, this time through B.
    again, _ts = await pair.b.client.share_file(file, text="<@UBOT> Rachel", ts=ts, event_id="Ev0RETRY", retry_num=1)
    assert (first.status, again.status) == (200, 200)
    # Sent after B acknowledged the retry: by the time Marker is answered, B has long dealt with the retry.
    await share(pair, pair.b, "F2", "Marker")
    pair.revring.release_slow.set()
    await pair.slack.wait_until(lambda: created(pair.slack, "Rachel") and created(pair.slack, "Marker"))
    assert sent(pair.revring) == {"Rachel": 1, "Marker": 1}
    assert len(created(pair.slack, "Rachel")) == 1
    assert [c.args["thread_ts"] for c in pair.slack.calls_to("chat.postMessage")].count(ts) == 1
    assert not pair.slack.calls_to("chat.postEphemeral")


async def test_a_command_typed_through_one_instance_is_answered_by_the_file_arriving_at_the_other(pair: Pair):
    await pair.start()
    answer = await pair.a.client.command("Rachel")
    minutes = Settings.from_env(pair.a.bot.settings).pending_minutes
    assert answer.text == clone_text.waiting_for_file("Rachel", "en", minutes)
    # The file arrives at B, and Slack's retry of that event at A, both at once.
    file = hosted(pair.slack, "F1")
    ts = "1699999999.000777"
    await asyncio.gather(
        pair.b.client.share_file(file, ts=ts, event_id="Ev0FILE"),
        pair.a.client.share_file(file, ts=ts, event_id="Ev0FILE", retry_num=1),
    )
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Rachel")))
    await share(pair, pair.a, "F2", "Marker")
    await share(pair, pair.b, "F3", "Marker2")
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Marker") and created(pair.slack, "Marker2")))
    assert sent(pair.revring) == {"Rachel": 1, "Marker": 1, "Marker2": 1}
    assert len(created(pair.slack, "Rachel")) == 1


async def test_the_hourly_limit_holds_across_instances(pair: Pair):
    pair.set(CLONES_PER_HOUR="2")
    await pair.start()
    await asyncio.gather(
        share(pair, pair.a, "F1", "Ann"),
        share(pair, pair.b, "F2", "Ben"),
        share(pair, pair.a, "F3", "Cat"),
        share(pair, pair.b, "F4", "Dan"),
    )
    await pair.slack.wait_for("chat.postEphemeral", 2)
    await pair.slack.wait_until(lambda: sum(len(created(pair.slack, n)) for n in ("Ann", "Ben", "Cat", "Dan")) == 2)
    assert sum(sent(pair.revring).values()) == 2
    refusals = pair.slack.calls_to("chat.postEphemeral")
    assert len(refusals) == 2
    assert all(call.args["text"].startswith("You've started 2 clones in the last hour") for call in refusals)


async def test_try_again_clicked_on_both_instances_at_once_reopens_the_clone_once(pair: Pair):
    await pair.start()
    pair.revring.answers = ["server_error", "slow"]
    await share(pair, pair.a, "F1", "Rachel")
    [failed] = await pair.slack.wait_for("chat.update")
    button, channel, ts = retry_button(failed), failed.args["channel"], failed.args["ts"]
    clicks = await asyncio.gather(
        pair.a.client.click(button, channel, message_ts=ts), pair.b.client.click(button, channel, message_ts=ts)
    )
    assert [answer.status for answer in clicks] == [200, 200]
    told = await pair.slack.wait_for_response()
    assert told["text"] == clone_text.retry_already_running()
    await asyncio.wait_for(pair.revring.slow_started.wait(), 10)
    pair.revring.release_slow.set()
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Rachel")))
    assert pair.revring.attempts == 2  # the failed one, and one Try again
    assert len(created(pair.slack, "Rachel")) == 1
    assert len(pair.slack.responses) == 1


async def test_the_voice_list_is_the_same_from_both_instances(pair: Pair):
    await pair.start()
    await share(pair, pair.a, "F1", "Ann")
    await share(pair, pair.b, "F2", "Ben")
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Ann") and created(pair.slack, "Ben")))
    from_a, from_b = await pair.a.client.command("list"), await pair.b.client.command("list")
    assert from_a.body == from_b.body
    assert "Ann" in from_a.text and "Ben" in from_a.text


async def test_the_queue_position_counts_the_clones_running_on_every_instance(pair: Pair):
    pair.set(MAX_CONCURRENT_CLONES="1")
    await pair.start()
    pair.revring.answers = ["slow", "slow", "slow"]
    await share(pair, pair.a, "F1", "Ann")
    await share(pair, pair.b, "F2", "Ben")
    await pair.revring.wait_until(lambda: pair.revring.attempts == 2)  # one running on each instance
    await share(pair, pair.a, "F3", "Cat")
    queued = clone_text.queued("Cat", 2)
    assert "queued behind 2 other clones" in queued
    await pair.slack.wait_until(lambda: queued in pair.slack.thread_texts())
    pair.revring.release_slow.set()
    await pair.slack.wait_until(lambda: all(created(pair.slack, n) for n in ("Ann", "Ben", "Cat")), 20)
    assert sent(pair.revring) == {"Ann": 1, "Ben": 1, "Cat": 1}
    assert [len(created(pair.slack, n)) for n in ("Ann", "Ben", "Cat")] == [1, 1, 1]


# --- an instance dies, pauses or stops ---------------------------------------------------------------------


async def test_sigkill_during_the_download_the_other_instance_finishes_the_clone_once(pair: Pair):
    await pair.start()
    pair.slack.stall_downloads = asyncio.Event()
    await share(pair, pair.a, "F1", "Rachel")  # born on A, running there
    await asyncio.wait_for(pair.slack.download_started.wait(), 10)
    await pair.a.bot.stop(signal.SIGKILL)
    pair.slack.stall_downloads.set()
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Rachel")), TAKEOVER)
    assert sent(pair.revring) == {"Rachel": 1}
    assert len(created(pair.slack, "Rachel")) == 1
    assert len(pair.slack.calls_to("chat.postMessage")) == 1  # B finished A's message
    assert await metric(pair.b, "voice_cloner_takeovers_total ") == "voice_cloner_takeovers_total 1.0"


async def test_sigkill_during_the_upload_the_other_instance_explains_once_and_offers_try_again(pair: Pair):
    await pair.start()
    pair.revring.answers = ["slow"]
    await share(pair, pair.a, "F1", "Rachel")
    await asyncio.wait_for(pair.revring.slow_started.wait(), 10)
    await pair.a.bot.stop(signal.SIGKILL)
    await pair.slack.wait_until(lambda: bool(told_uncertain(pair.slack, "Rachel")), TAKEOVER)
    assert pair.revring.attempts == 1  # not sent again blindly
    [told] = [c for c in pair.slack.calls_to("chat.update") if c.args["text"].startswith("I was restarted")]
    await pair.b.client.click(retry_button(told), told.args["channel"], message_ts=told.args["ts"])
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Rachel")))
    assert pair.revring.attempts == 2
    assert len(told_uncertain(pair.slack, "Rachel")) == 1 and len(created(pair.slack, "Rachel")) == 1


async def test_an_instance_paused_past_its_lease_neither_uploads_nor_answers_nor_overwrites(pair: Pair):
    """SIGSTOP during the download until the other instance has taken the job over and finished it; SIGCONT: the
    paused one wakes up holding a stale lease, and its fenced steps refuse it everything."""
    await pair.start()
    pair.slack.stall_downloads = asyncio.Event()
    await share(pair, pair.a, "F1", "Rachel")
    await asyncio.wait_for(pair.slack.download_started.wait(), 10)
    pair.a.bot.signal(signal.SIGSTOP)
    pair.slack.stall_downloads.set()  # the rest of A's download waits in its socket; B's goes through
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Rachel")), TAKEOVER)
    # What B does last for the job, once its answer is out: the ✅ on the message, and the requester's Home.
    done = clone_text.REACTION_DONE
    await pair.slack.wait_until(
        lambda: any(c.method == "reactions.add" and c.args.get("name") == done for c in pair.slack.calls)
    )
    await pair.slack.wait_until(
        lambda: any(c.method == "views.publish" and "Rachel" in str(c.args) for c in pair.slack.calls)
    )
    [done] = await jobs_in(pair.database)
    seen_calls, seen_attempts = len(pair.slack.calls), pair.revring.attempts

    pair.a.bot.signal(signal.SIGCONT)
    await eventually(lambda: "this one stops" in pair.a.bot.printed())
    await share(pair, pair.a, "F2", "Marker")  # A is well and working: whatever it was going to do, it has done
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Marker")))
    # …and Marker's requester's Home is refreshed: it lists Rachel too, as it should.
    await pair.slack.wait_until(
        lambda: any(c.method == "views.publish" and "Marker" in str(c.args) for c in pair.slack.calls[seen_calls:])
    )
    assert (seen_attempts, sent(pair.revring)) == (1, {"Rachel": 1, "Marker": 1})
    after = [
        c
        for c in pair.slack.calls[seen_calls:]
        if "Rachel" in str(c.args) and not (c.method == "views.publish" and "Marker" in str(c.args))
    ]
    assert after == []  # not a word from A about Rachel
    assert len(created(pair.slack, "Rachel")) == 1
    rachel = (await jobs_in(pair.database))[0]
    assert (rachel["stage"], rachel["voice_id"], rachel["fence"]) == ("done", "voice-0001", done["fence"])
    assert rachel["answer"] is None


async def test_sigterm_of_one_instance_while_the_other_keeps_taking_work(pair: Pair):
    await pair.start()
    pair.revring.answers = ["slow"]
    await share(pair, pair.a, "F1", "Ann")  # running on A when it is told to stop
    await asyncio.wait_for(pair.revring.slow_started.wait(), 10)
    pair.a.bot.signal(signal.SIGTERM)

    async def a_not_ready() -> bool:
        async with pair.a.client.session.get(f"{pair.a.url}/readyz") as response:
            return response.status == 503

    await eventually(a_not_ready)
    # A balancer has not noticed yet: a request still reaches A. It is acknowledged, and B clones it.
    await share(pair, pair.a, "F2", "Ben")
    await share(pair, pair.b, "F3", "Cat")
    await pair.slack.wait_until(lambda: bool(created(pair.slack, "Ben") and created(pair.slack, "Cat")), 10)
    assert pair.a.bot.returncode is None and not created(pair.slack, "Ann")  # A is still finishing Ann
    pair.revring.release_slow.set()
    await pair.a.bot.stop(signal.SIGTERM)
    assert pair.a.bot.returncode == 0
    assert sent(pair.revring) == {"Ann": 1, "Ben": 1, "Cat": 1}
    assert [len(created(pair.slack, n)) for n in ("Ann", "Ben", "Cat")] == [1, 1, 1]
    assert (
        await metric(pair.b, 'voice_cloner_clones_total{outcome="done"}')
        == 'voice_cloner_clones_total{outcome="done"} 2.0'
    )


async def test_postgresql_unreachable_under_load_the_bots_reconnect_and_answer_everyone(
    fakes, postgres_url: str, postgres_cluster: Cluster, tmp_path: Path, unused_tcp_port_factory
):
    """The database drops every connection and refuses new ones (a restart, a failover) while clones run on both
    instances: they keep running, requests arriving meanwhile are told to try again in a minute, and the running
    clones' outcomes are written and delivered once it is back."""
    slack, revring = fakes
    proxy = CuttableProxy(postgres_cluster.port)
    port = await proxy.start()
    database = postgres_url.replace(f":{postgres_cluster.port}/", f":{port}/")
    async with aiohttp.ClientSession() as session:
        instances = []
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            settings = make_env(
                slack,
                revring,
                DATABASE_URL=database,
                PORT=str(unused_tcp_port_factory()),
                REVRING_TIMEOUT="30",
                JOB_LEASE_SECONDS=str(LEASE),
            )
            bot = BotProcess(settings, tmp_path / name)
            instances.append(Instance(bot, BotClient(bot.url, session, SIGNING_SECRET, f"{slack.url}/response")))
        pair = Pair(slack, revring, instances[0], instances[1], postgres_url)
        try:
            await pair.start()
            revring.answers = ["slow", "slow"]
            await share(pair, pair.a, "F1", "Ann")
            await share(pair, pair.b, "F2", "Ben")
            await revring.wait_until(lambda: revring.attempts == 2)
            proxy.cut()
            # Requests arriving now, at either instance, are answered: never silence, never a 500.
            answer = await pair.a.client.command("Cat")
            assert (answer.status, answer.text) == (200, clone_text.database_unavailable())
            answer = await pair.b.client.command("list")
            assert (answer.status, answer.text) == (200, clone_text.database_unavailable())
            await share(pair, pair.b, "F3", "Dan")
            [told] = await slack.wait_for("chat.postEphemeral")
            assert (told.args["channel"], told.args["user"], told.args["text"]) == (
                CHANNEL,
                USER,
                clone_text.database_unavailable(),
            )
            # The running clones finish while it is down; their outcomes wait to be written.
            revring.release_slow.set()
            await eventually(
                lambda: (
                    "job not recorded yet" in pair.a.bot.printed() and "job not recorded yet" in pair.b.bot.printed()
                )
            )
            assert not created(slack, "Ann") and not created(slack, "Ben")
            proxy.restore()
            await slack.wait_until(lambda: bool(created(slack, "Ann") and created(slack, "Ben")), 10)
            # Back to normal on both, by themselves.
            await share(pair, pair.a, "F3", "Dan")
            await slack.wait_until(lambda: bool(created(slack, "Dan")), 10)
            assert sent(revring) == {"Ann": 1, "Ben": 1, "Dan": 1}
            assert [len(created(slack, n)) for n in ("Ann", "Ben", "Dan")] == [1, 1, 1]
            assert [job["stage"] for job in await jobs_in(postgres_url)] == ["done", "done", "done"]
            assert (pair.a.bot.returncode, pair.b.bot.returncode) == (None, None)
        finally:
            revring.release_slow.set()
            for instance in instances:
                if instance.bot.returncode is None and instance.bot.process is not None:
                    await instance.bot.stop(signal.SIGKILL)
            await proxy.stop()
