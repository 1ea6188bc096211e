"""The app installed on a whole Enterprise Grid org (distribution mode): someone in one workspace of the org designs
voices and saves a candidate; the voice is made with the org's RevRing key and answered with the org's token."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.config import Settings
from bot.messages import ids
from tests import slack_payloads
from tests.conftest import SIGNING_SECRET, BotClient, start_bot
from tests.distribution import ACME_KEY, REVRING_KEYS, Person, distribution_env, install, org_wide_workspace
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import ApiCall, FakeSlack, Workspace

TEAM, CHANNEL, USER = "T0SALES", "C0SALES", "U0BOB"  # a workspace of the org, a channel there, one of its people


@dataclass
class Org:
    slack: FakeSlack
    revring: FakeRevRing
    workspace: Workspace
    url: str
    session: aiohttp.ClientSession
    bot: BotClient


@pytest.fixture
async def org(tmp_path: Path) -> AsyncIterator[Org]:
    slack = FakeSlack("xoxb-no-single-workspace-token")
    revring = FakeRevRing(REVRING_KEYS)
    await slack.start()
    await revring.start()
    workspace = org_wide_workspace(slack)
    settings = Settings.from_env(distribution_env(slack, revring, DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}"))
    runner, url = await start_bot(settings)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield Org(
            slack, revring, workspace, url, session, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response")
        )
    await runner.cleanup()
    await revring.stop()
    await slack.stop()


def save_button(call: ApiCall) -> dict[str, Any]:
    actions = next(block for block in call.args["blocks"] if block["type"] == "actions")
    [button] = [e for e in actions["elements"] if e["action_id"] == ids.SAVE_CANDIDATE_ACTION]
    return button


async def test_a_designed_candidate_saved_on_an_org_wide_install_becomes_a_voice_and_is_answered(org: Org):
    status, page = await install(org.session, org.url, org.workspace)
    assert status == 200 and "installed in Acme Org" in page
    await Person(org.slack, org.bot, org.workspace, "U0ORGADMIN", team=TEAM).connect(ACME_KEY)

    command = slack_payloads.slash_command(
        "design a warm, calm voice", response_url=org.bot.response_url, user=USER, channel=CHANNEL, team=TEAM
    )
    answer = await org.bot.post(urlencode(slack_payloads.org_wide(command)), "application/x-www-form-urlencoded")
    assert answer.status == 200 and "Designing 3 voices" in answer.text
    await org.slack.wait_until(
        lambda: any("Save as a voice…" in c.args["text"] for c in org.slack.calls_to("chat.update"))
    )
    [first, *_] = [
        c for c in org.slack.calls_to("chat.postMessage") if ids.SAVE_CANDIDATE_ACTION in str(c.args.get("blocks"))
    ]
    assert first.token == org.workspace.bot_token and first.answer is not None

    opened = len(org.slack.calls_to("views.open"))
    click = org.bot.click_payload(save_button(first), first.answer["channel"], message_ts=first.answer["ts"], user=USER)
    assert (await org.bot.interaction(slack_payloads.org_wide(slack_payloads.in_workspace(click, TEAM)))).status == 200
    dialog = (await org.slack.wait_for("views.open", opened + 1))[opened].args["view"]
    assert dialog["callback_id"] == ids.SAVE_CALLBACK_ID
    values = {
        ids.NAME_BLOCK: {ids.FIELD_ACTION: {"type": "plain_text_input", "value": "Support line"}},
        ids.LANGUAGE_BLOCK: {
            ids.FIELD_ACTION: {
                "type": "static_select",
                "selected_option": {"text": {"type": "plain_text", "text": "en"}, "value": "en"},
            }
        },
    }
    submitted = slack_payloads.view_submission(values, view=dialog, user=USER, team=TEAM)
    saved = await org.bot.interaction(slack_payloads.org_wide(submitted))
    assert saved.status == 200 and not saved.body  # the dialog closes

    def answered() -> bool:
        return any(
            c.token == org.workspace.bot_token
            and c.args.get("channel") == CHANNEL
            and voice.id in c.args.get("text", "")
            for voice in org.revring.voices.values()
            for c in org.slack.calls_to("chat.update")
        )

    await org.slack.wait_until(answered)
    [voice] = org.revring.voices.values()
    assert (voice.display_name, voice.key) == ("Support line", ACME_KEY)
