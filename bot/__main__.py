"""`python -m bot [run|check|clone|inspect|consent-log]`: load settings, then start the bot in HTTP or Socket Mode,
check the settings, clone a voice from a file without Slack, check a recording, or list the speakers' consents.

Nothing else lives here; the checks are in bot/check/ (imported only when `check` runs: the running bot never loads
the diagnostics), the `clone` and `inspect` commands in bot/cloning/cli.py, `consent-log` in bot/consent/log.py.
"""

import argparse
import asyncio
import errno
import sys

from dotenv import find_dotenv, load_dotenv

from bot import __version__
from bot.app import StartupError, Workspace, create_web_app
from bot.cloning import cli as cli_clone
from bot.config import ConfigError, Settings, display_url
from bot.consent import log as consent_log
from bot.ops import logs
from bot.serving import serve


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        usage="%(prog)s [-h] [--version] [run | check | clone PATH --name NAME [--language CODE] [--json] [--anyway]"
        " | inspect PATH [--json] | consent-log [--json] [--team T…]]",
        description="Voice Cloner: clone RevRing voices from audio shared in Slack. "
        "Settings come from the environment and a .env file in the working directory.",
    )
    parser.add_argument("--version", action="version", version=f"voice-cloner-slack {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", prog=parser.prog)
    commands.add_parser("run", help="start the bot (the default when no command is given)")
    commands.add_parser(
        "check",
        help="check the settings against Slack and RevRing; exit 0 only if all pass",
        description="Check the settings against Slack and RevRing and say how to fix each problem. "
        "Changes nothing; exit status 0 only if every check passes.",
    )
    cli_clone.add_arguments(
        commands.add_parser(
            "clone",
            help="clone a voice from an audio file on this machine, without Slack; prints the voiceId",
            description="Check a recording as the bot checks one shared in Slack, send it to RevRing and print the new "
            "voiceId. Needs only REVRING_API_KEY. Exit status 0 when the voice was created, 1 when it was not (or may "
            "not have been, or the recording is poor: --anyway clones it), 2 for bad arguments or settings.",
        )
    )
    cli_clone.add_inspect_arguments(
        commands.add_parser(
            "inspect",
            help="check a recording as a clone would, without sending it: the recording report",
            description="Measure a recording as the bot does before it clones one (speech, loudness, peaks, noise, "
            "bandwidth) and print the report with a tip per problem. Sends nothing and needs no key. Exit status 0, "
            "1 when the recording is poor or could not be used at all, 2 for bad arguments or settings.",
        )
    )
    consent_log.add_arguments(
        commands.add_parser(
            "consent-log",
            help="list the speakers' consents the bot recorded (who, how, when), for an auditor",
            description="Print every consent asked for (CONSENT=speaker or recorded): the voice, its speaker, who "
            "asked, and how it ended: who agreed and how (the button, a recorded clip and what Slack heard in it, an "
            "admin's attestation), or declined, or expired. Reads only DATABASE_URL.",
        )
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    command = args.command or "run"
    # The .env of the directory the bot is started from; real environment variables win.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    if command == "clone":
        return cli_clone.main(args)
    if command == "inspect":
        return cli_clone.inspect_main(args)
    if command == "consent-log":
        return consent_log.main(args)
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        for problem in error.problems:
            print(f"Cannot {'check' if command == 'check' else 'start'}: {problem}", file=sys.stderr)
        return 2
    if command == "check":
        from bot.check.command import check  # only this command needs the diagnostics

        return check(settings)
    return run(settings)


def run(settings: Settings) -> int:
    for warning in settings.warnings:
        print(f"Warning: {warning}", file=sys.stderr, flush=True)
    secrets = logs.configure(settings.secrets, level=settings.log_level, library_level=settings.library_log_level)
    mode = "Socket Mode" if settings.socket_mode else f"HTTP mode on port {settings.port} (POST /slack/events)"
    ready: list[Workspace] = []

    def announce() -> None:
        # Called once the port is listening: only then is the bot really running.
        where = (
            "for any workspace that installs it (GET /slack/install)"
            if settings.distribution
            else f"for workspace {ready[-1].name} as @{ready[-1].bot_user}"
        )
        print(
            f"Voice Cloner {__version__} running in {mode} {where}; "
            f"RevRing at {display_url(settings.revring_api_url)}. Health check: GET /healthz on port {settings.port}.",
            flush=True,
        )

    web_app = create_web_app(settings, on_ready=ready.append, on_secret=secrets.add)
    try:
        asyncio.run(serve(web_app, host="0.0.0.0", port=settings.port, on_listening=announce))  # noqa: S104
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
