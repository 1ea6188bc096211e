"""Reading Slack's file objects into the bot's records; nothing else here knows their shape."""

from __future__ import annotations

import re
from typing import Any

from bot.audio_formats import SLACK_FILETYPES
from bot.records import SharedFile

# The formats' own file types, and QuickTime's (its AAC audio is an M4A's, though the dialog does not offer it).
_AUDIO_FILETYPES = {*SLACK_FILETYPES, "mov"}


def shared_file(data: dict[str, Any]) -> SharedFile:
    """A file object as Slack sends it (in events, files.info, a dialog's file_input, a shortcut's message)."""
    size = data.get("size")
    duration = data.get("duration_ms")
    transcription = data.get("transcription")
    heard: dict[str, Any] = transcription if isinstance(transcription, dict) else {}
    preview: dict[str, Any] = heard["preview"] if isinstance(heard.get("preview"), dict) else {}
    # An external file's url_private is the other service's page, not a Slack download: never fetched.
    external = data.get("is_external") is True or data.get("mode") == "external"
    return SharedFile(
        id=str(data.get("id", "")),
        name=str(data.get("name") or ""),
        title=str(data.get("title") or data.get("name") or ""),
        mimetype=str(data.get("mimetype") or ""),
        filetype=str(data.get("filetype") or ""),
        size=size if isinstance(size, int) else None,
        url_private_download=None if external else data.get("url_private_download") or data.get("url_private"),
        subtype=str(data.get("subtype") or ""),
        duration_ms=duration if isinstance(duration, int) else None,
        external=external,
        # Typed in Slack's Node and Java SDKs, not in its API reference: every field may be missing.
        transcription=str(heard.get("status") or ""),
        heard_locale=str(heard.get("locale") or ""),
        heard_words=str(preview.get("content") or ""),
        heard_more=preview.get("has_more") is True,
        transcript_url=str(data.get("vtt") or ""),
        permalink=str(data.get("permalink") or ""),
        user=str(data.get("user") or ""),
    )


def heard_language(file: SharedFile) -> str | None:
    """The language of the locale Slack's finished transcription names (`es-ES` -> `es`), or None."""
    primary = file.heard_locale.replace("_", "-").split("-")[0].lower()
    if file.transcription != "complete" or not re.fullmatch(r"[a-z]{2,3}", primary):
        return None
    return primary


def looks_like_audio(file: SharedFile) -> bool:
    """A hint from Slack's labels only; the bytes decide later."""
    return (
        file.mimetype.startswith(("audio/", "video/mp4", "video/webm", "video/quicktime"))
        or file.subtype in ("slack_audio", "slack_video")
        or file.filetype in _AUDIO_FILETYPES
        or not (file.mimetype or file.filetype)  # a Slack Connect stub: files.info will say
    )
