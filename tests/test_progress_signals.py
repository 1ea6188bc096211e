"""What a person sees while a clone waits or runs again: the queue position and the reactions on their message."""

from __future__ import annotations

import pytest

from tests.conftest import Harness
from tests.helpers import hosted


def reactions(harness: Harness, method: str, message_ts: str) -> list[str]:
    return [c.args["name"] for c in harness.slack.calls_to(method) if c.args["timestamp"] == message_ts]


async def test_a_successful_try_again_takes_the_old_failure_mark_off_the_message(harness: Harness):
    harness.revring.answers = ["server_error"]
    _answer, shared_ts = await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Rachel")
    [failed] = await harness.slack.wait_for("chat.update")
    await harness.slack.wait_until(lambda: "x" in reactions(harness, "reactions.add", shared_ts))
    assert "x" not in reactions(harness, "reactions.remove", shared_ts)

    button = next(b for b in failed.args["blocks"] if b["type"] == "actions")["elements"][0]
    await harness.bot.click(button, failed.args["channel"], message_ts=failed.args["ts"])
    await harness.slack.wait_until(lambda: "white_check_mark" in reactions(harness, "reactions.add", shared_ts))
    assert "voice-0001" in harness.slack.calls_to("chat.update")[-1].args["text"]
    removed = reactions(harness, "reactions.remove", shared_ts)
    assert "x" in removed  # the ❌ of the first attempt does not sit beside the ✅
    [done] = [c for c in harness.slack.calls_to("reactions.add") if c.args["name"] == "white_check_mark"]
    assert done.args["channel"] == failed.args["channel"]


async def test_a_first_success_removes_only_the_working_mark(harness: Harness):
    _answer, shared_ts = await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> Rachel")
    await harness.slack.wait_until(lambda: "white_check_mark" in reactions(harness, "reactions.add", shared_ts))
    assert reactions(harness, "reactions.remove", shared_ts) == ["hourglass_flowing_sand"]


@pytest.mark.parametrize("harness", [{"MAX_CONCURRENT_CLONES": "2"}], indirect=True)
async def test_with_two_clones_at_once_the_queue_position_counts_both(harness: Harness):
    harness.revring.answers = ["slow", "slow"]
    try:
        await harness.bot.share_file(hosted(harness, "F1"), text="<@UBOT> First")
        await harness.bot.share_file(hosted(harness, "F2"), text="<@UBOT> Second")
        started = await harness.slack.wait_for("chat.postMessage", 2)  # posted once each holds a slot
        assert all("Cloning" in p.args["text"] for p in started)
        await harness.bot.share_file(hosted(harness, "F3"), text="<@UBOT> Third")
        await harness.slack.wait_for("chat.postMessage", 3)
        await harness.bot.share_file(hosted(harness, "F4"), text="<@UBOT> Fourth")
        posts = await harness.slack.wait_for("chat.postMessage", 4)
        assert "*Third* is queued behind 2 other clones;" in posts[2].args["text"]
        assert "*Fourth* is queued behind 3 other clones;" in posts[3].args["text"]
    finally:
        harness.revring.release_slow.set()  # a failed assertion must not leave two clones holding the bot open
    await harness.slack.wait_until(
        lambda: sum("voice-" in u.args["text"] for u in harness.slack.calls_to("chat.update")) == 4
    )
    assert sorted(v.display_name for v in harness.revring.received) == ["First", "Fourth", "Second", "Third"]
