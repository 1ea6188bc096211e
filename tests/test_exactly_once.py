"""Every request gets exactly one answer: duplicates, retries, limits, queues and Try again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from tests.conftest import SIGNING_SECRET, USER, BotClient, Harness, make_env, start_bot
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV, clones, hosted


async def test_the_same_file_shared_twice_is_cloned_once_and_the_second_ask_is_pointed_to_the_first(
    harness: Harness,
):
    file = hosted(harness)
    await harness.bot.share_file(file, text="<@UBOT> Rachel")
    await harness.bot.share_file(file, text="<@UBOT> Rachel")  # shared again a moment later
    [note] = await harness.slack.wait_for("chat.postEphemeral")  # not silence
    assert note.args["user"] == USER and "already being cloned (or just was)" in note.args["text"]
    await harness.slack.wait_for("chat.update")
    await harness.settled()
    assert await clones(harness) == ["Rachel"]
    assert len(harness.revring.received) == 1
    assert len(harness.slack.calls_to("chat.postMessage")) == 1


async def test_try_again_reruns_the_job_in_the_same_message_and_a_double_click_runs_it_once(harness: Harness):
    harness.revring.answers = ["server_error"]
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel lang=es")
    [failed] = await harness.slack.wait_for("chat.update")
    assert "may or may not have been created" in failed.args["text"]
    actions = next(b for b in failed.args["blocks"] if b["type"] == "actions")
    button = actions["elements"][0]
    assert button["text"]["text"] == "Try again"

    click = harness.bot.click_payload(button, failed.args["channel"], message_ts=failed.args["ts"])
    first, second = await asyncio.gather(harness.bot.interaction(click), harness.bot.interaction(click))
    assert (first.status, second.status) == (200, 200)
    updates = await harness.slack.wait_for("chat.update", 3)
    done = [u for u in updates if "voice-0001" in u.args["text"]]
    assert len(done) == 1 and done[0].args["ts"] == failed.args["ts"]  # the same message, edited again
    await harness.settled()  # both clicks handled
    assert harness.revring.attempts == 2  # one failure, one success: the double click ran once
    assert [(v.display_name, v.language) for v in harness.revring.received] == [("Rachel", "es")] * 2
    assert "already running" in (await harness.slack.wait_for_response())["text"]
    assert len(harness.slack.calls_to("chat.postMessage")) == 1


@pytest.mark.parametrize("harness", [{"MAX_CONCURRENT_CLONES": "1"}], indirect=True)
async def test_clones_beyond_the_limit_wait_in_order_and_say_so(harness: Harness):
    harness.revring.answers = ["slow"]
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> First")
    await asyncio.wait_for(harness.revring.slow_started.wait(), 10)
    await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Second")
    await harness.slack.wait_for("chat.postMessage", 2)
    await harness.bot.share_file(hosted(harness, "F3"), text="<@UBOT> Third")
    posts = await harness.slack.wait_for("chat.postMessage", 3)
    assert "*Second* is queued behind 1 other clone;" in posts[1].args["text"]
    assert "*Third* is queued behind 2 other clones;" in posts[2].args["text"]
    assert len(harness.revring.received) == 1
    harness.revring.release_slow.set()
    updates = await harness.slack.wait_for("chat.update", 5)  # Second and Third: progress, then result
    texts = [u.args["text"] for u in updates]
    assert any("Cloning *Second*" in t for t in texts)  # the queued message turned into progress
    assert [v.display_name for v in harness.revring.received] == ["First", "Second", "Third"]


@pytest.mark.parametrize("harness", [{"CLONES_PER_HOUR": "1"}], indirect=True)
async def test_a_person_over_the_hourly_limit_is_told_kindly(harness: Harness):
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> First")
    await harness.slack.wait_for("chat.update")
    await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Second")
    [note] = await harness.slack.wait_for("chat.postEphemeral")
    assert note.args["user"] == USER and "started 1 clone in the last hour" in note.args["text"]
    assert "about 60 minutes" in note.args["text"]
    assert len(harness.revring.received) == 1
    answer = await harness.bot.share_file(hosted(harness, "F3"), text="<@UBOT> Third", user="U0BOB")
    assert answer[0].status == 200
    await harness.slack.wait_for("chat.update", 2)  # someone else may still clone


async def test_slack_rate_limits_on_posting_are_retried(harness: Harness):
    harness.slack.rate_limit_once.add("chat.postMessage")
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel")
    [update] = await harness.slack.wait_for("chat.update")
    assert "voice-0001" in update.args["text"]
    assert len(harness.slack.calls_to("chat.postMessage")) == 2  # the 429, then the retry


async def test_list_shows_the_workspaces_voices_newest_first(harness: Harness):
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Rachel")
    await harness.slack.wait_for("chat.update")
    harness.revring.answers = ["billing_inactive"]
    await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Bob &amp; Co", user="U0BOB")
    await harness.slack.wait_for("chat.update", 2)
    text = (await harness.bot.command("list")).text
    bob, rachel = text.index("Bob"), text.index("Rachel")
    assert bob < rachel
    assert "*Rachel* · `voice-0001` · ready · <@U0ALICE>" in text
    assert "*Bob &amp; Co* · failed · <@U0BOB>" in text


async def test_a_waiting_command_survives_a_restart(fakes: tuple[FakeSlack, FakeRevRing], tmp_path: Path):
    slack, revring = fakes
    settings = Settings.from_env(make_env(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3"))
    runner, url = await start_bot(settings)
    async with aiohttp.ClientSession() as session:
        bot = BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
        await bot.command("Rachel")
        await runner.cleanup()
        runner, url = await start_bot(settings)
        bot.url = url
        await bot.share_file(slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)))
        [update] = await slack.wait_for("chat.update")
    await runner.cleanup()
    assert "voice-0001" in update.args["text"] and revring.received[0].display_name == "Rachel"


async def test_only_the_person_who_asked_can_try_again(harness: Harness):
    harness.revring.answers = ["server_error"]
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel")
    [failed] = await harness.slack.wait_for("chat.update")
    button = next(b for b in failed.args["blocks"] if b["type"] == "actions")["elements"][0]
    assert (await harness.bot.click(button, failed.args["channel"], user="U0BOB")).status == 200
    assert "Only the person who asked" in (await harness.slack.wait_for_response())["text"]
    assert harness.revring.attempts == 1


def retry_button(update) -> dict:
    return next(b for b in update.args["blocks"] if b["type"] == "actions")["elements"][0]


async def test_an_old_try_again_waits_for_and_then_answers_with_the_voice_the_same_file_made(harness: Harness):
    harness.revring.answers = ["server_error", "slow"]
    file = hosted(harness)
    await harness.bot.share_file(file, text="<@UBOT> Rachel")
    [failed] = await harness.slack.wait_for("chat.update")
    await harness.bot.share_file(file, text="<@UBOT> Rachel")  # shared again instead of pressing Try again
    await asyncio.wait_for(harness.revring.slow_started.wait(), 10)

    await harness.bot.click(retry_button(failed), failed.args["channel"], message_ts=failed.args["ts"])
    assert "already being cloned" in (await harness.slack.wait_for_response())["text"]
    harness.revring.release_slow.set()
    await harness.slack.wait_until(lambda: any("voice-0001" in t for t in harness.slack.thread_texts()))

    harness.slack.responses.clear()
    await harness.bot.click(retry_button(failed), failed.args["channel"], message_ts=failed.args["ts"])
    told = (await harness.slack.wait_for_response())["text"]
    assert "made a voice since: *Rachel*, `voice-0001`" in told and "didn't clone it again" in told
    assert harness.revring.attempts == 2  # the failure and the voice; the old button cloned nothing


@pytest.mark.parametrize("harness", [{"CLONES_PER_HOUR": "2"}], indirect=True)
async def test_try_again_counts_toward_the_hourly_limit_like_any_clone(harness: Harness):
    harness.revring.answers = ["server_error", "server_error"]
    await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Rachel")
    [failed] = await harness.slack.wait_for("chat.update")
    await harness.bot.click(retry_button(failed), failed.args["channel"], message_ts=failed.args["ts"])
    updates = await harness.slack.wait_for("chat.update", 3)  # "Cloning…" again, then the second failure
    assert harness.revring.attempts == 2

    await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Bob")  # a third clone this hour
    [note] = await harness.slack.wait_for("chat.postEphemeral")
    assert "started 2 clones in the last hour" in note.args["text"]
    await harness.bot.click(retry_button(updates[-1]), failed.args["channel"], message_ts=failed.args["ts"])
    assert "started 2 clones in the last hour" in (await harness.slack.wait_for_response())["text"]
    assert harness.revring.attempts == 2


async def test_try_again_on_a_request_the_bot_no_longer_has_says_how_to_start_over(harness: Harness):
    gone = {"action_id": "retry_clone", "value": "0123456789abcdef"}  # a job forgotten since (or another database)
    assert (await harness.bot.click(gone, "C0VOICES", message_ts="1700000000.000001")).status == 200
    told = (await harness.slack.wait_for_response())["text"]
    assert "no longer have that request" in told and "`/clone-voice`" in told
    assert "already running" not in told


async def test_an_answer_slack_refused_is_delivered_after_a_restart(
    fakes: tuple[FakeSlack, FakeRevRing], tmp_path: Path
):
    slack, revring = fakes
    settings = Settings.from_env(make_env(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path}/bot.sqlite3"))
    runner, url = await start_bot(settings)
    async with aiohttp.ClientSession() as session:
        bot = BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
        slack.failures["chat.postMessage"] = "fatal_error"  # neither the progress nor the result gets out
        await bot.share_file(slack.host_file(HostedFile("F1", "r.wav", "audio/wav", WAV)), text="<@UBOT> Rachel")
        await slack.wait_for("chat.postMessage", 2)
        assert len(revring.received) == 1
        await runner.cleanup()
        slack.failures.clear()
        runner, url = await start_bot(settings)
        posts = await slack.wait_for("chat.postMessage", 3)
    await runner.cleanup()
    assert "voice-0001" in posts[2].args["text"] and posts[2].args["thread_ts"]
    assert len(revring.received) == 1
