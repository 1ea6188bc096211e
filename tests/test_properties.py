"""Whatever people type or Slack sends: a friendly answer or nothing, never a crash, never an unescaped `<!`."""

from __future__ import annotations

import itertools
import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cloning.command_text import MAX_NAME_CHARS, Intent, parse_clone_text
from bot.config import LANGUAGE_PATTERN
from tests import slack_payloads
from tests.audio_samples import wav_tone
from tests.conftest import CHANNEL, USER, Harness
from tests.doubles.fake_slack import HostedFile
from tests.helpers import clones, option

WAV = wav_tone(11.0)
# Text built to hit what matters: Slack's control syntax, entities, options, odd whitespace and symbols.
TRICKY = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<@U123>",
        "<!subteam^S1>",
        "&lt;!everyone&gt;",
        "&amp;",
        "<",
        ">",
        "&",
        "lang=",
        "lang=es",
        "language=zz-ZZ",
        "help",
        "list",
        "\u0000",
        "\u202e",
        "\n",
        "*",
        "`",
        "“",
        "💬",
        "a" * 120,
    ]
)
TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=20)), max_size=8).map(" ".join)
EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MANY_CLONES = pytest.mark.parametrize("harness", [{"CLONES_PER_HOUR": "10000"}], indirect=True)


def rendered(value: object) -> list[str]:
    """Every string Slack renders as mrkdwn: `text` fields, except plain_text objects (never parsed for mentions).
    Button values, private metadata and a dialog's initial values are data, not display."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "text" and isinstance(item, str) and value.get("type") != "plain_text":
                found.append(item)
            elif isinstance(item, dict | list):
                found.extend(rendered(item))
            elif key == "blocks" and isinstance(item, str):
                found.extend(rendered(json.loads(item)))
    elif isinstance(value, list):
        for item in value:
            found.extend(rendered(item))
    return found


# What the bot writes on purpose: the person who made a voice (the Home tab's "made by"), and Slack's date formatting.
_DELIBERATE = re.compile(rf"<@{USER}>|<!date\^\d+\^[^|<>]*\|[^<>]*>")


def unescaped(value: object) -> bool:
    return any("<!" in text or "<@" in text for text in (_DELIBERATE.sub("", text) for text in rendered(value)))


def answers(harness: Harness) -> int:
    return len(harness.slack.calls_to("chat.update")) + len(harness.slack.calls_to("chat.postEphemeral"))


@given(TEXT)
def test_the_parser_accepts_anything(text: str):
    parsed = parse_clone_text(text, "en")
    if parsed.intent is Intent.CLONE:
        assert 0 < len(parsed.name) <= MAX_NAME_CHARS
        assert not any(unicodedata.category(ch).startswith("C") for ch in parsed.name)
        assert LANGUAGE_PATTERN.fullmatch(parsed.language.lower())


@EXAMPLES
@given(text=TEXT)
async def test_any_command_text_gets_a_friendly_ack(harness: Harness, text: str):
    answer = await harness.bot.command(text)
    assert answer.status == 200
    assert not unescaped(answer.body)
    assert not any(unescaped(call.args) for call in harness.slack.calls)


def test_the_checker_sees_what_slack_would_render():
    assert unescaped({"text": "hi <!channel>"})
    assert unescaped({"text": "<!date^1^{date}|x> <@U123>"})
    assert not unescaped({"text": f"made by <@{USER}> <!date^1700000000^{{date_short_pretty}}|2023-11-14>"})
    assert unescaped({"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "<@U1>"}}]})
    assert not unescaped(
        {"blocks": [{"type": "button", "text": {"type": "plain_text", "text": "<!here>"}, "value": "<!channel>"}]}
    )


_file_ids = itertools.count(1)


@MANY_CLONES
@EXAMPLES
@given(
    text=TEXT,
    name=TEXT,
    mimetype=st.sampled_from(["audio/wav", "audio/mpeg", "video/mp4", "text/plain", ""]),
    audio=st.booleans(),
)
async def test_any_file_share_mentioning_the_bot_gets_exactly_one_answer(
    harness: Harness, text: str, name: str, mimetype: str, audio: bool
):
    before, updates_before = answers(harness), len(harness.slack.calls_to("chat.update"))
    taken_before = len(await clones(harness))
    file = harness.slack.host_file(
        HostedFile(f"F{next(_file_ids):06d}", name or "x", mimetype, WAV if audio else b"not audio at all")
    )
    reply, _ts = await harness.bot.share_file(file, text=f"<@UBOT> {text}")
    assert reply.status == 200
    await harness.slack.wait_until(lambda: answers(harness) >= before + 1)
    # The share is handled: told privately (and no clone taken in), or a clone taken in, which answers by editing
    # its message. A second answer would be a clone beside the private note, or a second clone.
    await harness.settled()
    taken = len(await clones(harness)) - taken_before
    assert taken == len(harness.slack.calls_to("chat.update")) - updates_before
    assert answers(harness) == before + 1
    assert not any(unescaped(call.args) for call in harness.slack.calls)


@EXAMPLES
@given(
    name=st.one_of(st.none(), TEXT),
    language=st.one_of(st.none(), TEXT),
    consent=st.booleans(),
    metadata=st.one_of(TEXT, st.just('{"channel_id": "C0VOICES"}')),
    file_name=TEXT,
    file_type=st.sampled_from(["wav", "pdf", "mp3", ""]),
    size=st.one_of(st.none(), st.integers(-1, 2**40)),
)
async def test_any_dialog_submission_closes_or_shows_field_errors(
    harness: Harness, name, language, consent, metadata, file_name, file_type, size
):
    file = slack_payloads.file_object(
        url=f"{harness.slack.url}/files/F0DIALOG/x",
        id="F0DIALOG",
        name=file_name,
        title=file_name,
        filetype=file_type,
        mimetype="",
        size=size,
    )
    values = {
        "name": {"value": {"type": "plain_text_input", "value": name}},
        "language": {"value": {"type": "static_select", "selected_option": option(language) if language else None}},
        "audio": {"value": {"type": "file_input", "files": [file]}},
        "consent": {"value": {"type": "checkboxes", "selected_options": [option("yes")] if consent else []}},
    }
    answer = await harness.bot.interaction(
        slack_payloads.view_submission(values, view={"callback_id": "clone_voice_dialog", "private_metadata": metadata})
    )
    assert answer.status == 200
    assert answer.body is None or answer.body == "" or answer.body.get("response_action") == "errors"
    assert not unescaped(answer.body)


@EXAMPLES
@given(
    action=st.sampled_from(["open_clone_dialog", "retry_clone", "clone_anyway"]),
    value=st.one_of(TEXT, st.just('{"name": 1}')),
    files=st.lists(
        st.fixed_dictionaries(
            {
                "id": st.text(max_size=5),
                "name": TEXT,
                "mimetype": TEXT,
                "filetype": st.sampled_from(["wav", "m4a", "pdf", ""]),
            }
        ),
        max_size=2,
    ),
)
async def test_any_button_or_shortcut_is_answered_quietly(harness: Harness, action: str, value: str, files: list):
    click = harness.bot.click_payload({"type": "button", "action_id": action, "value": value}, CHANNEL)
    shared = [
        slack_payloads.file_object(url=f"{harness.slack.url}/files/F0NONE/x", title=file["name"], **file)
        for file in files
    ]
    shortcut = slack_payloads.message_action(
        {"ts": "1699990000.000400", "text": value, "files": shared}, response_url=harness.bot.response_url
    )
    for payload in (click, shortcut):
        answer = await harness.bot.interaction(payload)
        assert answer.status == 200
    await harness.settled()
    assert not any(unescaped(call.args) for call in harness.slack.calls)
    assert not unescaped(harness.slack.responses)


@EXAMPLES
@given(
    body=st.one_of(
        st.text(max_size=200),
        st.dictionaries(
            st.sampled_from(["type", "event", "payload", "command", "team_id", "user", "view"]),
            st.one_of(TEXT, st.dictionaries(TEXT, TEXT, max_size=3)),
            max_size=5,
        ).map(json.dumps),
    ),
    content_type=st.sampled_from(["application/json", "application/x-www-form-urlencoded", "text/plain"]),
)
async def test_any_signed_body_is_never_a_server_error(harness: Harness, body: str, content_type: str):
    answer = await harness.bot.post(body, content_type)
    assert answer.status < 500
