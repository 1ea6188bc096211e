"""Reading Slack Web API failures the same way everywhere."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError

# What a Web API call can raise once slack_sdk's retries are spent: an error answer, or no answer at all.
SLACK_FAILURES = (SlackApiError, aiohttp.ClientError, TimeoutError)


def error_code(error: BaseException) -> str:
    """Slack's error code (`not_in_channel`), or what went wrong on the way there."""
    if isinstance(error, SlackApiError):
        data = error.response.data
        return str(data.get("error")) if isinstance(data, dict) else f"HTTP {error.response.status_code}"
    return type(error).__name__
