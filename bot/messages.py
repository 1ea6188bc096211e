"""Every sentence a person sees, and the Block Kit built around them.

Anything a person or RevRing wrote goes through `escape()` before it is placed in mrkdwn, so it can
never ping a channel, a user group or a person, or become a link.
"""

from __future__ import annotations

from typing import Any

FORMATS = "MP3, M4A, WAV, OGG, FLAC or WebM"
REACTION_WORKING = "hourglass_flowing_sand"
REACTION_DONE = "white_check_mark"
REACTION_FAILED = "x"


def escape(text: str) -> str:
    """Neutralise mrkdwn control characters (`&` first, then `<` and `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def usage(minutes: int) -> str:
    return (
        "*Clone a voice in Slack*\n"
        f"• `/clone-voice Rachel` then share an audio file in this channel within {minutes} minutes\n"
        "• or share the file first, then type `/clone-voice Rachel`\n"
        "• or share an audio file with a message that mentions me: `@Voice Cloner Rachel`\n"
        "Add `lang=es` to pick the language. RevRing needs one speaker, about 10–30 seconds, "
        f"as {FORMATS}."
    )


def bad_language(code: str) -> str:
    return (
        f"`{escape(code)}` isn't a language code I know. "
        "Use a code such as `lang=en`, `lang=es` or `lang=pt-BR`."
    )


def waiting_for_file(name: str, language: str, minutes: int) -> str:
    return (
        f"Got it. Share an audio file in this channel within {minutes} minutes and I'll clone it as "
        f"*{escape(name)}* (language `{escape(language)}`). I'll answer in the file's thread."
    )


def using_recent_file(file_name: str, name: str, language: str) -> str:
    return (
        f"Cloning your file *{escape(file_name)}* as *{escape(name)}* (language `{escape(language)}`). "
        "Follow along in the file's thread."
    )


def mention_needs_audio() -> str:
    return f"I can only clone audio. Share a recording ({FORMATS}) with your message and mention me with a name."


def cloning(name: str) -> str:
    return f":hourglass_flowing_sand: Cloning *{escape(name)}*…"


def cloning_blocks(name: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": cloning(name)}}]


def voice_ready_text(name: str, voice_id: str, language: str, status: str) -> str:
    return (
        f"Voice *{escape(name)}* created: `{escape(voice_id)}` "
        f"(language `{escape(language)}`, status {escape(status)})"
    )


def voice_ready_blocks(name: str, voice_id: str, language: str, status: str) -> list[dict[str, Any]]:
    headline = {
        "ready": f":white_check_mark: Voice *{escape(name)}* is ready.",
        "processing": f":white_check_mark: Voice *{escape(name)}* was created and RevRing is still processing it.",
        "failed": f":warning: Voice *{escape(name)}* was created but RevRing marked it as failed.",
    }.get(status, f":white_check_mark: Voice *{escape(name)}* was created.")
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {
            "type": "rich_text",
            "elements": [
                {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": voice_id}]}
            ],
        },
        {
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": f"*Language*\n`{escape(language)}`"},
                {"type": "mrkdwn", "text": f"*Status*\n{escape(status)}"},
            ],
        },
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": "Paste the id above into a RevRing agent's `voiceId` to use this voice."}
            ],
        },
    ]


def failed_blocks(text: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": f":x: {text}"}}]


# --- Why a clone did not happen -------------------------------------------------------------------


def not_audio() -> str:
    return (
        "That file isn't an audio file I can use, so I didn't send it to RevRing. "
        f"Share a recording of one speaker, about 10–30 seconds, as {FORMATS}."
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


def download_failed() -> str:
    return "I couldn't download that file from Slack. Please share it again in a moment."


def revring_invalid_body(details: dict[str, Any]) -> str:
    plain = _plain_details(details) or "it didn't say why"
    return (
        f"RevRing didn't accept this sample: {escape(plain)}. "
        "Check the name and the recording, then try again."
    )


def revring_unauthorized() -> str:
    return (
        "RevRing turned down the bot's API key, so nothing was created. "
        "An admin needs to put a valid key in the bot's `REVRING_API_KEY` setting and restart it."
    )


def revring_billing_inactive() -> str:
    return (
        "RevRing says the organisation's billing is inactive, so nothing was created. "
        "An admin can reactivate billing in the RevRing dashboard; then try again."
    )


def revring_unavailable() -> str:
    return "RevRing didn't answer, please try again in a few minutes."


def internal_error() -> str:
    return "Something went wrong on my side and nothing was created. Please try again."


def _plain_details(details: Any, prefix: str = "") -> str:
    """Flatten RevRing's `details` object ({"voice": ["too short"]}) into one readable line."""
    if isinstance(details, dict):
        parts = [_plain_details(value, f"{prefix}{key}: " if not prefix else f"{prefix}{key} ")
                 for key, value in details.items()]
        return "; ".join(part for part in parts if part)
    if isinstance(details, list):
        return prefix + ", ".join(_plain_details(item) for item in details) if details else ""
    if details is None or details == "":
        return ""
    return f"{prefix}{details}"
