"""Attacks on the speaker's consent across installations, over HTTP, in distribution mode (Acme and Globex installed
apart, tests/test_attacks_workspaces.py's world): Globex's owner answers Acme's consent, with each of its buttons, and
Acme's own speaker clicks through Globex's installation; Globex sends a `file_change` for Acme's consent clip. Each
finds nothing of Acme's, and nothing reaches RevRing until Acme's speaker answers from Acme. (One workspace:
tests/test_attacks_consent.py.)"""

from __future__ import annotations

import json
import time

import pytest

from bot.consent import listening
from bot.messages import ids
from bot.records import ConsentStatus
from tests import slack_payloads, test_attacks_workspaces
from tests.consent_flow import buttons, code_in
from tests.distribution import ACME_KEY
from tests.doubles.fake_slack import ApiCall, HostedFile
from tests.helpers import WAV
from tests.test_attacks_consent import GONE
from tests.test_attacks_workspaces import Voice, World
from tests.test_consent_recorded import heard, reading

world = test_attacks_workspaces.world  # the fixture: Acme and Globex installed apart, and an Enterprise Grid org


def asking_in(world: World, channel: str) -> ApiCall | None:
    """The message in `channel` that asks for consent with buttons."""
    return next(
        (c for c in world.slack.calls_to("chat.postMessage") if c.args.get("channel") == channel and buttons(c)), None
    )


@pytest.mark.parametrize("world", [{"CONSENT": "speaker"}], indirect=True)
async def test_from_another_workspace_nobody_answers_acmes_consent(world: World):
    await world.share(world.acme, "Rachel", user="U0ACMEOWNER", team="T0ACME", channel="C0ACME")  # her own voice
    await world.slack.wait_until(lambda: asking_in(world, "C0ACME") is not None)
    asking = asking_in(world, "C0ACME")
    assert asking is not None and asking.answer is not None
    shown = buttons(asking)
    request = Voice("Rachel", "-", "C0ACME", str(asking.answer["ts"]), shown)
    attest = {**shown[ids.CONSENT_AGREE_ACTION], "action_id": ids.CONSENT_ATTEST_ACTION}
    world.slack.owners.add("U0GLOBEXOWNER")
    for button in (shown[ids.CONSENT_AGREE_ACTION], shown[ids.CONSENT_DECLINE_ACTION], attest):
        assert await world.click(world.globex, button, request, user="U0GLOBEXOWNER", team="T0GLOBEX") == GONE
    # Acme's speaker herself, clicking through Globex's installation.
    agree = shown[ids.CONSENT_AGREE_ACTION]
    assert await world.click(world.globex, agree, request, user="U0ACMEOWNER", team="T0GLOBEX") == GONE
    [job] = await world.services.store.recent_jobs("T0ACME", limit=1)
    consent = await world.services.store.consent_for(job.id)
    assert consent is not None and consent.status is ConsentStatus.WAITING and world.revring.received == []
    # From Acme, she can.
    body = world.bot.click_payload(agree, "C0ACME", message_ts=request.ts, user="U0ACMEOWNER")
    await world.bot.interaction(world.payload(world.acme, body, "T0ACME"))
    await world.slack.wait_until(lambda: len(world.revring.received) == 1)
    assert world.revring.keys_seen == [ACME_KEY]


@pytest.mark.parametrize("world", [{"CONSENT": "recorded"}], indirect=True)
async def test_a_file_change_from_another_workspace_judges_no_clip_of_acmes(
    world: World, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(listening, "TRANSCRIPT_WAITS", (60.0,))  # only a file_change tells the transcription
    await world.share(world.acme, "Rachel", user="U0ACMEOWNER", team="T0ACME", channel="C0ACME")
    await world.slack.wait_until(lambda: asking_in(world, "U0ACMEOWNER") is not None)
    asking = asking_in(world, "U0ACMEOWNER")
    assert asking is not None
    said = reading(code_in(asking), name="u0acmeowner")
    hosted_clip = HostedFile(
        "F0ACMESAY",
        "audio_message.m4a",
        "audio/mp4",
        WAV,
        filetype="m4a",
        subtype="slack_audio",
        transcription=[slack_payloads.transcription("processing"), heard(said)],
        token=world.acme.bot_token,
        extra={"user": "U0ACMEOWNER", "duration_ms": 9000},
    )
    clip_file = world.slack.host_file(hosted_clip)
    event = slack_payloads.file_share_event([clip_file], user="U0ACMEOWNER", channel="D0ACMEDM", ts="1700000900.000001")
    changed = slack_payloads.file_change_event("F0ACMESAY")
    for workspace, team, envelope in (
        (world.acme, "T0ACME", slack_payloads.event_callback(event, event_id="Ev0CLIP", event_time=int(time.time()))),
        (
            world.globex,
            "T0GLOBEX",
            slack_payloads.event_callback(changed, event_id="Ev0GLOBEX", event_time=int(time.time())),
        ),
        (world.acme, "T0ACME", slack_payloads.event_callback(changed, event_id="Ev0ACME", event_time=int(time.time()))),
    ):
        assert (
            await world.bot.post(json.dumps(world.payload(workspace, envelope, team)), "application/json")
        ).status == 200
    await world.slack.wait_until(lambda: len(world.revring.received) == 1)
    assert {c.token for c in world.slack.calls_to("files.info")} == {world.acme.bot_token}
