"""The clone dialog: opening it from any surface, and reading (and checking) what was submitted."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning.command_text import clean_name
from bot.config import LANGUAGE_PATTERN, ConsentMode, Settings
from bot.messages import clone_dialog as dialog_text
from bot.messages import ids
from bot.records import SharedFile
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.slack.shapes import looks_like_audio, shared_file

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DialogTarget:
    """Where the result of a dialog goes, carried through Slack in the view's private_metadata."""

    channel_id: str
    thread_ts: str | None = None
    message_ts: str | None = None
    file_id: str | None = None  # set when the shortcut already chose the file

    def to_metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, metadata: str) -> DialogTarget | None:
        try:
            data = json.loads(metadata or "")
            return cls(**{key: data.get(key) for key in ("channel_id", "thread_ts", "message_ts", "file_id")})
        except (ValueError, TypeError, AttributeError):
            return None


@dataclass(frozen=True)
class Submission:
    name: str
    language: str
    file: SharedFile
    language_given: bool = True  # False: left empty (`language` is the default; a clip's transcription may choose)
    speaker_id: str | None = None  # CONSENT on: whose voice (None: the person asking)
    speaker_outside: bool = False  # someone outside Slack


async def open_clone_dialog(
    client: AsyncWebClient,
    trigger_id: str,
    settings: Settings,
    target: DialogTarget,
    *,
    name: str = "",
    language: str | None = None,
    fixed_file_title: str | None = None,
    speaker_id: str | None = None,
) -> bool:
    """views.open at once (a trigger_id lives 3 seconds); False when Slack refused."""
    view = dialog_text.clone_dialog(
        default_language=settings.default_language,
        metadata=target.to_metadata(),
        name=name,
        language=language,
        fixed_file_title=fixed_file_title,
        ask_speaker=settings.consent is not ConsentMode.OFF,
        speaker_id=speaker_id,
    )
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except SLACK_FAILURES as error:
        log.warning("dialog not opened", extra={"slack_error": error_code(error)})
        return False
    return True


def read_submission(
    view: dict[str, Any], target: DialogTarget, settings: Settings
) -> tuple[Submission | None, dict[str, str]]:
    """The submitted values, or inline errors keyed by block id (Slack's `response_action: errors`)."""
    values = view.get("state", {}).get("values", {})

    def field(block: str) -> dict[str, Any]:
        return values.get(block, {}).get(ids.FIELD_ACTION, {}) or {}

    errors: dict[str, str] = {}
    name = clean_name(field(ids.NAME_BLOCK).get("value") or "")
    if not name:
        errors[ids.NAME_BLOCK] = dialog_text.dialog_needs_name()
    language = ((field(ids.LANGUAGE_BLOCK).get("selected_option") or {}).get("value")) or ""
    given = bool(LANGUAGE_PATTERN.fullmatch(language.lower()))
    if not given:
        language = settings.default_language
    file: SharedFile | None = None
    if target.file_id:
        file = shared_file({"id": target.file_id})  # completed with files.info when cloning
    else:
        uploaded = [f for f in field(ids.AUDIO_BLOCK).get("files") or [] if isinstance(f, dict)]
        if not uploaded:
            errors[ids.AUDIO_BLOCK] = dialog_text.dialog_needs_file()
        else:
            file = shared_file(uploaded[0])
            if not looks_like_audio(file):
                errors[ids.AUDIO_BLOCK] = dialog_text.dialog_not_audio()
            elif file.size is not None and file.size > settings.max_audio_bytes:
                errors[ids.AUDIO_BLOCK] = dialog_text.dialog_too_large(file.size, settings.max_audio_mb)
    asking = settings.consent is not ConsentMode.OFF  # the speaker is asked, instead of the person ticking a box
    if not asking and not field(ids.CONSENT_BLOCK).get("selected_options"):
        errors[ids.CONSENT_BLOCK] = dialog_text.dialog_needs_consent()
    if errors or file is None:
        return None, errors
    outside = any(o.get("value") == ids.OUTSIDE_VALUE for o in field(ids.OUTSIDE_BLOCK).get("selected_options") or [])
    speaker = field(ids.SPEAKER_BLOCK).get("selected_user")
    return Submission(
        name,
        language,
        file,
        language_given=given,
        speaker_id=str(speaker) if asking and speaker and not outside else None,
        speaker_outside=asking and outside,
    ), {}
