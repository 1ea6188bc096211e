"""Every payload Slack documents, exactly as Slack sends it, is accepted over HTTP and over Socket Mode and
reaches its handler, whether the workspace is on its own (`"enterprise": null`), in an Enterprise Grid org, or
served by an org-wide install (`"team": null`). A body Bolt cannot read is refused, and breaks nothing."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import slack_payloads
from tests.conftest import CHANNEL, Answer, Harness
from tests.helpers import WAV, hosted

APP_TOKEN = "xapp-1-A0APP-1-socketmodetoken"
BOTH_MODES = pytest.mark.parametrize(
    "harness", [{}, {"SLACK_APP_TOKEN": APP_TOKEN}], ids=["http", "socket-mode"], indirect=True
)
SOCKET_MODE = pytest.mark.parametrize("harness", [{"SLACK_APP_TOKEN": APP_TOKEN}], ids=["socket-mode"], indirect=True)


def standalone(payload: dict[str, Any]) -> dict[str, Any]:
    return payload  # the fixtures as they are: "enterprise": null, "is_enterprise_install": false


EVERY_INSTALL = pytest.mark.parametrize(
    "install",
    [standalone, slack_payloads.in_enterprise_grid, slack_payloads.org_wide],
    ids=["enterprise-null", "enterprise-grid", "org-wide-team-null"],
)
Install = Callable[[dict[str, Any]], dict[str, Any]]
STARTUP_CALLS = {"auth.test", "apps.connections.open"}
_envelope_ids = itertools.count(1)  # unique across hypothesis examples, which share one bot and one socket


class Slack:
    """Delivers a payload the way Slack does in the bot's mode: a signed HTTP request, or a Socket Mode envelope."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.acks: dict[str, dict[str, Any]] = {}  # Socket Mode: envelope id -> the bot's acknowledgement

    @property
    def socket_mode(self) -> bool:
        return self.harness.settings.socket_mode

    async def send(self, payload: Any) -> Answer:
        """Send `payload`; over Socket Mode, wait until the bot acknowledges it."""
        if not self.socket_mode:
            return await self.post(payload)
        envelope_id = await self.send_envelope(payload)
        reply = await self.ack_of(envelope_id)
        return Answer(200, reply.get("payload"))

    async def post(self, payload: Any) -> Answer:
        bot = self.harness.bot
        if isinstance(payload, dict) and payload.get("type") == "event_callback":
            return await bot.post(json.dumps(payload), "application/json")
        if isinstance(payload, dict) and "command" in payload:
            return await bot.post(urlencode(payload), "application/x-www-form-urlencoded")
        return await bot.post(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")

    async def send_envelope(self, payload: Any, kind: str | None = None) -> str:
        await asyncio.wait_for(self.harness.slack.socket_connected.wait(), 10)
        envelope_id = f"env-{next(_envelope_ids)}"
        if isinstance(payload, dict) and kind is None:
            envelope = slack_payloads.socket_mode_envelope(payload, envelope_id)
        else:
            envelope = {
                "envelope_id": envelope_id,
                "payload": payload,
                "type": kind or "interactive",
                "accepts_response_payload": kind != "events_api",
            }
        await self.harness.slack.send_envelope(envelope)
        return envelope_id

    async def ack_of(self, envelope_id: str) -> dict[str, Any]:
        while envelope_id not in self.acks:
            reply = await asyncio.wait_for(self.harness.slack.socket_messages.get(), 10)
            self.acks[reply["envelope_id"]] = reply
        return self.acks[envelope_id]


class Processed(logging.Handler):
    """The Socket Mode envelopes the bot is through with: Slack's Socket Mode client logs "Message processing
    completed" (at debug level, on Bolt's logger) once its listeners have returned, after the acknowledgement, if
    there is one, went out. What the bot sends back comes over the one socket in order, so an acknowledgement read
    after that line was logged comes after any for the envelope."""

    _COMPLETED = re.compile(r"Message processing completed \(type: [^,]*, envelope_id: ([^,]+),")

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self._done: defaultdict[str, asyncio.Event] = defaultdict(asyncio.Event)

    def emit(self, record: logging.LogRecord) -> None:
        completed = self._COMPLETED.match(record.getMessage())
        if completed:
            self._done[completed.group(1)].set()

    async def wait(self, envelope_id: str) -> None:
        await asyncio.wait_for(self._done[envelope_id].wait(), 10)


@pytest.fixture
def processed() -> Iterator[Processed]:
    logger = logging.getLogger("slack_bolt")  # the bot hands Bolt this logger, and Bolt its Socket Mode client
    handler, level = Processed(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture(autouse=True)
def people_of_the_org(request: pytest.FixtureRequest) -> None:
    """In an Enterprise Grid org, users.info agrees with the payloads: everyone has the org in `enterprise_user`
    (the access rule counts a workspace only for people of the org; tests/test_attacks_workspaces.py)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and callspec.params.get("install") in (
        slack_payloads.in_enterprise_grid,
        slack_payloads.org_wide,
    ):
        request.getfixturevalue("harness").slack.enterprise = dict(slack_payloads.ENTERPRISE)


def share(harness: Harness, file: dict[str, Any], text: str, ts: str = "1699999999.000100") -> dict[str, Any]:
    event = slack_payloads.file_share_event([file], text=text, ts=ts)
    return slack_payloads.event_callback(event, event_id=f"Ev{ts.replace('.', '')}", event_time=int(time.time()))


def acknowledged(answer: Answer) -> None:
    assert answer.status == 200, answer


# --- the fixtures stay complete -----------------------------------------------------------------------------

INTERACTIVE_FIELDS = {"type", "team", "user", "token", "trigger_id", "enterprise", "is_enterprise_install"}
# The keys of every event_callback envelope Slack sends (one with `event_context`, where Slack's reference has it).
_ENVELOPE = {
    "token",
    "team_id",
    "context_team_id",
    "context_enterprise_id",
    "api_app_id",
    "event",
    "type",
    "event_id",
    "event_time",
    "authorizations",
    "is_ext_shared_channel",
}


DOCUMENTED = {  # fixture -> (fields it must carry, fields Slack leaves out of it)
    "block_actions_message": (
        INTERACTIVE_FIELDS | {"api_app_id", "container", "channel", "message", "state", "response_url", "actions"},
        {"view"},
    ),
    "block_actions_view": (
        INTERACTIVE_FIELDS | {"api_app_id", "container", "view", "state", "actions"},
        {"channel", "message", "response_url"},
    ),
    "block_actions_home": (
        INTERACTIVE_FIELDS | {"api_app_id", "container", "view", "state", "actions"},
        {"channel", "message", "response_url"},
    ),
    "message_action": (
        INTERACTIVE_FIELDS | {"action_ts", "callback_id", "channel", "message_ts", "message", "response_url"},
        {"view"},
    ),
    "shortcut": (INTERACTIVE_FIELDS | {"action_ts", "callback_id"}, {"channel", "message", "response_url"}),
    "view_submission": (INTERACTIVE_FIELDS | {"api_app_id", "view", "response_urls"}, {"channel", "message"}),
    # Typing in an external select: no trigger_id, no response_url, no actions.
    "block_suggestion": (
        (INTERACTIVE_FIELDS - {"trigger_id"}) | {"api_app_id", "container", "action_id", "block_id", "value", "view"},
        {"channel", "message", "response_url", "trigger_id", "actions"},
    ),
    "slash_command": (
        {
            "token",
            "team_id",
            "team_domain",
            "channel_id",
            "channel_name",
            "user_id",
            "user_name",
            "command",
            "text",
            "api_app_id",
            "is_enterprise_install",
            "response_url",
            "trigger_id",
        },
        set(),
    ),
    **{
        name: (
            _ENVELOPE | {"event_context"},
            set(),
        )
        # A Workflow Builder step run has the same envelope (Slack's function_executed reference).
        for name in (
            "event_callback_file_share",
            "event_callback_file_share_slack_audio",
            "event_callback_function_executed",
        )
    },
    # files.info on a clip recorded in Slack, once Slack has transcribed it (the share event says "processing").
    "files_info_slack_audio": ({"ok", "file"}, set()),
    # The Home tab, a workspace removing the app, and a file changing (a clip's transcription done: ids only).
    **{
        name: (
            _ENVELOPE,
            set(),
        )
        for name in (
            "event_callback_app_home_opened",
            "event_callback_app_uninstalled",
            "event_callback_tokens_revoked",
            "event_callback_file_change",
        )
    },
}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_each_fixture_has_every_documented_field(name: str):
    present, absent = DOCUMENTED[name]
    payload = slack_payloads.fixture(name)
    assert present <= payload.keys() and not absent & payload.keys()
    if "enterprise" in present:
        assert payload["enterprise"] is None and payload["is_enterprise_install"] is False
    assert {p.stem for p in slack_payloads.FIXTURES.glob("*.json")} == DOCUMENTED.keys()


# --- each documented payload reaches its handler ------------------------------------------------------------


@BOTH_MODES
@EVERY_INSTALL
async def test_the_slash_command_is_answered(harness: Harness, install: Install):
    command = slack_payloads.slash_command("Rachel lang=es", response_url=harness.bot.response_url)
    answer = await Slack(harness).send(install(command))
    acknowledged(answer)
    assert "*Rachel*" in answer.text and "`es`" in answer.text and "Share an audio file" in answer.text


@BOTH_MODES
@EVERY_INSTALL
async def test_a_shared_file_mentioning_the_bot_is_cloned(harness: Harness, install: Install):
    file = hosted(harness, "F0AUDIO", filetype="wav")
    acknowledged(await Slack(harness).send(install(share(harness, file, "<@UBOT> Rachel"))))
    await harness.slack.wait_until(lambda: any("voice-0001" in text for text in harness.slack.thread_texts()))
    assert (harness.revring.received[0].display_name, harness.revring.received[0].content) == ("Rachel", WAV)


@BOTH_MODES
@EVERY_INSTALL
async def test_try_again_in_the_failed_message_clones_again(harness: Harness, install: Install):
    slack = Slack(harness)
    harness.revring.answers = ["server_error"]
    # The command first, then the file: a clone started in the bot's first moments can run twice (the start-up
    # resume races it; issue 12, section 2), and this test counts RevRing attempts.
    await slack.send(slack_payloads.slash_command("Rachel", response_url=harness.bot.response_url))
    await slack.send(share(harness, hosted(harness, "F0AUDIO", filetype="wav"), ""))
    [failed] = await harness.slack.wait_for("chat.update")
    button = next(b for b in failed.args["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["text"]["text"] == "Try again"
    [progress] = harness.slack.calls_to("chat.postMessage")
    click = slack_payloads.block_actions(
        button,
        channel=failed.args["channel"],
        message_ts=failed.args["ts"],
        thread_ts=progress.args["thread_ts"],
        response_url=harness.bot.response_url,
    )
    acknowledged(await slack.send(install(click)))
    updates = await harness.slack.wait_for("chat.update", 3)
    assert "voice-0001" in updates[-1].args["text"] and updates[-1].args["ts"] == failed.args["ts"]
    assert harness.revring.attempts == 2


@BOTH_MODES
@EVERY_INSTALL
async def test_upload_in_a_dialog_in_the_waiting_reply_opens_the_dialog(harness: Harness, install: Install):
    slack = Slack(harness)
    command = slack_payloads.slash_command("Rachel Green lang=fr", response_url=harness.bot.response_url)
    reply = await slack.send(command)
    button = next(b for b in reply.body["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["text"]["text"] == "Upload in a dialog instead"
    click = slack_payloads.block_actions(button, channel=CHANNEL, response_url=harness.bot.response_url)
    assert "message" not in click and click["container"]["is_ephemeral"]  # the reply was ephemeral
    acknowledged(await slack.send(install(click)))
    [opened] = await harness.slack.wait_for("views.open")
    assert opened.args["trigger_id"] == click["trigger_id"]
    name = next(b for b in opened.args["view"]["blocks"] if b["block_id"] == "name")
    assert name["element"]["initial_value"] == "Rachel Green"


@BOTH_MODES
@EVERY_INSTALL
async def test_a_button_inside_a_modal_reaches_its_handler(harness: Harness, install: Install):
    view_button = slack_payloads.fixture("block_actions_view")["view"]["blocks"][1]["elements"][0]
    click = slack_payloads.block_actions_in_view(view_button)
    assert "channel" not in click and "response_url" not in click and click["container"]["type"] == "view"
    acknowledged(await Slack(harness).send(install(click)))
    [opened] = await harness.slack.wait_for("views.open")
    assert opened.args["trigger_id"] == click["trigger_id"]
    assert json.loads(opened.args["view"]["private_metadata"])["channel_id"] == "U0ALICE"  # no channel: a DM


@BOTH_MODES
@EVERY_INSTALL
async def test_the_message_shortcut_opens_the_dialog_with_the_messages_audio(harness: Harness, install: Install):
    file = hosted(harness, "F0CLIP", name="Rachel intro.wav", filetype="wav")
    shortcut = slack_payloads.message_action(
        {"ts": "1699990000.000100", "files": [file]}, response_url=harness.bot.response_url
    )
    acknowledged(await Slack(harness).send(install(shortcut)))
    [opened] = await harness.slack.wait_for("views.open")
    assert opened.args["trigger_id"] == shortcut["trigger_id"]
    assert "Rachel intro.wav" in json.dumps(opened.args["view"])
    assert json.loads(opened.args["view"]["private_metadata"])["file_id"] == "F0CLIP"


@BOTH_MODES
@EVERY_INSTALL
async def test_the_dialog_submission_starts_a_clone(harness: Harness, install: Install):
    values = slack_payloads.fixture("view_submission")["view"]["state"]["values"]
    values["audio"]["value"]["files"] = [hosted(harness, "F0UPLOAD", name="Rachel take 2.wav", filetype="wav")]
    submission = slack_payloads.view_submission(values)
    assert "message" not in submission and "channel" not in submission
    answer = await Slack(harness).send(install(submission))
    acknowledged(answer)
    assert not answer.body  # an empty ack closes the dialog
    await harness.slack.wait_until(lambda: any("voice-0001" in text for text in harness.slack.thread_texts()))
    assert harness.slack.calls_to("chat.postMessage")[0].args["channel"] == CHANNEL
    assert (harness.revring.received[0].display_name, harness.revring.received[0].language) == ("Rachel", "es")


@BOTH_MODES
@EVERY_INSTALL
async def test_a_global_shortcut_we_have_no_listener_for_is_unhandled_not_malformed(
    harness: Harness, install: Install, processed: Processed
):
    """The manifest declares no global shortcut, so there is no listener: Bolt's own 404 ("unhandled request"),
    which Socket Mode leaves unacknowledged. Never a 400: the payload is a normal one."""
    slack = Slack(harness)
    shortcut = install(slack_payloads.global_shortcut("clone_voice_global"))
    assert "channel" not in shortcut and "response_url" not in shortcut
    if slack.socket_mode:
        unhandled = await slack.send_envelope(shortcut)
        await processed.wait(unhandled)  # an acknowledgement, were there one, is on its way before the next
        acknowledged(await slack.send(slack_payloads.slash_command("Rachel", response_url=harness.bot.response_url)))
        assert unhandled not in slack.acks
    else:
        assert (await slack.send(shortcut)).status == 404
    assert {call.method for call in harness.slack.calls} <= STARTUP_CALLS | {"users.info", "conversations.info"}


# --- bodies Bolt cannot read --------------------------------------------------------------------------------

UNREADABLE = [
    pytest.param('{"type": "event_callback", "event": ""}', "application/json", id="event-not-an-object"),
    pytest.param('{"type": "event_callback", "event": null}', "application/json", id="event-null"),
    # Bolt's authorization passes the team id on to auth.test, where an object fails (found by test_properties)
    pytest.param('{"command": "/clone-voice", "team_id": {"": ""}}', "application/json", id="team-id-an-object"),
    pytest.param(
        '{"type": "event_callback", "event": {"type": "message"}, "authorizations": 7}',
        "application/json",
        id="authorizations-a-number",
    ),
    pytest.param("[1, 2]", "application/json", id="json-list"),
    pytest.param("not json {", "application/json", id="not-json"),
    pytest.param(urlencode({"payload": "[]"}), "application/x-www-form-urlencoded", id="payload-a-list"),
    pytest.param(urlencode({"payload": "{"}), "application/x-www-form-urlencoded", id="payload-not-json"),
    pytest.param(
        urlencode({"payload": json.dumps({"type": "block_actions", "user": 5})}),
        "application/x-www-form-urlencoded",
        id="user-a-number",
    ),
]


@pytest.mark.parametrize(("body", "content_type"), UNREADABLE)
async def test_a_signed_body_bolt_cannot_read_gets_400_and_does_nothing(harness: Harness, body: str, content_type: str):
    assert (await harness.bot.post(body, content_type)).status == 400
    await harness.settled()  # refused before any listener could start: nothing is left running for it
    assert {call.method for call in harness.slack.calls} <= STARTUP_CALLS and harness.revring.attempts == 0


@pytest.fixture
def broken_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in our /clone-voice handler, in place before the bot registers its listeners."""

    async def handle_clone_voice(ack, command):
        raise RuntimeError("a bug in a listener")

    monkeypatch.setattr("bot.listeners.commands.handle_clone_voice", handle_clone_voice)


async def test_a_bug_in_a_listener_is_still_a_server_error(
    broken_command: None, harness: Harness, caplog: pytest.LogCaptureFixture
):
    """Only what Bolt itself could not read is the sender's fault; our own failure stays a 500, logged."""
    answer = await harness.bot.command("Rachel")
    assert answer.status == 500
    assert "a bug in a listener" in caplog.text


@SOCKET_MODE
@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        pytest.param({"type": "event_callback", "event": ""}, "events_api", id="event-not-an-object"),
        pytest.param([1, 2], "events_api", id="events-api-list"),
        pytest.param({"type": "block_actions", "user": 5}, "interactive", id="user-a-number"),
        pytest.param("not an object", "interactive", id="interactive-string"),
        pytest.param({"command": "/clone-voice", "user_id": ["U0ALICE"]}, "slash_commands", id="command-user-a-list"),
    ],
)
async def test_socket_mode_survives_what_bolt_cannot_read(
    harness: Harness, payload: Any, kind: str, processed: Processed
):
    slack = Slack(harness)
    unreadable = await slack.send_envelope(payload, kind)
    await processed.wait(unreadable)  # an acknowledgement, were there one, is on its way before the next
    answer = await slack.send(slack_payloads.slash_command("Rachel", response_url=harness.bot.response_url))
    assert "Share an audio file" in answer.text  # the connection is still up and serving
    assert unreadable not in slack.acks
    assert harness.revring.attempts == 0
    assert {call.method for call in harness.slack.calls} <= STARTUP_CALLS | {"users.info", "conversations.info"}


JUNK = st.dictionaries(
    st.sampled_from(
        [
            "type",
            "event",
            "payload",
            "command",
            "team_id",
            "user",
            "view",
            "actions",
            "enterprise",
            "team",
            "channel",
            "authorizations",
        ]
    ),
    st.one_of(
        st.none(),
        st.text(max_size=10),
        st.integers(),
        st.lists(st.text(max_size=3)),
        st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    ),
    max_size=6,
)


@SOCKET_MODE
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=JUNK, kind=st.sampled_from(["events_api", "interactive", "slash_commands"]))
async def test_socket_mode_survives_any_envelope(
    harness: Harness, processed: Processed, payload: dict[str, Any], kind: str
):
    slack = Slack(harness)
    junk = await slack.send_envelope(payload, kind)
    answer = await slack.send(slack_payloads.slash_command("Rachel", response_url=harness.bot.response_url))
    assert "Share an audio file" in answer.text
    await processed.wait(junk)
    await harness.settled()  # and any listener it reached has returned
    assert harness.revring.attempts == 0
