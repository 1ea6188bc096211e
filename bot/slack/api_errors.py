"""Reading Slack Web API failures the same way everywhere."""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError

# What a Web API call can raise once slack_sdk's retries are spent: an error answer, or no answer at all.
SLACK_FAILURES = (SlackApiError, aiohttp.ClientError, TimeoutError)
# files_upload_v2 also raises SlackRequestError (a SlackClientError) when the upload itself is refused.
UPLOAD_FAILURES = (SlackClientError, aiohttp.ClientError, TimeoutError)
# Slack's answers when the bot may not post in a conversation; the person is answered in a DM instead.
CANNOT_POST_HERE = {"not_in_channel", "channel_not_found", "is_archived", "restricted_action", "cant_post"}


def error_code(error: BaseException) -> str:
    """Slack's error code (`not_in_channel`), or what went wrong on the way there."""
    if isinstance(error, SlackApiError):
        data = error.response.data
        return str(data.get("error")) if isinstance(data, dict) else f"HTTP {error.response.status_code}"
    return type(error).__name__


# Slack's answers that mean the token is no longer good, as opposed to a request it could not carry out.
_AUTH_ERRORS = {"invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive"}
# Slack's answers that mean Slack itself failed.
_SLACK_FAILED = {"fatal_error", "internal_error", "service_unavailable", "request_timeout"}


def outage_cause(error: BaseException) -> str | None:
    """Why Slack failed us, as one of `bot.ops.metrics.CAUSES`; None when Slack answered and refused the request itself
    (`not_in_channel`, `message_not_found`…), which says nothing about Slack's health."""
    if isinstance(error, SlackApiError):
        code = error_code(error)
        if error.response.status_code == 429 or code == "ratelimited":
            return "ratelimited"
        if code in _AUTH_ERRORS:
            return "unauthorized"
        return "error" if code in _SLACK_FAILED or error.response.status_code >= 500 else None
    if isinstance(error, TimeoutError):
        return "timeout"
    return "unavailable" if isinstance(error, aiohttp.ClientConnectionError) else "error"
