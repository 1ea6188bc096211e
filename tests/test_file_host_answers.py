"""What Slack's file host sends is judged by what arrives: its content type, and the bytes actually streamed."""

from __future__ import annotations

import pytest

from tests.audio_samples import wav_tone
from tests.conftest import BOT_TOKEN, Harness
from tests.doubles.fake_slack import HostedFile


async def clone_and_wait(harness: Harness, file: dict) -> str:
    """Ask for a clone of `file` by mention and return what the person was finally shown."""
    await harness.bot.share_file(file, text="<@UBOT> Rachel")
    [update] = await harness.slack.wait_for("chat.update")
    return update.args["text"]


async def test_a_sign_in_page_is_known_by_its_html_content_type_whatever_its_first_bytes(harness: Harness):
    # Nothing in the first bytes looks like HTML: only the Content-Type header says it is the sign-in page.
    harness.slack.sign_in_page = b"\xef\xbb\xbf  \n<script>location.replace('/signin')</script>" + b" " * 4000
    file = harness.slack.host_file(
        HostedFile("F0HIDDEN", "rachel.wav", "audio/wav", wav_tone(12.0), visible_to_bot=False)
    )
    file["size"] = len(harness.slack.sign_in_page)  # even when the size matches, the answer is not the file
    shown = await clone_and_wait(harness, file)
    assert "files:read" in shown and "sign-in page" in shown
    assert harness.slack.download_auth == [f"Bearer {BOT_TOKEN}"]
    assert harness.revring.attempts == 0


@pytest.mark.parametrize("framing", ["chunked", "gzip"], ids=["no-content-length", "content-length-smaller-than-body"])
@pytest.mark.parametrize("harness", [{"MAX_AUDIO_MB": "1"}], indirect=True)
async def test_the_size_limit_holds_while_the_bytes_arrive(harness: Harness, framing: str):
    """No Content-Length, or one that counts gzip-compressed bytes: only the bytes counted on the way stop it."""
    harness.slack.download_framing = framing
    file = harness.slack.host_file(HostedFile("F0BIG", "long.wav", "audio/wav", wav_tone(70.0)))  # about 1.1 MB
    file["size"] = 500_000  # Slack's size is wrong: the bytes that arrive count
    shown = await clone_and_wait(harness, file)
    assert "the limit is 1 MB" in shown
    assert len(harness.slack.download_auth) == 1 and harness.revring.attempts == 0


@pytest.mark.parametrize("seconds", [12.0, 40.0], ids=["192KB", "640KB"])  # one write to disk, or several
@pytest.mark.parametrize("framing", ["chunked", "gzip"])
async def test_a_file_within_the_limit_arrives_whole_however_it_is_framed(
    harness: Harness, framing: str, seconds: float
):
    harness.slack.download_framing = framing
    audio = wav_tone(seconds)
    shown = await clone_and_wait(harness, harness.slack.host_file(HostedFile("F0OK", "r.wav", "audio/wav", audio)))
    assert "voice-0001" in shown
    assert harness.revring.received[0].content == audio
