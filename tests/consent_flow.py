"""The steps the consent tests share: a request that names its speaker, the message that asks them, their buttons, and
what a waiting request looks like."""

from __future__ import annotations

import re
from typing import Any

from bot.records import Consent
from tests.conftest import CHANNEL, TEAM, USER, Answer, Harness
from tests.doubles.fake_slack import ApiCall
from tests.helpers import hosted

ANA = "U0ANA"  # the speaker; users.info names her "u0ana"
DM = "D0BOTDM"  # the fake's DM with the bot, whoever it is


async def ask_for(
    harness: Harness, speaker: str = f"<@{ANA}>", *, file_id: str = "F0AUDIO", name: str = "Rachel"
) -> str:
    """Alice shares a recording mentioning the bot, the voice's name and its speaker; the message's ts."""
    _, ts = await harness.bot.share_file(hosted(harness, file_id), text=f"<@UBOT> {name} {speaker}".strip())
    return ts


async def asked(harness: Harness, user: str = ANA, count: int = 1) -> ApiCall:
    """The `count`th message that asks `user` (posted to their user id: their DM with the bot)."""

    def to_them() -> list[ApiCall]:
        return [c for c in harness.slack.calls_to("chat.postMessage") if c.args.get("channel") == user]

    await harness.slack.wait_until(lambda: len(to_them()) >= count)
    return to_them()[count - 1]


def buttons(call: ApiCall) -> dict[str, dict[str, Any]]:
    """action_id -> the button as the bot sent it in `call`'s message."""
    return {
        element["action_id"]: element
        for block in call.args.get("blocks") or []
        if block["type"] == "actions"
        for element in block["elements"]
    }


def code_in(call: ApiCall) -> str:
    """The one-time code the statement in `call`'s message asks to be read ("Code 4-7-2-9.")."""
    found = re.search(r"Code (\d(?:-\d)+)", str(call.args.get("blocks")))
    assert found, call.args
    return found.group(1).replace("-", "")


async def click(
    harness: Harness, call: ApiCall, action_id: str, *, user: str = ANA, team: str = TEAM
) -> tuple[Answer, str | None]:
    """`user` clicks a button of `call`'s message; the answer and what they alone were told (None: nothing)."""
    before = len(harness.slack.responses)
    payload = harness.bot.click_payload(
        buttons(call)[action_id],
        str(call.answer["channel"] if call.answer else call.args["channel"]),
        user=user,
        message_ts=str(call.answer["ts"]) if call.answer else None,
    )
    if team != TEAM:
        payload["team"]["id"] = payload["user"]["team_id"] = team
    answer = await harness.bot.interaction(payload)
    await harness.settled()
    told = harness.slack.responses[before:]
    return answer, (str(told[-1]["text"]) if told else None)


async def the_consent(harness: Harness) -> Consent:
    [job] = await harness.services.store.recent_jobs(TEAM, limit=1)
    consent = await harness.services.store.consent_for(job.id)
    assert consent is not None
    return consent


def thread_messages(harness: Harness) -> list[str]:
    """Every message posted in, or edited into, the request's channel (not the DMs)."""
    return [
        str(c.args.get("text"))
        for c in harness.slack.calls
        if c.method in ("chat.postMessage", "chat.update") and c.args.get("channel") == CHANNEL
    ]


__all__ = ["ANA", "CHANNEL", "DM", "USER"]
