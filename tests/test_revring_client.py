"""The RevRing client against the fake RevRing over loopback: each call's answer and every way it can fail."""

from __future__ import annotations

import asyncio
import base64
import io
import tracemalloc
import wave
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.client import IDEMPOTENT_METHODS

from bot.revring import (
    MAX_AGENTS_ANSWER_BYTES,
    MAX_DESIGN_ANSWER_BYTES,
    Agent,
    BillingInactive,
    Deletion,
    InvalidBody,
    NotAllowed,
    NotFound,
    OutcomeUnknown,
    RevRingClient,
    Unauthorized,
    Unavailable,
    UnexpectedAnswer,
    UpdateNotAllowed,
)
from tests.audio_samples import wav_tone
from tests.doubles.fake_revring import FakeRevRing
from tests.helpers import closed_port

KEY = "rr_test_key_acme_123456"
OTHER_KEY = "rr_test_key_globex_654321"
DESCRIPTION = "A warm, calm voice for a support line"


class Waits(list[float]):
    """Stands in for asyncio.sleep: remembers each wait the client asks for, and does not wait."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.sleep(0)


@pytest.fixture
async def fake() -> AsyncIterator[FakeRevRing]:
    revring = FakeRevRing({KEY: "Acme", OTHER_KEY: "Globex"})
    revring.add_agent("Support line")  # agent-0001, speaking with revring-rachel
    revring.add_agent("Sales", voice_id=None)  # agent-0002
    revring.add_agent("Globex desk", key=OTHER_KEY)  # agent-0003
    revring.add_voice("Rachel")  # voice-0001
    revring.add_voice("Globex voice", key=OTHER_KEY)  # voice-0002
    await revring.start()
    yield revring
    revring.release_slow.set()
    await revring.stop()


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def client(session: aiohttp.ClientSession, fake: FakeRevRing, waits: Waits) -> RevRingClient:
    return make_client(session, fake.api_url, KEY, waits)


def make_client(session: aiohttp.ClientSession, url: str, key: str, waits: Waits) -> RevRingClient:
    return RevRingClient(session, url, key, timeout=aiohttp.ClientTimeout(total=0.5), sleep=waits)


@dataclass(frozen=True)
class Call:
    """One client call, the fake's route it reaches, and how to make it."""

    name: str
    route: str
    method: str
    run: Callable[[RevRingClient], Awaitable[Any]]

    def __str__(self) -> str:
        return self.name


LIST = Call("list_agents", "list_agents", "GET", lambda c: c.list_agents())
CHECK = Call("check_key", "list_agents", "GET", lambda c: c.check_key())
UPDATE = Call("update_agent_voice", "update_agent", "PATCH", lambda c: c.update_agent_voice("agent-0001", "voice-0001"))
DELETE = Call("delete_voice", "delete_voice", "DELETE", lambda c: c.delete_voice("voice-0001"))
DESIGN = Call("design_voice", "design_voice", "POST", lambda c: c.design_voice(DESCRIPTION, 2))
CALLS = [LIST, CHECK, UPDATE, DELETE, DESIGN]
IDEMPOTENT = [LIST, CHECK, UPDATE, DELETE]
every_call = pytest.mark.parametrize("call", CALLS, ids=str)


def scripted(answer: str | Callable[[], web.Response]) -> str | web.Response:
    """A scripted answer: a mode, or a fresh response (a response object can be sent only once)."""
    return answer if isinstance(answer, str) else answer()


# --- List Agents and the key check ----------------------------------------------------------------------


async def test_list_agents_gives_the_organisations_agents_and_their_voices(client: RevRingClient, fake: FakeRevRing):
    assert await client.list_agents() == [
        Agent("agent-0001", "Support line", "active", "revring-rachel"),
        Agent("agent-0002", "Sales", "active", None),
    ]  # not Globex's agent: each key sees its own organisation
    [seen] = fake.requests
    assert (seen.method, seen.path, seen.key, seen.accept) == ("GET", "/v1/agents", KEY, "application/json")


async def test_each_key_lists_its_own_organisations_agents(
    session: aiohttp.ClientSession, fake: FakeRevRing, waits: Waits
):
    agents = await make_client(session, fake.api_url, OTHER_KEY, waits).list_agents()
    assert [agent.name for agent in agents] == ["Globex desk"]


async def test_an_agent_without_an_id_is_left_out(client: RevRingClient, fake: FakeRevRing):
    fake.next_answers["list_agents"] = [
        web.json_response(
            {
                "data": [
                    {"name": "No id", "status": "active", "voiceId": "revring-rachel"},
                    "not an agent",
                    {"id": "agent-9", "name": None, "status": "paused", "voiceId": ""},
                ]
            }
        )
    ]
    assert await client.list_agents() == [Agent("agent-9", "", "paused", None)]


@pytest.mark.parametrize(
    "answer",
    [
        "bad_json",
        "html_ok",  # a sign-in page with 200
        lambda: web.json_response({"data": {"agents": []}}),
        lambda: web.json_response({"agents": []}),
        lambda: web.Response(body=b"[" + b" " * MAX_AGENTS_ANSWER_BYTES + b"]", content_type="application/json"),
    ],
    ids=["bad-json", "html", "data-not-a-list", "no-data", "over-the-limit"],
)
async def test_a_list_of_agents_that_cannot_be_read_is_an_unexpected_answer(
    client: RevRingClient, fake: FakeRevRing, answer: Any
):
    fake.next_answers["list_agents"] = [scripted(answer)]
    with pytest.raises(UnexpectedAnswer):
        await client.list_agents()
    assert len(fake.requests) == 1  # a read that answered is not asked again


async def test_check_key_passes_on_the_read_and_changes_nothing(client: RevRingClient, fake: FakeRevRing):
    assert await client.check_key() is None
    assert fake.agent_reads == 1 and [r.method for r in fake.requests] == ["GET"]


async def test_check_key_does_not_care_how_many_agents_there_are(client: RevRingClient, fake: FakeRevRing):
    fake.next_answers["list_agents"] = ["huge"]
    assert await client.check_key() is None


# --- Update Agent ---------------------------------------------------------------------------------------


async def test_update_agent_voice_sends_only_the_voice_id(client: RevRingClient, fake: FakeRevRing):
    assert await client.update_agent_voice("agent-0001", "voice-0001") is None
    assert fake.agent("agent-0001").voice_id == "voice-0001"
    [seen] = fake.requests
    assert (seen.method, seen.path, seen.content_type) == ("PATCH", "/v1/agents/agent-0001", "application/json")
    assert seen.json == {"voiceId": "voice-0001"} and seen.key == KEY and seen.accept == "application/json"


async def test_405_means_this_account_cannot_update_agents(client: RevRingClient, fake: FakeRevRing):
    fake.next_answers["update_agent"] = ["not_allowed"]
    with pytest.raises(UpdateNotAllowed):
        await client.update_agent_voice("agent-0001", "voice-0001")
    assert fake.agent("agent-0001").voice_id == "revring-rachel"
    assert len(fake.requests) == 1


async def test_an_agent_of_another_organisation_is_not_found(client: RevRingClient, fake: FakeRevRing):
    with pytest.raises(NotFound) as raised:
        await client.update_agent_voice("agent-0003", "voice-0001")
    assert (raised.value.kind, raised.value.id) == ("agent", "agent-0003")
    assert fake.agent("agent-0003").voice_id == "revring-rachel"


async def test_a_voice_revring_does_not_know_is_refused_with_its_details(client: RevRingClient, fake: FakeRevRing):
    with pytest.raises(InvalidBody) as raised:
        await client.update_agent_voice("agent-0001", "voice-0002")  # Globex's voice
    assert raised.value.details == {"voiceId": ["Unknown voice"]}
    assert fake.agent("agent-0001").voice_id == "revring-rachel"


async def test_an_id_stays_one_path_segment(client: RevRingClient, fake: FakeRevRing):
    with pytest.raises(NotFound):
        await client.update_agent_voice("../voices/voice-0001", "voice-0001")
    [seen] = fake.requests
    assert seen.raw_path == "/v1/agents/..%2Fvoices%2Fvoice-0001" and seen.method == "PATCH"
    assert "voice-0001" in fake.voices


@pytest.mark.parametrize(("agent_id", "voice_id"), [("", "v"), (".", "v"), ("..", "v"), ("agent-0001", "")])
async def test_ids_that_are_no_ids_are_refused_before_sending(
    client: RevRingClient, fake: FakeRevRing, agent_id: str, voice_id: str
):
    with pytest.raises(ValueError, match="not a RevRing"):
        await client.update_agent_voice(agent_id, voice_id)
    assert fake.requests == []


async def test_a_patch_whose_answer_was_lost_is_sent_once_more(client: RevRingClient, fake: FakeRevRing):
    fake.next_answers["update_agent"] = ["done_then_server_error"]
    await client.update_agent_voice("agent-0001", "voice-0001")
    assert fake.agent("agent-0001").voice_id == "voice-0001"
    assert [r.json for r in fake.requests] == [{"voiceId": "voice-0001"}] * 2


# --- Delete Voice ---------------------------------------------------------------------------------------


async def test_delete_voice_deletes_it(client: RevRingClient, fake: FakeRevRing):
    assert await client.delete_voice("voice-0001") is Deletion.DELETED
    assert "voice-0001" not in fake.voices
    [seen] = fake.requests
    assert (seen.method, seen.path, seen.key, seen.accept) == (
        "DELETE",
        "/v1/voices/voice-0001",
        KEY,
        "application/json",
    )


async def test_deleting_twice_says_already_gone(client: RevRingClient, fake: FakeRevRing):
    assert await client.delete_voice("voice-0001") is Deletion.DELETED
    assert await client.delete_voice("voice-0001") is Deletion.ALREADY_GONE


async def test_a_204_is_deleted_too(client: RevRingClient, fake: FakeRevRing):
    fake.next_answers["delete_voice"] = ["no_content"]
    assert await client.delete_voice("voice-0001") is Deletion.DELETED


async def test_another_organisations_voice_is_not_touched(client: RevRingClient, fake: FakeRevRing):
    assert await client.delete_voice("voice-0002") is Deletion.ALREADY_GONE  # this key's RevRing has no such voice
    assert fake.voices["voice-0002"].organisation == "Globex"


async def test_a_delete_whose_answer_was_lost_is_asked_again_and_is_already_gone(
    client: RevRingClient, fake: FakeRevRing
):
    fake.next_answers["delete_voice"] = ["done_then_server_error"]
    assert await client.delete_voice("voice-0001") is Deletion.ALREADY_GONE
    assert [r.method for r in fake.requests] == ["DELETE", "DELETE"] and "voice-0001" not in fake.voices


async def test_a_voice_made_with_one_key_is_recorded_with_it(
    session: aiohttp.ClientSession, fake: FakeRevRing, waits: Waits, tmp_path: Any
):
    clip = tmp_path / "clip.wav"
    clip.write_bytes(wav_tone(seconds=1))
    other = make_client(session, fake.api_url, OTHER_KEY, waits)
    voice = await other.create_voice(
        display_name="Ann", language="de", audio=clip, filename="clip.wav", content_type="audio/wav"
    )
    made = fake.voices[voice.id]
    assert (made.key, made.organisation, made.content) == (OTHER_KEY, "Globex", clip.read_bytes())
    assert await make_client(session, fake.api_url, KEY, waits).delete_voice(voice.id) is Deletion.ALREADY_GONE
    assert await other.delete_voice(voice.id) is Deletion.DELETED


# --- Design Voice ---------------------------------------------------------------------------------------


async def test_design_voice_gives_each_candidates_audio(client: RevRingClient, fake: FakeRevRing):
    candidates = await client.design_voice(DESCRIPTION, 3)
    [design] = fake.designs
    assert [c.index for c in candidates] == [0, 1, 2]
    assert [c.audio for c in candidates] == design.candidates
    for candidate in candidates:
        with wave.open(io.BytesIO(candidate.audio)) as preview:  # real audio, as RevRing sent it
            assert preview.getframerate() == candidate.sample_rate == 8000
            assert preview.getnframes() * 1000 // preview.getframerate() == candidate.duration_ms == 6000
    [seen] = fake.requests
    assert (seen.method, seen.path, seen.key) == ("POST", "/v1/voices/design", KEY)
    assert seen.json == {"instruction": DESCRIPTION, "n": 3} and seen.accept == "application/json"


@pytest.mark.parametrize(("instruction", "n"), [("x" * 2000, 4), ("😀" * 1000, 1), ("a", 1)])
async def test_the_documented_limits_are_accepted(client: RevRingClient, instruction: str, n: int):
    assert len(await client.design_voice(instruction, n)) == n


@pytest.mark.parametrize(
    ("instruction", "n"),
    [
        ("", 3),
        ("  \n ", 3),
        ("x" * 2001, 3),
        ("😀" * 1001, 3),  # 2002 UTF-16 code units: what a JavaScript service counts
        (DESCRIPTION, 0),
        (DESCRIPTION, 5),
        (DESCRIPTION, True),
        (DESCRIPTION, "3"),
        (DESCRIPTION, 2.0),
    ],
)
async def test_what_revring_would_refuse_is_never_sent(
    client: RevRingClient, fake: FakeRevRing, instruction: str, n: Any
):
    with pytest.raises(ValueError):
        await client.design_voice(instruction, n)
    assert fake.requests == []


def _candidate(**fields: Any) -> dict[str, Any]:
    return {
        "index": 0,
        "audioBase64": base64.b64encode(b"RIFF....WAVE").decode(),
        "durationMs": 1500,
        "sampleRate": 24000,
        **fields,
    }


@pytest.mark.parametrize(
    "answer",
    [
        "bad_json",
        "html_ok",
        lambda: web.json_response({"data": {"candidates": []}}),
        lambda: web.json_response({"data": {}}),
        lambda: web.json_response({"data": {"candidates": [_candidate(audioBase64="UklG*RiQA")]}}),
        lambda: web.json_response({"data": {"candidates": [_candidate(audioBase64="")]}}),
        lambda: web.json_response({"data": {"candidates": [_candidate(index="0")]}}),
        lambda: web.json_response({"data": {"candidates": [_candidate(durationMs=None)]}}),
        lambda: web.json_response({"data": {"candidates": [_candidate(sampleRate=True)]}}),
    ],
    ids=[
        "bad-json",
        "html",
        "no-candidates",
        "no-list",
        "bad-base64",
        "empty-audio",
        "index-text",
        "no-duration",
        "rate-bool",
    ],
)
async def test_candidates_that_cannot_be_read_are_an_unexpected_answer(
    client: RevRingClient, fake: FakeRevRing, answer: Any
):
    fake.next_answers["design_voice"] = [scripted(answer)]
    with pytest.raises(UnexpectedAnswer):
        await client.design_voice(DESCRIPTION, 2)
    assert len(fake.requests) == 1


async def test_an_unreadable_candidate_is_left_out_and_the_others_kept(client: RevRingClient, fake: FakeRevRing):
    fake.next_answers["design_voice"] = [
        web.json_response(
            {
                "data": {
                    "candidates": [
                        _candidate(index=0, audioBase64="%%%"),
                        _candidate(index=1),
                    ]
                }
            }
        )
    ]
    [candidate] = await client.design_voice(DESCRIPTION, 2)
    assert (candidate.index, candidate.audio, candidate.duration_ms, candidate.sample_rate) == (
        1,
        b"RIFF....WAVE",
        1500,
        24000,
    )


async def test_base64_wrapped_in_lines_is_read(client: RevRingClient, fake: FakeRevRing):
    audio = wav_tone(seconds=0.1)
    wrapped = base64.encodebytes(audio).decode()  # a line break every 76 characters
    fake.next_answers["design_voice"] = [web.json_response({"data": {"candidates": [_candidate(audioBase64=wrapped)]}})]
    [candidate] = await client.design_voice(DESCRIPTION, 1)
    assert candidate.audio == audio


async def test_a_flood_is_not_read_past_the_limit(client: RevRingClient, fake: FakeRevRing):
    fake.next_answers["design_voice"] = ["huge"]  # 64 MiB of JSON, chunked, so no length tells in advance
    tracemalloc.start()
    try:
        with pytest.raises(UnexpectedAnswer):
            await client.design_voice(DESCRIPTION, 4)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * MAX_DESIGN_ANSWER_BYTES < fake.huge_answer_bytes
    assert len(fake.requests) == 1


# --- Every call: the documented errors ------------------------------------------------------------------


@every_call
async def test_a_wrong_key_is_unauthorized(session: aiohttp.ClientSession, fake: FakeRevRing, waits: Waits, call: Call):
    with pytest.raises(Unauthorized):
        await call.run(make_client(session, fake.api_url, "rr_wrong_key_000000", waits))
    assert len(fake.requests) == 1


@every_call
async def test_inactive_billing(client: RevRingClient, fake: FakeRevRing, call: Call):
    fake.billing_inactive = True
    with pytest.raises(BillingInactive):
        await call.run(client)
    assert len(fake.requests) == 1


@every_call
async def test_invalid_body_carries_revrings_details(client: RevRingClient, fake: FakeRevRing, call: Call):
    fake.next_answers[call.route] = ["invalid_body"]
    with pytest.raises(InvalidBody) as raised:
        await call.run(client)
    assert raised.value.details and all(isinstance(v, list) for v in raised.value.details.values())


@pytest.mark.parametrize(
    ("call", "kind", "id"),
    [(LIST, "agents", None), (CHECK, "agents", None), (UPDATE, "agent", "agent-0001"), (DESIGN, "voice design", None)],
    ids=str,
)
async def test_404_says_what_was_not_found(
    client: RevRingClient, fake: FakeRevRing, call: Call, kind: str, id: str | None
):
    fake.next_answers[call.route] = ["not_found"]
    with pytest.raises(NotFound) as raised:
        await call.run(client)
    assert (raised.value.kind, raised.value.id) == (kind, id)


@pytest.mark.parametrize("call", [LIST, CHECK, DELETE, DESIGN], ids=str)
async def test_405_elsewhere_is_not_allowed_but_not_an_update_refusal(
    client: RevRingClient, fake: FakeRevRing, call: Call
):
    fake.next_answers[call.route] = ["not_allowed"]
    with pytest.raises(NotAllowed) as raised:
        await call.run(client)
    assert not isinstance(raised.value, UpdateNotAllowed)


@every_call
@pytest.mark.parametrize(
    "answer",
    [
        lambda: web.json_response({"error": "forbidden"}, status=403),
        lambda: web.json_response({"error": "conflict"}, status=409),
        lambda: web.json_response({"error": "bad_request"}, status=400),  # not the documented invalid_body
    ],
    ids=["403", "409", "400-other"],
)
async def test_undocumented_client_errors_are_refused(
    client: RevRingClient, fake: FakeRevRing, call: Call, answer: Callable[[], web.Response]
):
    fake.next_answers[call.route] = [answer()]
    with pytest.raises(Unavailable) as raised:
        await call.run(client)
    assert raised.value.reason == "refused" and len(fake.requests) == 1


# --- Every call: rate limits, redirects, no connection --------------------------------------------------


@every_call
async def test_a_rate_limit_is_waited_out_as_retry_after_says(
    client: RevRingClient, fake: FakeRevRing, waits: Waits, call: Call
):
    fake.next_answers[call.route] = ["rate_limited"]
    fake.retry_after = "7"
    await call.run(client)
    assert waits == [7.0] and len(fake.requests) == 2


@every_call
async def test_rate_limits_are_retried_a_bounded_number_of_times(
    client: RevRingClient, fake: FakeRevRing, waits: Waits, call: Call
):
    fake.next_answers[call.route] = ["rate_limited"] * 5
    with pytest.raises(Unavailable) as raised:
        await call.run(client)
    assert raised.value.reason == "busy" and len(fake.requests) == 3 and len(waits) == 2
    assert raised.value.status == 429


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("3600", 10.0),
        ("-5", 0.0),
        ("soon", 1.0),
        ("nan", 1.0),
        (format_datetime(datetime.now(UTC) - timedelta(minutes=1), usegmt=True), 0.0),
    ],
)
async def test_retry_after_is_bounded(
    client: RevRingClient, fake: FakeRevRing, waits: Waits, header: str, expected: float
):
    fake.next_answers["list_agents"] = ["rate_limited"]
    fake.retry_after = header
    await client.list_agents()
    assert waits == [expected]


async def test_retry_after_may_be_a_date(client: RevRingClient, fake: FakeRevRing, waits: Waits):
    fake.next_answers["update_agent"] = ["rate_limited"]
    fake.retry_after = format_datetime(datetime.now(UTC) + timedelta(seconds=6), usegmt=True)
    await client.update_agent_voice("agent-0001", "voice-0001")
    [waited] = waits
    assert 4.0 < waited <= 6.0


@every_call
async def test_the_key_never_follows_a_redirect(client: RevRingClient, fake: FakeRevRing, call: Call):
    foreign = FakeRevRing(KEY, host="127.0.0.2")
    await foreign.start()
    try:
        fake.redirect_to = foreign.url
        fake.next_answers[call.route] = ["redirect"]
        with pytest.raises(Unavailable) as raised:
            await call.run(client)
        assert raised.value.reason == "refused" and raised.value.status == 307
        assert foreign.requests == [] and len(fake.requests) == 1
    finally:
        await foreign.stop()


@every_call
async def test_no_connection_is_unreachable_after_bounded_retries(
    session: aiohttp.ClientSession, waits: Waits, call: Call
):
    client = make_client(session, f"http://127.0.0.1:{closed_port()}/v1", KEY, waits)
    with pytest.raises(Unavailable) as raised:
        await call.run(client)
    assert raised.value.reason == "unreachable" and waits == [0.5, 1.0]
    # No answer, so no status; what broke is kept as the cause (`check` names it).
    assert raised.value.status is None and isinstance(raised.value.__cause__, aiohttp.ClientConnectorError)


# --- Every call: no usable answer -----------------------------------------------------------------------

NO_ANSWER = pytest.mark.parametrize(
    ("misbehaviour", "reason"),
    [
        ("server_error", "server_error"),  # 500 with JSON
        ("html", "server_error"),  # 502 with a proxy's HTML page
        ("reset", "dropped"),  # the connection closed before an answer
        ("slow", "timeout"),  # no answer within the timeout
    ],
)


def sends_per_attempt(call: Call, misbehaviour: str) -> int:
    """aiohttp itself sends a GET or DELETE once more when the connection drops (RFC 9112 §9.3.1), so a
    dropped connection reaches the fake twice for each attempt of the client's."""
    return 2 if misbehaviour == "reset" and call.method in IDEMPOTENT_METHODS else 1


@pytest.mark.parametrize("call", IDEMPOTENT, ids=str)
@NO_ANSWER
async def test_an_idempotent_call_without_an_answer_is_asked_once_more(
    client: RevRingClient, fake: FakeRevRing, call: Call, misbehaviour: str, reason: str
):
    per_attempt = sends_per_attempt(call, misbehaviour)
    fake.next_answers[call.route] = [misbehaviour] * per_attempt
    await call.run(client)
    assert len(fake.requests) == per_attempt + 1


@pytest.mark.parametrize("call", [LIST, CHECK], ids=str)
@NO_ANSWER
async def test_a_read_that_never_answers_is_unavailable(
    client: RevRingClient, fake: FakeRevRing, call: Call, misbehaviour: str, reason: str
):
    fake.next_answers[call.route] = [misbehaviour] * 2 * sends_per_attempt(call, misbehaviour)
    with pytest.raises(Unavailable) as raised:
        await call.run(client)
    assert raised.value.reason == reason and len(fake.requests) == 2 * sends_per_attempt(call, misbehaviour)
    assert raised.value.status == {"server_error": 500, "html": 502}.get(misbehaviour)


@pytest.mark.parametrize("call", [UPDATE, DELETE], ids=str)
@NO_ANSWER
async def test_a_change_that_never_answers_may_have_happened(
    client: RevRingClient, fake: FakeRevRing, call: Call, misbehaviour: str, reason: str
):
    fake.next_answers[call.route] = [misbehaviour] * 2 * sends_per_attempt(call, misbehaviour)
    with pytest.raises(OutcomeUnknown) as raised:
        await call.run(client)
    assert raised.value.reason == reason and len(fake.requests) == 2 * sends_per_attempt(call, misbehaviour)


@NO_ANSWER
async def test_a_design_without_an_answer_is_not_repeated(
    client: RevRingClient, fake: FakeRevRing, misbehaviour: str, reason: str
):
    fake.next_answers["design_voice"] = [misbehaviour]
    with pytest.raises(OutcomeUnknown) as raised:
        await client.design_voice(DESCRIPTION, 2)
    assert raised.value.reason == reason and len(fake.requests) == 1


async def test_create_voice_keeps_undocumented_404_and_405_as_refused(
    client: RevRingClient, fake: FakeRevRing, tmp_path: Any
):
    clip = tmp_path / "clip.wav"
    clip.write_bytes(wav_tone(seconds=1))
    for misbehaviour in ("not_found", "not_allowed"):
        fake.answers = [misbehaviour]
        with pytest.raises(Unavailable) as raised:
            await client.create_voice(
                display_name="Ann", language="en", audio=clip, filename="clip.wav", content_type="audio/wav"
            )
        assert raised.value.reason == "refused"
