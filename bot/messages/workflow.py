"""What the "Clone a voice" Workflow Builder step says when it fails for its own reasons (the rest of its failures
are the clone's, in `clone_failures`, `clone` and `recording`). Slack shows these in the workflow's activity, as
plain text."""

from __future__ import annotations

from bot.messages.mrkdwn import bold


def queued_too_long(name: str, limit_seconds: int) -> str:
    minutes = limit_seconds / 60
    waited = f"{limit_seconds} seconds" if limit_seconds < 120 else f"{minutes:.0f} minutes"
    return (
        f"I couldn't start cloning {bold(name)} within {waited}: every clone slot stayed busy. Nothing was sent to "
        "RevRing. Run the workflow again in a few minutes."
    )


def clone_anyway_hint() -> str:
    return "To clone this recording as it is, turn on the step's Clone anyway input."


def missing_inputs() -> str:
    return (
        "The Clone a voice step needs a recording, a voice name and who is asking. Fill them in in Workflow Builder, "
        "then run the workflow again."
    )
