"""`python -m bot`: load settings, start the bot in HTTP or Socket Mode. Nothing else lives here."""

import logging
import sys

from aiohttp import web
from dotenv import find_dotenv, load_dotenv

from bot.app import create_web_app
from bot.config import ConfigError, Settings


def main() -> int:
    # The .env of the directory the bot is started from; real environment variables win.
    load_dotenv(find_dotenv(usecwd=True), override=False)
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    mode = "Socket Mode" if settings.socket_mode else f"HTTP mode: POST /slack/events on port {settings.port}"
    print(
        f"Voice Cloner starting in {mode} (health check on port {settings.port} at /healthz); "
        f"RevRing at {settings.revring_api_url}",
        flush=True,
    )
    web.run_app(create_web_app(settings), host="0.0.0.0", port=settings.port, print=None)  # noqa: S104
    return 0


if __name__ == "__main__":
    sys.exit(main())
