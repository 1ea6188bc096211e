"""Voice Cloner for Slack: turns an audio clip shared in Slack into a custom RevRing voice."""

from importlib.metadata import PackageNotFoundError, version

try:
    # The one place the version is written is pyproject.toml; this reads it from the installed package.
    __version__ = version("voice-cloner-slack")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"
