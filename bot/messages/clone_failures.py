"""Why a clone did not happen, in words (see `bot.cloning.failures`, which picks them): the audio, the file in
Slack, what RevRing answered, a restart or a bug, no RevRing key."""

from __future__ import annotations

from typing import Any

from bot.messages.clone import FORMATS
from bot.messages.mrkdwn import bold
from bot.messages.revring_said import not_answered, said, turned_away


def not_audio() -> str:
    return (
        "That file isn't an audio file I can use, so I didn't send it to RevRing. "
        f"Share a recording of one speaker, about 10–30 seconds, as {FORMATS}."
    )


def too_short(seconds: float, min_seconds: float) -> str:
    return (
        f"That recording is only {seconds:.1f} seconds long; RevRing needs at least {min_seconds:.0f}. "
        "Record 10–30 seconds of one person speaking naturally, in a quiet room, and share it again."
    )


def too_large(size_bytes: int, limit_mb: int) -> str:
    size_mb = size_bytes / (1024 * 1024)
    return (
        f"That file is {size_mb:.1f} MB and the limit is {limit_mb} MB. "
        "RevRing only needs 10–30 seconds of one speaker: trim it and share it again."
    )


def file_not_accessible() -> str:
    return (
        "I couldn't open that file: Slack showed me a sign-in page instead of the audio. "
        "An admin needs to give the app the `files:read` scope and reinstall it to the workspace, "
        "then share the file again."
    )


def file_not_downloadable() -> str:
    return (
        "I can't read that kind of file: it is stored outside Slack (a Google Drive or other linked file), "
        "or it isn't a file Slack lets me download. Upload the recording itself to Slack and share it again, "
        "or use `/clone-voice` to upload it in a dialog."
    )


def file_out_of_reach() -> str:
    return (
        "I can't open that file: it was deleted, or it is in a conversation I'm not part of. "
        "Invite me with `/invite @Voice Cloner` and share it again, or upload it with `/clone-voice`."
    )


def download_failed() -> str:
    return "I couldn't download that file from Slack. Please share it again in a moment."


def revring_invalid_body(details: dict[str, Any]) -> str:
    return f"RevRing didn't accept this sample: {said(details)}. Check the name and the recording, then try again."


def revring_too_large(details: Any) -> str:
    return (
        f"RevRing says the recording is too big ({said(details)}), so nothing was created. "
        "It only needs 10–30 seconds of one speaker: trim it and share it again."
    )


def revring_unprocessable(details: Any) -> str:
    return (
        f"RevRing couldn't process this recording ({said(details)}), so nothing was created. "
        f"Share another recording of one speaker, about 10–30 seconds, as {FORMATS}."
    )


def revring_created_without_id(name: str) -> str:
    return (
        f"RevRing says it created {bold(name)}, but its answer didn't include the voice id. "
        "Look for the voice in your RevRing dashboard instead of trying again, or you may get two."
    )


def revring_unauthorized() -> str:
    return (
        "RevRing turned down the bot's API key, so nothing was created. "
        "An admin needs to put a valid key in the bot's `REVRING_API_KEY` setting and restart it."
    )


def revring_billing_inactive() -> str:
    return (
        "RevRing says the organisation's billing is inactive, so nothing was created. "
        "An admin can reactivate billing in the RevRing dashboard; then press *Try again*."
    )


def revring_unavailable(reason: str) -> str:
    return f"{turned_away(reason)}, so nothing was created. Please try again in a few minutes."


def revring_outcome_unknown(name: str, reason: str) -> str:
    what = not_answered(reason, who="it", otherwise="its answer didn't say whether it worked")
    return (
        f"I sent {bold(name)} to RevRing, but {what}, so the voice may or may not have been created. "
        "Check the voices in your RevRing dashboard before you try again, or you may get two."
    )


def crashed_during_upload(name: str) -> str:
    return (
        f"Something went wrong on my side while I was sending {bold(name)} to RevRing, so I can't tell whether "
        "the voice was created. Check the voices in your RevRing dashboard before you try again, or you may get two."
    )


def interrupted_during_upload(name: str) -> str:
    return (
        f"I was restarted while sending {bold(name)} to RevRing, so I can't tell whether the voice was "
        "created. Check the voices in your RevRing dashboard before you try again, or you may get two."
    )


def internal_error() -> str:
    return "Something went wrong on my side and nothing was created. Please try again."


def no_revring_key() -> str:
    return (
        "RevRing is not connected for this workspace yet, so nothing was cloned: an admin needs to connect RevRing "
        "in the app's Home tab."
    )
