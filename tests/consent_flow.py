"""The steps the consent tests share: a request that names its speaker, the message that asks them, their buttons, and
what a waiting request looks like."""

from __future__ import annotations

import re
from typing import Any

from bot.messages import ids
from bot.records import Consent
from tests import slack_payloads
from tests.conftest import CHANNEL, TEAM, USER, Answer, Harness
from tests.doubles.fake_slack import ApiCall
from tests.helpers import hosted, option

ANA = "U0ANA"  # the speaker; users.info names her "u0ana"
DM = "D0BOTDM"  # the fake's DM with the bot, whoever it is


async def ask_for(
    harness: Harness, speaker: str = f"<@{ANA}>", *, file_id: str = "F0AUDIO", name: str = "Rachel"
) -> str:
    """Alice shares a recording mentioning the bot, the voice's name and its speaker; the message's ts."""
    _, ts = await harness.bot.share_file(hosted(harness, file_id), text=f"<@UBOT> {name} {speaker}".strip())
    return ts


async def submit_dialog(
    harness: Harness, name: str, *, speaker: str | None = None, outside: bool = False, grid: bool = False
) -> dict[str, Any]:
    """Alice opens the dialog (`/clone-voice`) and submits it with a recording, naming the voice `name` and whose
    voice it is (`speaker`, or someone outside Slack); `grid`: in a workspace of an Enterprise Grid org. The view."""
    opened = len(harness.slack.calls_to("views.open"))
    await harness.bot.command("")
    view = (await harness.slack.wait_for("views.open", opened + 1))[opened].args["view"]
    chosen = [{"text": {"type": "plain_text", "text": "Someone outside Slack", "emoji": True}, "value": "outside"}]
    values = {
        ids.NAME_BLOCK: {ids.FIELD_ACTION: {"type": "plain_text_input", "value": name}},
        ids.LANGUAGE_BLOCK: {ids.FIELD_ACTION: {"type": "static_select", "selected_option": option("en")}},
        ids.AUDIO_BLOCK: {ids.FIELD_ACTION: {"type": "file_input", "files": [hosted(harness, f"F0{name.upper()}")]}},
        ids.SPEAKER_BLOCK: {ids.FIELD_ACTION: {"type": "users_select", "selected_user": speaker}},
        ids.OUTSIDE_BLOCK: {ids.FIELD_ACTION: {"type": "checkboxes", "selected_options": chosen if outside else []}},
    }
    submitted = slack_payloads.view_submission(values, view=view)
    answer = await harness.bot.interaction(slack_payloads.in_enterprise_grid(submitted) if grid else submitted)
    assert answer.status == 200
    await harness.settled()
    return view


async def asked(harness: Harness, user: str = ANA, count: int = 1) -> ApiCall:
    """The `count`th message that asks `user` (posted to their user id: their DM with the bot)."""

    def to_them() -> list[ApiCall]:
        return [c for c in harness.slack.calls_to("chat.postMessage") if c.args.get("channel") == user]

    await harness.slack.wait_until(lambda: len(to_them()) >= count)
    return to_them()[count - 1]


async def requested(
    harness: Harness, speaker: str = ANA, *, file_id: str = "F0AUDIO", name: str = "Rachel", count: int = 1
) -> ApiCall:
    """`ask_for` `speaker`'s voice, and the message that asks them (their `count`th), once the bot is done with it."""
    await ask_for(harness, f"<@{speaker}>", file_id=file_id, name=name)
    call = await asked(harness, speaker, count)
    await harness.settled()
    return call


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
    harness: Harness, call: ApiCall, action_id: str, *, user: str = ANA, team: str = TEAM, home: str | None = None
) -> tuple[Answer, str | None]:
    """`user` clicks a button of `call`'s message; the answer and what they alone were told (None: nothing).
    `home`: the user's own workspace in an Enterprise Grid org, the app installed on `team` of that org."""
    before = len(harness.slack.responses)
    payload = harness.bot.click_payload(
        buttons(call)[action_id],
        str(call.answer["channel"] if call.answer else call.args["channel"]),
        user=user,
        message_ts=str(call.answer["ts"]) if call.answer else None,
    )
    if team != TEAM:
        payload["team"]["id"] = payload["user"]["team_id"] = team
    if home is not None:
        payload = slack_payloads.in_enterprise_grid(payload)
        payload["user"]["team_id"] = home
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
