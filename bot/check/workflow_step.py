"""`python -m bot check`: what the "Clone a voice" Workflow Builder step needs that settings decide. It needs no scope
of its own (the scopes line covers reading the recording and posting progress), and its run token is sealed with
ENCRYPTION_KEY or the bot token, both checked on their own lines. What is left is time: Slack's token for a step run
lasts 15 minutes, so a run that waits STEP_QUEUE_SECONDS for a slot and then REVRING_TIMEOUT for RevRing must still
be able to complete the step."""

from __future__ import annotations

from bot.check.result import Result
from bot.config import Settings

NAME = "Workflow Builder step"
TOKEN_LIFETIME_SECONDS = 15 * 60  # Slack revokes a step run's token when it is completed, or after 15 minutes
DOWNLOAD_MARGIN_SECONDS = 60  # the download, the check of the recording and the answers, at most about this


def time_budget(settings: Settings) -> Result:
    wait, clone = settings.step_queue_seconds, settings.revring_timeout_seconds
    needed = wait + clone + DOWNLOAD_MARGIN_SECONDS
    if needed <= TOKEN_LIFETIME_SECONDS:
        return Result(
            NAME, True, f"a run waits at most {wait} s for a slot and {clone} s for RevRing, within Slack's 15 minutes"
        )
    return Result(
        NAME,
        False,
        f"a run may wait {wait} s for a slot (STEP_QUEUE_SECONDS) and {clone} s for RevRing (REVRING_TIMEOUT): "
        "past the 15 minutes Slack gives a step run, after which it can no longer be completed",
        f"keep STEP_QUEUE_SECONDS + REVRING_TIMEOUT under {TOKEN_LIFETIME_SECONDS - DOWNLOAD_MARGIN_SECONDS} s",
    )
