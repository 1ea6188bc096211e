"""A runner that lost its job (paused past its lease, taken over) leaves no trace in Slack: its first step is a
fenced write, before it shows anything."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.scheduling import LeaseLost
from bot.records import Stage
from tests.audio_samples import wav_tone
from tests.conftest import BOT_TOKEN, TEAM, Harness
from tests.doubles.fake_slack import HostedFile

WAV = wav_tone(12.0)


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
