"""The container and the example settings: the Dockerfile runs the bot as a non-root user with its database in a
volume and a health check on /healthz, and .env.example shows the true defaults."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from tests.conftest import BOT_TOKEN, REVRING_KEY, SIGNING_SECRET, Harness
from tests.test_check import ROOT, closed_port
from tests.test_startup import clean_env


def test_dockerfile_runs_the_bot_as_a_non_root_user():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM python:3.11-slim\n" in dockerfile
    assert re.search(r"^USER (?!root)\w+$", dockerfile, re.MULTILINE)
    assert 'CMD ["python", "-m", "bot"]' in dockerfile and "EXPOSE 3000" in dockerfile
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".env", ".venv", ".git"} <= set(ignored)


def env_example() -> tuple[dict[str, str], dict[str, str]]:
    """.env.example's settings: (those set, those commented out as `# NAME=value`)."""
    active: dict[str, str] = {}
    commented: dict[str, str] = {}
    for row in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if match := re.fullmatch(r"(# )?([A-Z][A-Z0-9_]*)=(.*)", row):
            (commented if match[1] else active)[match[2]] = match[3]
    return active, commented


def test_env_example_sets_nothing_but_the_secrets_to_fill_in():
    active, _commented = env_example()
    assert active == {"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "", "REVRING_API_KEY": "", "SLACK_APP_TOKEN": ""}


def test_env_example_shows_the_true_defaults():
    _active, commented = env_example()
    examples = {"ALLOWED_USER_IDS", "ALLOWED_USERGROUP_ID", "ALLOWED_CHANNEL_IDS", "ACCESS_CONTACT", "SLACK_API_URL"}
    secrets = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET, "REVRING_API_KEY": REVRING_KEY}
    defaults = {name: value for name, value in commented.items() if name not in examples}
    assert {"DATABASE_URL", "PORT", "LOG_LEVEL", "MAX_AUDIO_SECONDS"} <= set(defaults)
    assert Settings.from_env({**secrets, **defaults}) == Settings.from_env(secrets)
    Settings.from_env({**secrets, **commented})  # the examples are valid too


def test_an_env_file_from_the_example_keeps_the_database_in_the_docker_volume():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", "")
    [volume] = json.loads(re.search(r"^VOLUME (\[.*\])$", dockerfile, re.MULTILINE)[1])
    [database_url] = re.findall(r"\bDATABASE_URL=(\S+)", dockerfile)
    image_env = {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "REVRING_API_KEY": REVRING_KEY,
        "DATABASE_URL": database_url,
    }
    active, _commented = env_example()
    # docker run --env-file: the file's variables are laid over the image's ENV.
    settings = Settings.from_env({**image_env, **{k: v for k, v in active.items() if v}})
    assert Path(settings.database.sqlite_path).parent == Path(volume)
    # The documented commands that run the bot's image (not, say, a PostgreSQL container) mount that volume.
    for text in ((ROOT / "README.md").read_text(encoding="utf-8"), dockerfile):
        runs = [row for row in text.splitlines() if "docker run" in row and re.search(r"\svoice-cloner(\s|$)", row)]
        assert runs and all(f"-v voice-cloner-data:{volume}" in row for row in runs), runs


@pytest.mark.process
async def test_the_dockerfile_healthcheck_probes_healthz(harness: Harness):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", "")
    [probe] = re.findall(r"^HEALTHCHECK .*? CMD (\[.*\])$", dockerfile, re.MULTILINE)
    command = json.loads(probe)
    assert command[0] == "python"
    port = harness.bot.url.rsplit(":", 1)[1]

    async def exit_status(port: str) -> int:
        process = await asyncio.create_subprocess_exec(
            sys.executable, *command[1:], env=clean_env(PORT=port), stderr=asyncio.subprocess.DEVNULL
        )
        return await asyncio.wait_for(process.wait(), 30)

    assert await exit_status(port) == 0
    assert await exit_status(str(closed_port())) != 0
