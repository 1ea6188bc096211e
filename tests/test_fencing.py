"""A runner that lost its job (paused past its lease, taken over) leaves no trace in Slack: its first step is a
fenced write, before it shows anything."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import aiohttp
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.scheduling import LeaseLost
from bot.config import Settings
from bot.records import Answer, Job, Stage
from bot.store import SQLStore
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, TEAM, BotClient, Harness, make_env, start_bot
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV, eventually
from tests.postgres import Cluster, CuttableProxy, create_database


@pytest.mark.parametrize("harness", [{"MAX_CONCURRENT_CLONES": "1"}], indirect=True)
async def test_a_runner_whose_job_was_taken_over_shows_nothing_before_its_first_fenced_write(harness: Harness):
    harness.revring.answers = ["slow"]  # the job holds the only slot, so this instance takes nothing else
    file = harness.slack.host_file(HostedFile("F1", "rachel.wav", "audio/wav", WAV))
    await harness.bot.share_file(file, text="<@UBOT> Rachel")
    await asyncio.wait_for(harness.revring.slow_started.wait(), 10)
    store, cloner = harness.services.store, harness.services.cloner
    [stale] = await store.recent_jobs(TEAM, 1)
    assert stale.stage is Stage.UPLOADING and stale.reply_ts is not None

    # Its lease runs out and another instance takes it over: the fence moves on.
    store.clock = lambda: time.time() + 3600
    taken = await store.take_next("another-instance", 30)
    assert taken is not None and taken.id == stale.id and taken.fence != stale.fence

    # The paused runner wakes up with the job as it knew it, about to run it again.
    client = AsyncWebClient(token=BOT_TOKEN, base_url=harness.settings.slack_api_url)
    seen = len(harness.slack.calls)
    with pytest.raises(LeaseLost):
        await cloner.run(client, replace(stale, stage=Stage.RECEIVED))
    assert harness.slack.calls[seen:] == []  # not "Cloning…" over the new holder's message
    harness.revring.release_slow.set()


async def test_a_voice_made_while_the_database_was_down_past_the_lease_is_still_the_answer(
    fakes: tuple[FakeSlack, FakeRevRing], postgres_cluster: Cluster
):
    """Upload done, voice id in hand, but the database went away and the job's lease ran out meanwhile, so another
    instance took the job over and told the person the voice may or may not exist. Once the database is back, the
    runner that has the voice takes the job back and answers with it."""
    slack, revring = fakes
    revring.answers = ["slow"]
    proxy = CuttableProxy(postgres_cluster.port)
    port = await proxy.start()
    direct = create_database(postgres_cluster)
    settings = Settings.from_env(
        make_env(
            slack,
            revring,
            DATABASE_URL=direct.replace(f":{postgres_cluster.port}/", f":{port}/"),
            JOB_LEASE_SECONDS="5",
            MAX_CONCURRENT_CLONES="1",
        )
    )
    runner, url = await start_bot(settings)
    other = await SQLStore.open(direct, 600, clock=lambda: time.time() + 60)  # instance B, its lease seen as run out
    try:
        async with aiohttp.ClientSession() as session:
            bot = BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
            await bot.share_file(
                slack.host_file(HostedFile("F1", "rachel.wav", "audio/wav", WAV)), text="<@UBOT> Rachel"
            )
            await asyncio.wait_for(revring.slow_started.wait(), 10)
            proxy.cut()  # this instance's database goes away while RevRing works
            taken = await other.take_next("instance-b", 30)
            assert taken is not None and taken.stage is Stage.UPLOADING
            told = Answer("I was restarted while sending Rachel: it may or may not have been created.", [], ok=False)
            assert await other.update_job(replace(taken, stage=Stage.INTERRUPTED, answer=told), taken.fence)

            revring.release_slow.set()  # the voice is made; its answer cannot be written yet
            await eventually(lambda: len(revring.voices) == 1)  # RevRing made it and is answering
            proxy.restore()
            await slack.wait_until(
                lambda: any("voice-0001" in str(c.args) for c in slack.calls_to("chat.update")), timeout=30
            )
            job = await other.get_job(taken.id)
            assert job is not None and (job.stage, job.voice_id) == (Stage.DONE, "voice-0001")
            assert len(revring.received) == 1  # the voice was made once, and is the answer
    finally:
        proxy.restore()
        await other.close()
        await runner.cleanup()
        await proxy.stop()


async def test_an_answer_slack_has_shown_is_no_longer_kept_to_be_shown(harness: Harness):
    await harness.bot.share_file(
        harness.slack.host_file(HostedFile("F1", "rachel.wav", "audio/wav", WAV)), text="<@UBOT> Rachel"
    )
    await harness.slack.wait_until(
        lambda: any("voice-0001" in str(c.args) for c in harness.slack.calls_to("chat.update"))
    )
    store = harness.services.store
    jobs: list[Job] = []

    async def answered() -> bool:
        jobs[:] = await store.recent_jobs(TEAM, 1)
        return jobs[0].answer is None

    await eventually(answered)
    assert jobs[0].stage is Stage.DONE  # a takeover now would find nothing to deliver again
