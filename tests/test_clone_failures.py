"""Every way a clone can fail ends in one clear answer in the thread, and nothing internal leaks."""

from __future__ import annotations

import logging

import pytest

from tests.audio_samples import wav_tone
from tests.conftest import BOT_TOKEN, REVRING_KEY, TEAM, USER, Harness
from tests.doubles.fake_slack import FakeSlack, HostedFile
from tests.helpers import WAV, closed_port, hosted


async def clone_and_wait(harness: Harness, file: dict) -> str:
    """Ask for a clone of `file` and return everything the person was finally shown."""
    await harness.bot.share_file(file, text="<@UBOT> Rachel")
    [update] = await harness.slack.wait_for("chat.update")
    await harness.slack.wait_for("reactions.add", 2)
    return update.args["text"] + " " + str(update.args["blocks"])


def final_reaction(harness: Harness) -> str:
    return harness.slack.calls_to("reactions.add")[-1].args["name"]


def assert_nothing_internal(shown: str) -> None:
    for secret_or_internal in (REVRING_KEY, BOT_TOKEN, "Traceback", "127.0.0.1", "HTTP 5", "Error:"):
        assert secret_or_internal not in shown


# --- RevRing's documented errors --------------------------------------------------------------------


async def test_invalid_body_explains_revring_details_in_plain_words(harness: Harness):
    harness.revring.answers = ["invalid_body"]
    shown = await clone_and_wait(harness, hosted(harness))
    assert "didn't accept this sample: voice: must contain speech from one speaker" in shown
    assert final_reaction(harness) == "x"
    assert "Try again" not in shown  # the same sample would fail the same way
    assert "voice-" not in shown


@pytest.mark.parametrize("harness", [{"REVRING_API_KEY": "rr_wrong_key"}], indirect=True)
async def test_wrong_revring_key_tells_which_setting_an_admin_must_fix(harness: Harness):
    shown = await clone_and_wait(harness, hosted(harness))
    assert "REVRING_API_KEY" in shown and "admin" in shown
    assert "rr_wrong_key" not in shown
    assert harness.revring.attempts == 1 and harness.revring.received == []


async def test_inactive_billing_is_explained_and_try_again_works_once_it_is_fixed(harness: Harness):
    harness.revring.answers = ["billing_inactive"]
    await harness.bot.share_file(hosted(harness), text="<@UBOT> Rachel")
    [failed] = await harness.slack.wait_for("chat.update")
    assert "billing is inactive" in failed.args["text"] and "nothing was created" in failed.args["text"]
    await harness.slack.wait_for("reactions.add", 2)
    assert final_reaction(harness) == "x"

    # An admin reactivates billing; the person presses the button the answer offers.
    button = next(b for b in failed.args["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["text"]["text"] == "Try again"
    await harness.bot.click(button, failed.args["channel"], message_ts=failed.args["ts"])
    updates = await harness.slack.wait_for("chat.update", 3)
    assert "voice-0001" in updates[-1].args["text"] and updates[-1].args["ts"] == failed.args["ts"]
    assert harness.revring.attempts == 2


async def test_a_recording_revring_finds_too_big_says_so_with_its_details(harness: Harness):
    harness.revring.answers = ["too_large"]
    shown = await clone_and_wait(harness, hosted(harness))
    assert "RevRing says the recording is too big (voice: larger than the 10 MB allowed)" in shown
    assert "nothing was created" in shown and "trim it" in shown
    assert "Try again" not in shown  # the same file would be refused the same way
    assert harness.revring.attempts == 1


async def test_a_recording_revring_cannot_process_says_so_with_its_details_escaped(harness: Harness):
    harness.revring.answers = ["unprocessable"]
    shown = await clone_and_wait(harness, hosted(harness))
    assert "process this recording (voice: no speech found in &lt;stream 0&gt; &amp; &lt;stream 1&gt;)" in shown
    assert "<stream" not in shown and "nothing was created" in shown
    assert "Try again" not in shown
    assert harness.revring.attempts == 1


# --- anything undocumented: say whether a voice may exist ----------------------------------------------


@pytest.mark.parametrize(
    ("misbehaviour", "what_happened"),
    [
        ("server_error", "it had a problem on its side"),  # 500 with JSON
        ("html", "it had a problem on its side"),  # 502 with a proxy's HTML page
        ("reset", "the connection to it dropped"),  # closed after the audio arrived
    ],
)
async def test_after_the_audio_was_sent_the_answer_says_the_voice_may_exist(
    harness: Harness, misbehaviour: str, what_happened: str
):
    harness.revring.answers = [misbehaviour]
    shown = await clone_and_wait(harness, hosted(harness))
    assert f"I sent *Rachel* to RevRing, but {what_happened}, so the voice may or may not have been created" in shown
    assert "Check the voices in your RevRing dashboard before you try again" in shown
    assert_nothing_internal(shown)
    assert "'text': 'Try again'" in shown  # a button re-runs the job from its record, after the warning
    # The server may have created a voice: never post again on our own.
    assert harness.revring.attempts == 1


async def test_created_but_unreadable_says_check_the_dashboard_and_offers_no_retry(harness: Harness):
    harness.revring.answers = ["bad_json"]  # 201 Created with a body that isn't JSON
    shown = await clone_and_wait(harness, hosted(harness))
    assert "says it created *Rachel*" in shown and "RevRing dashboard" in shown
    assert "Try again" not in shown  # the voice probably exists: a retry could make a second one
    assert harness.revring.attempts == 1


async def test_a_slow_revring_times_out_and_says_the_voice_may_exist(harness: Harness):
    harness.revring.answers = ["slow"]  # REVRING_TIMEOUT is 2 seconds in the tests
    shown = await clone_and_wait(harness, hosted(harness))
    assert "but it didn't answer in time, so the voice may or may not have been created" in shown
    assert "RevRing dashboard" in shown
    assert "'text': 'Try again'" in shown
    assert harness.revring.attempts == 1
    harness.revring.release_slow.set()


async def test_rate_limits_are_retried_a_bounded_number_of_times(harness: Harness):
    harness.revring.answers = ["rate_limited"] * 10
    shown = await clone_and_wait(harness, hosted(harness))
    assert "RevRing is busy right now" in shown and "nothing was created" in shown  # a 429 made nothing
    assert "may or may not" not in shown and "'text': 'Try again'" in shown
    assert harness.revring.attempts == 3


async def test_one_rate_limit_then_success_creates_one_voice_after_retry_after(
    harness: Harness, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO, logger="bot.revring")
    harness.revring.answers = ["rate_limited"]
    harness.revring.retry_after = "1"
    shown = await clone_and_wait(harness, hosted(harness))
    assert "voice-0001" in shown
    assert harness.revring.attempts == 2
    [waited] = [r for r in caplog.records if r.getMessage() == "revring rate limited; retrying"]
    assert waited.retry_after == 1.0  # the header's value, not a guess


@pytest.mark.parametrize("harness", [{"REVRING_API_URL": f"http://127.0.0.1:{closed_port()}/v1"}], indirect=True)
async def test_revring_refusing_connections_says_nothing_was_created_and_try_again(harness: Harness):
    shown = await clone_and_wait(harness, hosted(harness))
    assert "I couldn't reach RevRing, so nothing was created. Please try again" in shown
    assert "may or may not" not in shown
    assert "'text': 'Try again'" in shown
    assert_nothing_internal(shown)


# --- what arrives from Slack ------------------------------------------------------------------------


async def test_not_an_audio_file_is_explained_and_not_sent(harness: Harness):
    pdf = b"%PDF-1.7\n" + b"0" * 4000
    shown = await clone_and_wait(harness, hosted(harness, content=pdf, name="notes.mp3", mimetype="audio/mpeg"))
    assert "isn't an audio file" in shown
    assert harness.revring.attempts == 0


async def test_an_empty_file_is_not_audio(harness: Harness):
    shown = await clone_and_wait(harness, hosted(harness, content=b"", name="empty.wav"))
    assert "isn't an audio file" in shown
    assert harness.revring.attempts == 0


async def test_a_non_audio_file_after_a_command_is_explained(harness: Harness):
    await harness.bot.command("Rachel")
    notes = hosted(harness, content=b"just some text\n" * 50, name="notes.txt", mimetype="text/plain")
    await harness.bot.share_file(notes)
    [update] = await harness.slack.wait_for("chat.update")
    assert "isn't an audio file" in update.args["text"]
    assert harness.revring.attempts == 0


async def test_slack_sign_in_page_is_detected_and_the_fix_explained(harness: Harness):
    file = hosted(harness, visible_to_bot=False)
    shown = await clone_and_wait(harness, file)
    assert "files:read" in shown and "sign-in page" in shown
    assert harness.revring.attempts == 0
    assert harness.slack.download_auth == [f"Bearer {BOT_TOKEN}"]


@pytest.mark.parametrize("harness", [{"MAX_AUDIO_MB": "1"}], indirect=True)
async def test_a_file_slack_says_is_too_large_is_refused_before_download(harness: Harness):
    shown = await clone_and_wait(harness, hosted(harness, content=wav_tone(70.0)))  # about 1.1 MB
    assert "the limit is 1 MB" in shown
    assert harness.slack.download_auth == [] and harness.revring.attempts == 0


@pytest.mark.parametrize("harness", [{"MAX_AUDIO_MB": "1"}], indirect=True)
async def test_a_file_that_grows_past_the_limit_while_downloading_is_stopped(harness: Harness):
    file = hosted(harness, content=wav_tone(70.0))
    file["size"] = 500_000  # Slack's size is wrong; the bytes count
    shown = await clone_and_wait(harness, file)
    assert "the limit is 1 MB" in shown
    assert len(harness.slack.download_auth) == 1 and harness.revring.attempts == 0


async def test_a_truncated_download_is_not_sent(harness: Harness):
    file = hosted(harness)
    file["size"] = len(WAV) + 10
    shown = await clone_and_wait(harness, file)
    assert "couldn't download that file" in shown
    assert harness.revring.attempts == 0


# --- redirects: the token follows only to Slack ----------------------------------------------------------


@pytest.fixture
async def other_host(request: pytest.FixtureRequest):
    server = FakeSlack(BOT_TOKEN, host=request.param)
    await server.start()
    yield server
    await server.stop()


@pytest.mark.parametrize("other_host", ["127.0.0.1"], indirect=True)
async def test_a_redirect_to_another_slack_host_keeps_the_token(harness: Harness, other_host: FakeSlack):
    # Same allowed host on another port: a cross-origin hop where aiohttp itself would drop the token.
    file = other_host.host_file(HostedFile("F0MOVED", "rachel.wav", "audio/wav", WAV))
    harness.slack.redirect_targets["files"] = f"{other_host.url}/files"
    file["url_private_download"] = f"{harness.slack.url}/redirect/files/F0MOVED/rachel.wav"
    shown = await clone_and_wait(harness, file)
    assert "voice-0001" in shown
    assert other_host.download_auth == [f"Bearer {BOT_TOKEN}"]
    assert harness.revring.received[0].content == WAV


@pytest.mark.parametrize("other_host", ["127.0.0.2"], indirect=True)
async def test_a_redirect_to_a_foreign_host_never_gets_the_token(harness: Harness, other_host: FakeSlack):
    other_host.host_file(HostedFile("F0MOVED", "rachel.wav", "audio/wav", WAV))
    harness.slack.redirect_targets["away"] = f"{other_host.url}/files"
    file = hosted(harness)
    file["url_private_download"] = f"{harness.slack.url}/redirect/away/F0MOVED/rachel.wav"
    shown = await clone_and_wait(harness, file)
    assert other_host.download_auth == [None]
    assert "sign-in page" in shown
    assert harness.revring.attempts == 0


async def test_endless_redirects_stop_after_a_few_hops(harness: Harness):
    harness.slack.redirect_targets["loop"] = f"{harness.slack.url}/redirect/loop"
    file = hosted(harness)
    file["url_private_download"] = f"{harness.slack.url}/redirect/loop/F0AUDIO/rachel.wav"
    shown = await clone_and_wait(harness, file)
    assert "couldn't download that file" in shown
    assert harness.revring.attempts == 0


async def test_a_slack_connect_stub_is_completed_with_files_info(harness: Harness):
    full = hosted(harness)
    stub = {"id": full["id"], "mode": "hosted", "file_access": "check_file_info"}
    shown = await clone_and_wait(harness, stub)
    assert "voice-0001" in shown
    assert harness.slack.calls_to("files.info")[0].args["file"] == "F0AUDIO"


async def test_a_file_stored_outside_slack_is_explained_and_never_fetched(harness: Harness):
    drive = {  # a Google Drive file shared in Slack: Slack has a record of it, not its bytes
        "id": "F0DRIVE",
        "created": 1700000000,
        "timestamp": 1700000000,
        "name": "rachel.m4a",
        "title": "rachel.m4a",
        "mimetype": "audio/x-m4a",
        "filetype": "m4a",
        "pretty_type": "M4A",
        "user": USER,
        "user_team": TEAM,
        "editable": False,
        "size": 480000,
        "mode": "external",
        "is_external": True,
        "external_type": "gdrive",
        "is_public": True,
        "public_url_shared": False,
        "display_as_bot": False,
        "username": "",
        # Slack points url_private at the file's page on the other service (a loopback stand-in here).
        "url_private": f"{harness.slack.url}/files/F0DRIVE/rachel.m4a",
        "permalink": "https://acme.slack.com/files/U0ALICE/F0DRIVE/rachel.m4a",
        "has_rich_preview": False,
        "file_access": "visible",
    }
    shown = await clone_and_wait(harness, drive)
    assert "can't read that kind of file: it is stored outside Slack" in shown
    assert "sign-in page" not in shown and "'text': 'Try again'" not in shown
    assert harness.slack.download_auth == [] and harness.slack.calls_to("files.info") == []
    assert harness.revring.attempts == 0


async def test_a_file_in_a_conversation_the_bot_cannot_see_says_invite_or_upload(harness: Harness):
    stub = {"id": "F0GONE", "mode": "hosted", "file_access": "check_file_info"}  # files.info: file_not_found
    shown = await clone_and_wait(harness, stub)
    assert "conversation I'm not part of" in shown and "/invite @Voice Cloner" in shown
    assert "files:read" not in shown and harness.revring.attempts == 0


async def test_an_html_page_labelled_as_audio_is_still_the_sign_in_page(harness: Harness):
    file = hosted(
        harness, content=b"\n  <!DOCTYPE html><html><body>Sign in</body></html>", mimetype="application/octet-stream"
    )
    shown = await clone_and_wait(harness, file)
    assert "sign-in page" in shown and harness.revring.attempts == 0


def test_only_slack_hosts_over_https_may_receive_the_token():
    from bot.slack.files import may_receive_token

    for url in ("https://files.slack.com/x", "https://slack.com/x", "https://a.b.slack.com/x"):
        assert may_receive_token(url)
    for url in (
        "http://files.slack.com/x",
        "https://evilslack.com/x",
        "https://slack.com.evil.io/x",
        "https://files.slack.com.evil.io/x",
        "https://127.0.0.1/x",
        "ftp://files.slack.com/x",
    ):
        assert not may_receive_token(url)
    assert may_receive_token("http://127.0.0.1:9/x", frozenset({"127.0.0.1"}))
    assert not may_receive_token("http://127.0.0.2:9/x", frozenset({"127.0.0.1"}))


# --- A bug of ours ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "says", "not_said"),
    [
        ("bot.cloning.pipeline.Pipeline.send", "can't tell whether the voice was created", "nothing was created"),
        ("bot.cloning.pipeline.Pipeline._download", "nothing was created", "can't tell"),
    ],
)
async def test_a_crash_says_truthfully_whether_the_voice_may_exist(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, step: str, says: str, not_said: str
):
    async def bug(*_args, **_kwargs):
        raise RuntimeError("a bug in the bot")

    monkeypatch.setattr(step, bug)
    shown = await clone_and_wait(harness, hosted(harness))
    assert says in shown and not_said not in shown
    assert "restarted" not in shown  # nobody restarted anything
    assert "Try again" in shown and "a bug in the bot" not in shown
    assert_nothing_internal(shown)
