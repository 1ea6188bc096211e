"""A clip's files live in the bot's one private work folder while it is checked and sent, and go as soon as its
clone ends, whatever the outcome; the folder goes when the bot stops, and is made again (private) if something
removed it meanwhile."""

from __future__ import annotations

import shutil
import stat
import tempfile
from pathlib import Path

import aiohttp

from bot.config import Settings
from tests.audio_samples import wav_tone
from tests.conftest import SIGNING_SECRET, BotClient, Harness, make_env, start_bot
from tests.helpers import WAV, hosted


def private(folder: Path) -> bool:
    return stat.S_IMODE(folder.stat().st_mode) == 0o700


async def test_a_clips_files_go_with_its_clone_and_the_folder_with_the_bot(fakes, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the bot makes its work folder
    slack, revring = fakes
    settings = Settings.from_env(make_env(slack, revring))
    runner, url = await start_bot(settings)
    try:
        [folder] = list(tmp_path.iterdir())
        assert private(folder)
        async with aiohttp.ClientSession() as session:
            harness = Harness(
                slack, revring, BotClient(url, session, SIGNING_SECRET, f"{slack.url}/response"), settings, runner.app
            )
            long_take = wav_tone(90.0)  # past the 60 s maximum: an excerpt is cut, a second file
            for number, content in enumerate((WAV, long_take, b"not audio at all " * 1000), start=1):
                await harness.bot.share_file(hosted(harness, f"F{number}", content), text="<@UBOT> Rachel")
                await harness.slack.wait_for("chat.update", number)
                await harness.settled()
            assert len(revring.received) == 2  # the third was no audio: refused, nothing sent
            assert list(folder.iterdir()) == []

            shutil.rmtree(folder)  # a /tmp cleaner takes the folder away while the bot runs
            await harness.bot.share_file(hosted(harness, "F4"), text="<@UBOT> Rachel")
            await harness.slack.wait_for("chat.update", 4)
            await harness.settled()
            assert len(revring.received) == 3 and private(folder) and list(folder.iterdir()) == []
    finally:
        await runner.cleanup()
    assert list(tmp_path.iterdir()) == []
