"""Only the right people, only the right hosts: verification, Slack Connect, allowlists, secrets, bounds."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest

from bot import __version__
from bot.app import BOLT, create_web_app
from bot.config import Settings
from tests import slack_payloads
from tests.conftest import BOT_TOKEN, CHANNEL, REVRING_KEY, SIGNING_SECRET, USER, Harness
from tests.doubles.fake_revring import FakeRevRing
from tests.doubles.fake_slack import HostedFile
from tests.helpers import WAV, clones, hosted

COMMAND = urlencode(slack_payloads.slash_command("Rachel", response_url="http://127.0.0.1:9/r"))


STARTUP_CALLS = {"auth.test", "apps.connections.open"}  # the bot's own start-up: its token, Socket Mode's URL
BOTH_MODES = pytest.mark.parametrize(
    "harness", [{}, {"SLACK_APP_TOKEN": "xapp-1-A0APP-1-socket"}], ids=["http", "socket-mode"], indirect=True
)


def no_calls(harness: Harness) -> None:
    """Nothing reached Slack or RevRing but the bot's own start-up calls."""
    assert {call.method for call in harness.slack.calls} <= STARTUP_CALLS and harness.revring.attempts == 0


async def raw_post(harness: Harness, body: str, headers: dict[str, str]) -> int:
    async with harness.bot.session.post(
        f"{harness.bot.url}/slack/events",
        data=body.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
    ) as r:
        return r.status


@BOTH_MODES
async def test_a_wrong_signature_is_refused_and_does_nothing(harness: Harness):
    now = str(int(time.time()))
    status = await raw_post(harness, COMMAND, {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": "v0=" + "0" * 64})
    assert status == 401
    assert await raw_post(harness, COMMAND, {}) == 401
    no_calls(harness)


@BOTH_MODES
async def test_an_old_timestamp_is_refused_even_with_a_valid_signature(harness: Harness):
    answer = await harness.bot.post(COMMAND, "application/x-www-form-urlencoded", timestamp=int(time.time()) - 6 * 60)
    assert answer.status == 401
    no_calls(harness)


@BOTH_MODES
async def test_a_replayed_body_with_a_fresh_timestamp_is_refused(harness: Harness):
    old = str(int(time.time()) - 10 * 60)
    captured = harness.bot.verifier.generate_signature(timestamp=old, body=COMMAND)
    assert await raw_post(harness, COMMAND, {"X-Slack-Request-Timestamp": old, "X-Slack-Signature": captured}) == 401
    fresh = str(int(time.time()))
    assert await raw_post(harness, COMMAND, {"X-Slack-Request-Timestamp": fresh, "X-Slack-Signature": captured}) == 401
    no_calls(harness)


@BOTH_MODES
async def test_events_and_interactions_are_verified_too(harness: Harness):
    event = json.dumps(slack_payloads.fixture("event_callback_file_share"))
    action = urlencode({"payload": json.dumps(slack_payloads.fixture("block_actions_message"))})
    for body in (event, action):
        assert (
            await raw_post(
                harness, body, {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=bad"}
            )
            == 401
        )
    no_calls(harness)


@BOTH_MODES
async def test_an_unsigned_malformed_body_is_refused_as_unsigned(harness: Harness):
    assert (
        await raw_post(
            harness,
            '{"event": ""}',
            {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=bad"},
        )
        == 401
    )
    no_calls(harness)


async def test_only_slack_and_health_routes_exist_and_health_reveals_nothing(harness: Harness):
    async with harness.bot.session.get(f"{harness.bot.url}/healthz") as health:
        assert health.status == 200 and await health.text() == f'{{"ok": true, "version": "{__version__}"}}'
    async with harness.bot.session.get(f"{harness.bot.url}/readyz") as ready:
        assert ready.status == 200 and await ready.text() == '{"ready": true}'
    for path in ("/", "/slack/install", "/slack/oauth_redirect", "/admin", "/healthz/../slack/events"):
        async with harness.bot.session.get(f"{harness.bot.url}{path}") as response:
            assert response.status in (404, 405)


async def test_route_table_has_nothing_but_events_health_and_metrics():
    app = create_web_app(
        Settings.from_env(
            {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY}
        )
    )
    routes = sorted((r.method, r.resource.canonical) for r in app.router.routes() if r.method != "HEAD")
    assert routes == [("GET", "/healthz"), ("GET", "/metrics"), ("GET", "/readyz"), ("POST", "/slack/events")]
    assert BOLT not in app  # the Bolt app is built with the resources, behind the verified route only


async def test_an_oversized_payload_is_refused(harness: Harness):
    answer = await harness.bot.post("x=" + "a" * (2 * 1024 * 1024), "application/x-www-form-urlencoded")
    assert answer.status == 413
    no_calls(harness)


# --- Slack Connect and allowlists -------------------------------------------------------------------


async def test_people_from_other_organizations_are_refused_politely(harness: Harness):
    harness.slack.user_teams["U0GUEST"] = "T0OTHER"
    answer = await harness.bot.command("Rachel", user="U0GUEST")
    assert "only for members of this workspace" in answer.text
    await harness.bot.share_file(hosted(harness, "F1", name="r.wav"), text="<@UBOT> Rachel", user="U0GUEST")
    [note] = await harness.slack.wait_for("chat.postEphemeral")
    assert note.args["user"] == "U0GUEST" and "only for members" in note.args["text"]
    await harness.settled()
    assert await clones(harness) == []
    assert harness.revring.attempts == 0 and harness.slack.calls_to("chat.postMessage") == []


async def test_strangers_are_refused_even_when_their_team_looks_right(harness: Harness):
    harness.slack.strangers.add("U0STRANGER")
    answer = await harness.bot.command("Rachel", user="U0STRANGER")
    assert "only for members of this workspace" in answer.text


async def test_when_slack_cannot_say_who_someone_is_they_are_told_so_and_nothing_starts(harness: Harness):
    harness.slack.failures["users.info"] = "internal_error"
    answer = await harness.bot.command("Rachel")
    assert "couldn't check with Slack that you're a member" in answer.text and "try again in a minute" in answer.text
    assert "only for members" not in answer.text  # not a claim that they are an outsider
    await harness.bot.share_file(hosted(harness, "F1", name="r.wav"), text="<@UBOT> Rachel")
    [note] = await harness.slack.wait_for("chat.postEphemeral")
    assert "couldn't check with Slack" in note.args["text"] and note.args["user"] == USER
    await harness.settled()
    assert await clones(harness) == []
    assert harness.revring.attempts == 0 and harness.slack.calls_to("chat.postMessage") == []

    del harness.slack.failures["users.info"]  # Slack answers again; the failure was not remembered
    assert "Share an audio file" in (await harness.bot.command("Rachel")).text
    harness.slack.failures["users.info"] = "user_not_found"  # an answer: nobody the workspace knows
    assert "only for members of this workspace" in (await harness.bot.command("Rachel", user="U0GHOST")).text


async def test_external_people_are_refused_in_dialogs_and_buttons_too(harness: Harness):
    harness.slack.user_teams[USER] = "T0OTHER"
    submit = slack_payloads.view_submission({}, view={"callback_id": "clone_voice_dialog", "private_metadata": "{}"})
    answer = await harness.bot.interaction(submit)
    assert answer.body["response_action"] == "errors" and "only for members" in answer.body["errors"]["name"]
    assert (await harness.bot.click({"action_id": "retry_clone", "value": "nope"}, CHANNEL)).status == 200
    assert "only for members" in (await harness.slack.wait_for_response())["text"]


@pytest.mark.parametrize("harness", [{"ALLOW_EXTERNAL_USERS": "true"}], indirect=True)
async def test_external_people_may_clone_when_allowed(harness: Harness):
    harness.slack.user_teams["U0GUEST"] = "T0OTHER"
    await harness.bot.share_file(hosted(harness, "F1", name="r.wav"), text="<@UBOT> Rachel", user="U0GUEST")
    [update] = await harness.slack.wait_for("chat.update")
    assert "voice-0001" in update.args["text"]


@pytest.mark.parametrize(
    "harness", [{"ALLOWED_USER_IDS": "U0ALICE, U0CAROL", "ACCESS_CONTACT": "<!channel> ops"}], indirect=True
)
async def test_only_listed_people_may_clone_and_others_are_told_who_to_ask(harness: Harness):
    refused = await harness.bot.command("Rachel", user="U0BOB")
    assert "limited to approved people" in refused.text and "&lt;!channel&gt; ops" in refused.text
    assert "<!channel>" not in refused.text
    allowed = await harness.bot.command("Rachel", user=USER)
    assert "Share an audio file" in allowed.text


@pytest.mark.parametrize("harness", [{"ALLOWED_USERGROUP_ID": "S0VOICE"}], indirect=True)
async def test_members_of_the_allowed_user_group_may_clone(harness: Harness):
    harness.slack.usergroups["S0VOICE"] = ["U0BOB"]
    assert "Share an audio file" in (await harness.bot.command("Rachel", user="U0BOB")).text
    assert "limited to approved people" in (await harness.bot.command("Rachel", user=USER)).text


@pytest.mark.parametrize("harness", [{"ALLOWED_CHANNEL_IDS": "C0APPROVED"}], indirect=True)
async def test_only_listed_channels_take_requests(harness: Harness):
    assert "isn't turned on in this conversation" in (await harness.bot.command("Rachel")).text
    assert "isn't turned on in this conversation" in (await harness.bot.command("", channel="D0TWOHUMANS")).text
    assert "Share an audio file" in (await harness.bot.command("Rachel", channel="C0APPROVED")).text
    await harness.bot.share_file(hosted(harness, "F1", name="r.wav"), text="<@UBOT> Rachel")
    [note] = await harness.slack.wait_for("chat.postEphemeral")
    assert "isn't turned on in this conversation" in note.args["text"]
    await harness.settled()
    assert await clones(harness) == [] and harness.revring.attempts == 0


# --- secrets ----------------------------------------------------------------------------------------


async def test_the_revring_key_never_follows_a_redirect(harness: Harness):
    foreign = FakeRevRing("other", host="127.0.0.2")
    await foreign.start()
    try:
        harness.revring.redirect_to = foreign.url
        harness.revring.answers = ["redirect"]
        await harness.bot.share_file(hosted(harness, "F1", name="r.wav"), text="<@UBOT> Rachel")
        [update] = await harness.slack.wait_for("chat.update")
        assert "RevRing turned the request away, so nothing was created" in update.args["text"]
        assert foreign.attempts == 0
    finally:
        await foreign.stop()


@pytest.mark.parametrize("harness", [{"REVRING_API_KEY": "rr_wrong_key_9876543"}], indirect=True)
async def test_no_secret_reaches_logs_or_slack_on_any_path(harness: Harness, caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    harness.slack.files.clear()
    hidden = harness.slack.host_file(HostedFile("F0HIDDEN", "h.wav", "audio/wav", WAV, visible_to_bot=False))
    await harness.bot.share_file(hosted(harness, "F1", name="r.wav"), text="<@UBOT> One")  # RevRing refuses the key
    await harness.bot.share_file(hidden, text="<@UBOT> Two")  # Slack's sign-in page
    await harness.bot.command("Rachel")
    await harness.bot.command("")
    await harness.bot.post(COMMAND, "application/x-www-form-urlencoded", timestamp=1)  # refused
    await harness.slack.wait_for("chat.update", 2)
    shown = json.dumps([c.args for c in harness.slack.calls])
    for secret in (BOT_TOKEN, SIGNING_SECRET, "rr_wrong_key_9876543", REVRING_KEY):
        assert secret not in caplog.text, secret
        assert secret not in shown
        assert secret not in repr(harness.settings)
    assert "REVRING_API_KEY" in shown  # the person is told which setting, not its value


async def test_a_shared_file_name_cannot_ping_when_the_command_picks_it_up(harness: Harness):
    await harness.bot.share_file(harness.slack.host_file(HostedFile("F1", "<!channel>.wav", "audio/wav", WAV)))
    await harness.settled()  # the share is remembered quietly, after Slack's request was acknowledged
    answer = await harness.bot.command("Rachel")
    assert "&lt;!channel&gt;.wav" in answer.text and "<!channel>" not in answer.text


async def test_the_shortcut_refuses_people_from_other_organizations(harness: Harness):
    harness.slack.user_teams[USER] = "T0OTHER"
    file = hosted(harness, "F1", name="r.wav")
    payload = slack_payloads.message_action(
        {"ts": "1699990000.000300", "files": [file]}, response_url=harness.bot.response_url
    )
    assert (await harness.bot.interaction(payload)).status == 200
    assert "only for members" in (await harness.slack.wait_for_response())["text"]
    await harness.settled()
    assert harness.slack.calls_to("views.open") == []
