"""`python -m bot [run|check]`: load settings, then start the bot in HTTP or Socket Mode, or check the settings.

Nothing else lives here; the checks are in bot/check.py.
"""

import argparse
import errno
import logging
import os
import sys

from aiohttp import web
from dotenv import find_dotenv, load_dotenv

from bot import logs
from bot.app import StartupError, Workspace, create_web_app, ignore_further_stop_signals
from bot.check import check, display_url
from bot.config import ConfigError, Settings


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        usage="%(prog)s [-h] [run | check]",
        description="Voice Cloner: clone RevRing voices from audio shared in Slack. "
        "Settings come from the environment and a .env file in the working directory.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", prog=parser.prog)
    commands.add_parser("run", help="start the bot (the default when no command is given)")
    commands.add_parser(
        "check",
        help="check the settings against Slack and RevRing; exit 0 only if all pass",
        description="Check the settings against Slack and RevRing and say how to fix each problem. "
        "Changes nothing; exit status 0 only if every check passes.",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    command = parse_args(argv).command or "run"
    # The .env of the directory the bot is started from; real environment variables win.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"Cannot {'check' if command == 'check' else 'start'}: {error}", file=sys.stderr)
        return 2
    if command == "check":
        return check(settings)
    logs.configure(
        [settings.slack_bot_token, settings.slack_signing_secret, settings.revring_api_key, settings.slack_app_token],
        level=logging.DEBUG if os.environ.get("LOG_LEVEL", "").lower() == "debug" else logging.INFO,
    )
    mode = "Socket Mode" if settings.socket_mode else f"HTTP mode on port {settings.port} (POST /slack/events)"

    def announce(workspace: Workspace) -> None:
        print(
            f"Voice Cloner running in {mode} for workspace {workspace.name} as @{workspace.bot_user}; "
            f"RevRing at {display_url(settings.revring_api_url)}. Health check: GET /healthz on port {settings.port}.",
            flush=True,
        )

    web_app = create_web_app(settings, on_ready=announce)
    web_app.on_shutdown.append(ignore_further_stop_signals)
    try:
        # Handlers answer in milliseconds: a short wait closes idle keep-alive connections, then clones get their grace.
        web.run_app(web_app, host="0.0.0.0", port=settings.port, print=None, shutdown_timeout=3)  # noqa: S104
    except StartupError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"Cannot start: port {settings.port} is already in use (is another copy of the bot running?). "
            "Stop it, or set PORT to a free port.",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
