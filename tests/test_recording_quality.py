"""The recording report over HTTP, on real speech made for each test (tests/takes.py): a take is judged before a
clone is spent, a poor one is held back with *Clone anyway* (once, for its owner only), and the answer says what to
fix with its number. QUALITY_CHECK is left unset here, so its default (ask) is what runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import cache
from typing import Any

import numpy as np
import pytest

from tests import takes
from tests.conftest import CHANNEL, USER, Harness
from tests.doubles.fake_slack import ApiCall, HostedFile

DEFAULT_CHECK = {"QUALITY_CHECK": ""}  # unset: the default
DEFAULT = pytest.mark.parametrize("harness", [DEFAULT_CHECK], indirect=True)


@pytest.fixture(autouse=True)
def speech() -> None:
    takes.require_speech()


@cache
def wav(take: Callable[[], np.ndarray]) -> bytes:
    return takes.encode(take())


def a_little_quiet() -> np.ndarray:
    return takes.gain(takes.clean_take(), -10.0)  # about -32 LUFS


async def share(harness: Harness, content: bytes, *, file_id: str = "F0TAKE", user: str = USER) -> ApiCall:
    """Share `content` with a mention; the answer the thread ends with."""
    file = harness.slack.host_file(HostedFile(file_id, "take.wav", "audio/wav", content, filetype="wav"))
    await harness.bot.share_file(file, text="<@UBOT> Rachel", user=user)
    [answer] = await harness.slack.wait_for("chat.update")
    return answer


def shown(call: ApiCall) -> str:
    return call.args["text"] + " " + str(call.args["blocks"])


def button(call: ApiCall, text: str) -> dict[str, Any]:
    actions = next(block for block in call.args["blocks"] if block["type"] == "actions")
    return next(element for element in actions["elements"] if element["text"]["text"] == text)


# --- the verdicts ----------------------------------------------------------------------------------------------


@DEFAULT
async def test_a_clean_take_is_cloned_and_the_answer_says_recording_good(harness: Harness):
    answer = await share(harness, wav(takes.clean_take))
    assert "voice-0001" in answer.args["text"]
    assert "Recording: good (18.1 s of speech, −22 LUFS, SNR 50 dB)." in shown(answer)
    assert len(harness.revring.received) == 1


@DEFAULT
async def test_a_take_that_could_be_better_is_cloned_with_one_kind_tip(harness: Harness):
    answer = await share(harness, wav(a_little_quiet))
    assert "voice-0001" in answer.args["text"]
    assert "Recording: could be better" in shown(answer)
    assert "A little quiet (−32 LUFS): move closer to the microphone." in shown(answer)


@DEFAULT
@pytest.mark.parametrize(
    ("take", "told"),
    [
        (takes.quiet_take, "Very quiet (−47 LUFS): move much closer to the microphone"),
        (takes.clipped_take, "Clipped: 8.2 % of the samples hit the top of the range"),
        (takes.noisy_take, "Loud background noise (SNR 7 dB)"),
        (takes.phone_take, "It sounds like a phone call (almost nothing above 4 kHz: −44 dB)"),
        (takes.mostly_silent_take, "Too little speech (2.9 s): a clone needs at least 5 s of talking"),
    ],
    ids=["quiet", "clipped", "loud-noise", "phone-band", "mostly-silence"],
)
async def test_a_poor_take_spends_no_clone_and_says_what_to_fix(
    harness: Harness, take: Callable[[], np.ndarray], told: str
):
    answer = await share(harness, wav(take))
    assert "haven't cloned *Rachel* yet" in shown(answer) and "Recording: poor" in shown(answer)
    assert told in shown(answer)
    assert harness.revring.attempts == 0  # no clone spent
    assert button(answer, "Clone anyway")["value"]
    assert button(answer, "Upload a new take")["action_id"] == "open_clone_dialog"
    await harness.slack.wait_for("reactions.add", 2)
    assert harness.slack.calls_to("reactions.add")[-1].args["name"] == "x"


@pytest.mark.parametrize("harness", [{"QUALITY_CHECK": "warn"}], indirect=True)
async def test_warn_clones_a_poor_take_with_its_tips(harness: Harness):
    answer = await share(harness, wav(takes.noisy_take))
    assert "voice-0001" in answer.args["text"]
    assert "Recording: poor" in shown(answer) and "Loud background noise (SNR 7 dB)" in shown(answer)


@pytest.mark.parametrize("harness", [{"QUALITY_CHECK": "off"}], indirect=True)
async def test_off_clones_without_a_report(harness: Harness):
    answer = await share(harness, wav(takes.noisy_take))
    assert "voice-0001" in answer.args["text"] and "Recording:" not in shown(answer)


@DEFAULT
async def test_the_report_is_on_the_excerpt_that_is_sent(harness: Harness):
    # 40 s of a clean voice, then the same voice under loud noise: a 95 s take is cut to its first 30 s of sound,
    # and only those are judged (the whole file would be noisy).
    clean = takes.clean_take(40.0)
    content = takes.encode(np.concatenate([clean, takes.noisy_take(55.0)]))
    answer = await share(harness, content)
    assert "voice-0001" in answer.args["text"] and "30-second excerpt" in shown(answer)
    assert "Recording: good" in shown(answer)


# --- Clone anyway ----------------------------------------------------------------------------------------------


async def held_back(harness: Harness) -> tuple[ApiCall, dict[str, Any]]:
    answer = await share(harness, wav(takes.noisy_take))
    return answer, button(answer, "Clone anyway")


@DEFAULT
async def test_clone_anyway_clones_the_take_as_it_is_once_for_its_owner(harness: Harness):
    answer, anyway = await held_back(harness)
    clicks = [harness.bot.click(anyway, CHANNEL, message_ts=answer.args["ts"]) for _ in range(2)]
    assert all(click.status == 200 for click in await asyncio.gather(*clicks))  # a double click
    updates = await harness.slack.wait_for("chat.update", 3)
    assert "voice-0001" in updates[-1].args["text"] and updates[-1].args["ts"] == answer.args["ts"]
    assert "Recording: poor" in shown(updates[-1])  # its tips still told
    response = await harness.slack.wait_for_response()
    assert response["text"] == "That clone is already running again; its result will appear in the same message."

    await harness.bot.click(anyway, CHANNEL, message_ts=answer.args["ts"])  # once more, after the voice
    await harness.slack.wait_until(lambda: len(harness.slack.responses) == 2)
    assert "made a voice since" in harness.slack.responses[-1]["text"]
    assert len(harness.revring.received) == 1  # one voice, whatever the clicks


@DEFAULT
async def test_only_the_person_who_asked_may_clone_anyway(harness: Harness):
    answer, anyway = await held_back(harness)
    await harness.bot.click(anyway, CHANNEL, message_ts=answer.args["ts"], user="U0BOB")
    response = await harness.slack.wait_for_response()
    assert response["text"].startswith("Only the person who asked for this clone can clone this recording anyway")
    assert response["response_type"] == "ephemeral"
    assert harness.revring.attempts == 0 and len(harness.slack.calls_to("chat.update")) == 1


@DEFAULT
async def test_clone_anyway_on_a_job_that_was_not_held_back_is_refused(harness: Harness):
    # A forged click: the value of a clone that failed for another reason (RevRing's billing), not for its take.
    harness.revring.answers = ["billing_inactive"]
    failed = await share(harness, wav(takes.clean_take))
    forged = {
        **button(failed, "Try again"),
        "action_id": "clone_anyway",
        "text": {"type": "plain_text", "text": "Clone anyway"},
    }
    await harness.bot.click(forged, CHANNEL)
    response = await harness.slack.wait_for_response()
    assert response["text"] == "That recording isn't waiting for an answer, so there is nothing to clone anyway."
    await harness.bot.click({**forged, "value": "not-a-job"}, CHANNEL)
    await harness.slack.wait_until(lambda: len(harness.slack.responses) == 2)
    assert "no longer have that request" in harness.slack.responses[-1]["text"]
    assert harness.revring.attempts == 1  # the first attempt only


@pytest.mark.parametrize("harness", [{**DEFAULT_CHECK, "CLONES_PER_HOUR": "1"}], indirect=True)
async def test_clone_anyway_counts_toward_the_hourly_limit(harness: Harness):
    answer, anyway = await held_back(harness)  # the request itself was the one clone of the hour
    await harness.bot.click(anyway, CHANNEL, message_ts=answer.args["ts"])
    response = await harness.slack.wait_for_response()
    assert response["text"].startswith("You've started 1 clone in the last hour, which is the most allowed.")
    assert harness.revring.attempts == 0
