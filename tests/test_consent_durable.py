"""A request waiting for its speaker is in the database, not in a process: it survives a restart (and is not run by
it), and with several instances on one PostgreSQL database the speaker's yes, a double click, a decline and the
expiry sweep each decide once, whichever instance sees them; the voice is cloned once. Uninstalling forgets the
record (with the workspace's jobs); JOB_RETENTION_DAYS keeps it as long as its voice exists."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.messages import ids
from bot.records import ConsentStatus, Stage
from tests.bot_process import process_env
from tests.conftest import SIGNING_SECRET, TEAM, BotClient, Harness, make_env, start_bot
from tests.consent_flow import ANA, ask_for, asked, click, the_consent, thread_messages
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack


@asynccontextmanager
async def running(fakes: tuple[FakeSlack, FakeRevRing], **env: str) -> AsyncIterator[Harness]:
    """One start of the bot, in this process, with `env` on top of the tests' settings."""
    slack, revring = fakes
    settings = Settings.from_env(make_env(slack, revring, **{"CONSENT": "speaker", **env}))
    runner, url = await start_bot(settings)
    try:
        async with aiohttp.ClientSession() as session:
            client = BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
            yield Harness(slack, revring, client, settings, runner.app)
    finally:
        await runner.cleanup()


@pytest.mark.process
async def test_the_wait_survives_a_restart_and_is_cloned_once(fakes, tmp_path: Path):
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    async with running(fakes, DATABASE_URL=database) as first:
        await ask_for(first)
        dm = await asked(first)
        await first.settled()
    async with running(fakes, DATABASE_URL=database) as second:
        await second.settled()
        [job] = await second.services.store.recent_jobs(TEAM, limit=1)
        assert job.stage is Stage.AWAITING_CONSENT  # the new start took it over as it was: still waiting
        assert second.revring.received == []
        _, told = await click(second, dm, ids.CONSENT_AGREE_ACTION)
        assert told is None
        await second.slack.wait_until(lambda: "voice-" in thread_messages(second)[-1])
        _, told = await click(second, dm, ids.CONSENT_AGREE_ACTION)
        assert told is not None and "answered already" in told
    async with running(fakes, DATABASE_URL=database) as third:
        await third.settled()
        assert len(third.revring.received) == 1
        # The waiting message became the answer: one message in the thread from request to voice.
        [posted] = [c for c in third.slack.calls_to("chat.postMessage") if c.args["channel"] == "C0VOICES"]
        assert all(c.args["ts"] == posted.answer["ts"] for c in third.slack.calls_to("chat.update")[1:])
    # The auditor's view, from the database alone.
    printed = await consent_log(tmp_path, database, "--json")
    [record] = json.loads(printed)
    assert record["speaker_id"] == ANA and record["requested_by"] == "U0ALICE" and record["voice_name"] == "Rachel"
    assert (record["status"], record["how"], record["decided_by"]) == ("agreed", "button", ANA)
    [voice] = third.revring.voices.values()
    assert record["voice_id"] == voice.id
    assert record["statement"].startswith("I, u0ana, agree that Acme may create an AI voice")
    line = await consent_log(tmp_path, database)
    assert "'Rachel'" in line and f"speaker {ANA}" in line and f"agreed button by {ANA}" in line


@pytest.mark.process
async def test_the_consent_log_of_a_folder_without_the_bots_database_says_so_and_makes_none(tmp_path: Path):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "consent-log",
        cwd=tmp_path,
        env=process_env({}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1 and stdout == b""
    assert "there is no database at voice-cloner.sqlite3" in stderr.decode()
    assert not any(tmp_path.iterdir())  # noqa: ASYNC240 (a test, after the process has ended)


async def consent_log(cwd: Path, database: str, *args: str) -> str:
    """`python -m bot consent-log` run as a process with DATABASE_URL alone: what it printed."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "consent-log",
        *args,
        cwd=cwd,
        env=process_env({"DATABASE_URL": database}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, stderr.decode()
    return stdout.decode()


async def test_several_instances_decide_once(fakes, postgres_url: str):
    async with running(fakes, DATABASE_URL=postgres_url) as a, running(fakes, DATABASE_URL=postgres_url) as b:
        await ask_for(a, file_id="F1", name="Rachel")
        dm = await asked(a)
        await a.settled()
        # Ana's click reaches both instances at once (a double click, balanced across them): one clone.
        before = len(a.slack.responses)
        await asyncio.gather(click(a, dm, ids.CONSENT_AGREE_ACTION), click(b, dm, ids.CONSENT_AGREE_ACTION))
        [told] = a.slack.responses[before:]  # one of the two clicks decided; the other is told so
        assert "answered already" in told["text"]
        await a.slack.wait_until(lambda: any("voice-" in text for text in thread_messages(a)))

        # A second request expires: both instances sweep at once, and one of them ends it.
        await ask_for(b, f"<@{ANA}>", file_id="F2", name="Monica")
        await asked(b, count=2)
        await b.settled()
        for instance in (a, b):
            instance.services.store.clock = lambda: time.time() + 25 * 3600
        assert sorted(await asyncio.gather(a.services.cloner.consent.sweep(), b.services.cloner.consent.sweep())) == [
            0,
            1,
        ]
        await a.slack.wait_until(lambda: any("No answer from" in text for text in thread_messages(a)))
        await a.settled()
        await b.settled()
        assert [v.display_name for v in a.revring.received] == ["Rachel"]
        assert sum("No answer from" in text for text in thread_messages(a)) == 1


@pytest.mark.parametrize("harness", [{"CONSENT": "speaker"}], indirect=True)
async def test_retention_keeps_a_living_voices_consent_and_uninstall_forgets_it(harness: Harness):
    await ask_for(harness)
    dm = await asked(harness)
    await harness.settled()
    await click(harness, dm, ids.CONSENT_AGREE_ACTION)
    await harness.slack.wait_until(lambda: "voice-" in thread_messages(harness)[-1])
    store = harness.services.store
    [job] = await store.recent_jobs(TEAM, limit=1)
    await store.prune(time.time() + 10)  # the job is older than the retention: its voice still exists
    assert (await the_consent(harness)).status is ConsentStatus.AGREED
    assert await store.claim_deletion(TEAM, job.id, "U0ALICE")  # the voice is deleted: now it goes
    await store.prune(time.time() + 10)
    assert await store.consent_for(job.id) is None and await store.recent_jobs(TEAM, limit=1) == []

    await ask_for(harness, file_id="F2")
    await asked(harness, count=2)
    await harness.settled()
    [waiting] = await store.recent_jobs(TEAM, limit=1)
    await store.prune(time.time() + 10)  # a request still waiting is never pruned
    assert (await store.consent_for(waiting.id)) is not None
    # An uninstall (distribution mode, tests/test_uninstall_cleanup.py) forgets the workspace this way.
    await store.forget_workspace(TEAM, None)
    assert await store.consent_for(waiting.id) is None


@pytest.mark.process
async def test_a_speaker_the_stopped_instance_never_asked_is_asked_after_the_restart(fakes, tmp_path: Path):
    database = f"sqlite:///{tmp_path}/bot.sqlite3"
    slack, _revring = fakes
    release = asyncio.Event()
    async with running(fakes, DATABASE_URL=database, SHUTDOWN_GRACE_SECONDS="0") as first:
        await first.bot.command("help")  # Bolt has checked its token (auth.test) before the hold
        started = len(slack.calls_to("auth.test"))
        slack.held["auth.test"] = release  # the ask stops at the workspace's name…
        await ask_for(first)
        await first.slack.wait_for("auth.test", started + 1)
    release.set()  # …and the instance stops before it asked anyone
    del slack.held["auth.test"]
    assert [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == ANA] == []
    async with running(fakes, DATABASE_URL=database) as second:
        await second.settled()
        store, desk = second.services.store, second.services.cloner.consent
        asking = len(slack.calls_to("auth.test"))
        assert await desk.sweep() == 0 and len(slack.calls_to("auth.test")) == asking  # not yet: it may be asking
        store.clock = lambda: time.time() + 121
        await desk.sweep()
        dm = await asked(second)
        assert await desk.sweep() == 0
        await second.settled()
        assert len([c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == ANA]) == 1  # asked once
        _, told = await click(second, dm, ids.CONSENT_AGREE_ACTION)
        assert told is None
        await second.slack.wait_until(lambda: "voice-" in thread_messages(second)[-1])
        assert len(second.revring.received) == 1
