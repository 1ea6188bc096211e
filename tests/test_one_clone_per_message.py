"""One message, one clone: redeliveries, other bots' messages and a file cloned minutes ago start nothing new."""

from __future__ import annotations

from dataclasses import replace

from bot.store import Admission, CloneRequest, SharedFile, Stage
from tests.conftest import CHANNEL, TEAM, USER, Harness
from tests.helpers import clones, hosted


async def test_a_redelivered_message_whose_clone_failed_is_not_cloned_again(harness: Harness):
    # The job failed, so the same file is free to be cloned again: only the message's own claim stops Slack's
    # redelivery of the event from starting a second clone. The person's way back is the Try again button.
    harness.revring.answers = ["server_error"]
    file = hosted(harness)
    await harness.bot.share_file(file, text="<@UBOT> Rachel", ts="1699999999.000555", event_id="EvFAILED")
    [failed] = await harness.slack.wait_for("chat.update")
    assert "may or may not have been created" in failed.args["text"]
    again, _ts = await harness.bot.share_file(
        file, text="<@UBOT> Rachel", ts="1699999999.000555", event_id="EvFAILED", retry_num=1
    )
    assert again.status == 200  # acknowledged, so Slack stops redelivering
    await harness.settled()
    assert await clones(harness) == ["Rachel"]
    assert harness.revring.attempts == 1
    assert len(harness.slack.calls_to("chat.postMessage")) == 1


async def test_a_file_shared_by_another_bot_is_left_alone(harness: Harness):
    file = hosted(harness)
    event = {
        "type": "message",
        "subtype": "file_share",
        "text": "<@UBOT> Rachel",
        "user": "U0OTHERBOT",  # bots that post with a bot token have a user id too
        "bot_id": "B0OTHERBOT",
        "app_id": "A0OTHERAPP",
        "bot_profile": {
            "id": "B0OTHERBOT",
            "deleted": False,
            "name": "recorder",
            "updated": 1699999000,
            "app_id": "A0OTHERAPP",
            "icons": {"image_36": "https://a.slack-edge.com/80588/img/plugins/app/bot_36.png"},
            "team_id": TEAM,
        },
        "channel": CHANNEL,
        "channel_type": "channel",
        "ts": "1699999999.000888",
        "files": [file],
        "upload": False,
        "display_as_bot": False,
        "team": TEAM,
    }
    assert (await harness.bot.event(event)).status == 200
    await harness.settled()
    assert await clones(harness) == []
    assert harness.revring.attempts == 0
    assert harness.slack.calls_to("chat.postMessage") == [] and harness.slack.calls_to("reactions.add") == []
    assert [c for c in harness.slack.calls_to("users.info") if c.args["user"] == "U0OTHERBOT"] == []


async def test_a_file_cloned_minutes_ago_is_not_cloned_again(harness: Harness):
    file = hosted(harness)
    await harness.bot.share_file(file, text="<@UBOT> Rachel")
    [done] = await harness.slack.wait_for("chat.update")
    assert "voice-0001" in done.args["text"]
    await harness.bot.share_file(file, text="<@UBOT> Rachel")  # a new message with the same file, once it is done
    await harness.settled()
    assert await clones(harness) == ["Rachel"]
    assert len(harness.revring.received) == 1
    assert len(harness.slack.calls_to("chat.postMessage")) == 1


async def test_the_same_file_may_be_cloned_again_once_ten_minutes_have_passed(open_store):
    now = [1_700_000_000.0]
    store = await open_store(now)
    request = CloneRequest(TEAM, CHANNEL, USER, SharedFile("F0AUDIO"), "1.1", "1.1", "Rachel", "en")
    first = await store.admit(request, per_user_per_hour=10, runner="run-1")
    assert first.outcome is Admission.ACCEPTED and first.job is not None
    await store.update_job(replace(first.job, stage=Stage.DONE))
    now[0] += 599
    assert (await store.admit(request, per_user_per_hour=10, runner="run-1")).outcome is Admission.DUPLICATE
    now[0] += 2
    assert (await store.admit(request, per_user_per_hour=10, runner="run-1")).outcome is Admission.ACCEPTED
