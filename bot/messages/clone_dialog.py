"""The clone dialog (`/clone-voice`, the Home tab's *Clone a voice*, the message shortcut): the voice's name, its
language, the audio and the speaker's consent, and what the dialog says about what was filled in."""

from __future__ import annotations

from typing import Any

from bot.audio_formats import SLACK_FILETYPES
from bot.messages.clone import FORMATS
from bot.messages.ids import (
    AUDIO_BLOCK,
    CONSENT_BLOCK,
    DIALOG_CALLBACK_ID,
    FIELD_ACTION,
    LANGUAGE_BLOCK,
    NAME_BLOCK,
    OUTSIDE_BLOCK,
    OUTSIDE_VALUE,
    SPEAKER_BLOCK,
)
from bot.messages.mrkdwn import bold

DIALOG_FILETYPES = list(SLACK_FILETYPES)
LANGUAGES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "pt-BR": "Portuguese (Brazil)",
    "nl": "Dutch",
    "pl": "Polish",
    "sv": "Swedish",
    "tr": "Turkish",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ar": "Arabic",
    "hi": "Hindi",
    "ja": "Japanese",
    "ko": "Korean",
    "zh": "Chinese",
}
CONSENT_TEXT = "I have this speaker's permission to clone their voice"
OUTSIDE_TEXT = "Someone outside Slack (an admin confirms their written consent)"


def clone_dialog(
    *,
    default_language: str,
    metadata: str,
    name: str = "",
    language: str | None = None,
    fixed_file_title: str | None = None,
    ask_speaker: bool = False,
    speaker_id: str | None = None,
) -> dict[str, Any]:
    """The modal: voice name, language, the audio (a file input, or the shortcut's file), and consent: a checkbox, or
    with `ask_speaker` (CONSENT on) whose voice it is, whom the bot then asks (`speaker_id` chosen already)."""
    name_input: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": FIELD_ACTION,
        "max_length": 100,
        "placeholder": {"type": "plain_text", "text": "e.g. Rachel"},
    }
    if name:
        name_input["initial_value"] = name[:100]
    if fixed_file_title is None:
        audio_block: dict[str, Any] = {
            "type": "input",
            "block_id": AUDIO_BLOCK,
            "label": {"type": "plain_text", "text": "Audio file"},
            "hint": {"type": "plain_text", "text": "One speaker, about 10–30 seconds."},
            "element": {
                "type": "file_input",
                "action_id": FIELD_ACTION,
                "filetypes": DIALOG_FILETYPES,
                "max_files": 1,
            },
        }
    else:
        audio_block = {
            "type": "context",
            "block_id": AUDIO_BLOCK,
            "elements": [{"type": "mrkdwn", "text": f":studio_microphone: {bold(fixed_file_title)}"}],
        }
    return {
        "type": "modal",
        "callback_id": DIALOG_CALLBACK_ID,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Clone a voice"},
        "submit": {"type": "plain_text", "text": "Clone"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": NAME_BLOCK,
                "label": {"type": "plain_text", "text": "Voice name"},
                "element": name_input,
            },
            language_block(default_language, language, optional=language is None),
            audio_block,
            *(speaker_blocks(speaker_id) if ask_speaker else [_consent_checkbox()]),
        ],
    }


def _consent_checkbox() -> dict[str, Any]:
    return {
        "type": "input",
        "block_id": CONSENT_BLOCK,
        "label": {"type": "plain_text", "text": "Consent"},
        "element": {
            "type": "checkboxes",
            "action_id": FIELD_ACTION,
            "options": [{"text": {"type": "plain_text", "text": CONSENT_TEXT}, "value": "yes"}],
        },
    }


def speaker_blocks(speaker_id: str | None) -> list[dict[str, Any]]:
    """ "Whose voice is this?": a person of the workspace (left empty, the person asking), or someone outside Slack."""
    person: dict[str, Any] = {"type": "users_select", "action_id": FIELD_ACTION}
    if speaker_id:
        person["initial_user"] = speaker_id
    outside = {"text": {"type": "plain_text", "text": OUTSIDE_TEXT}, "value": OUTSIDE_VALUE}
    return [
        {
            "type": "input",
            "block_id": SPEAKER_BLOCK,
            "optional": True,
            "label": {"type": "plain_text", "text": "Whose voice is this?"},
            "hint": {"type": "plain_text", "text": "Empty: your own. They are asked to agree before anything is sent."},
            "element": person,
        },
        {
            "type": "input",
            "block_id": OUTSIDE_BLOCK,
            "optional": True,
            "label": {"type": "plain_text", "text": "Speaker outside Slack"},
            "element": {"type": "checkboxes", "action_id": FIELD_ACTION, "options": [outside]},
        },
    ]


def language_block(default_language: str, language: str | None = None, *, optional: bool = False) -> dict[str, Any]:
    """The language input of a dialog: the known languages, the default and the chosen one among them. `optional`:
    nothing chosen, and left empty the language is the one Slack heard in a clip recorded in Slack, else the
    default."""
    chosen = language or default_language
    options = dict(LANGUAGES)
    for code in (default_language, chosen):
        options.setdefault(code, code)

    def option(code: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": f"{options[code]} ({code})"[:75]}, "value": code}

    block: dict[str, Any] = {
        "type": "input",
        "block_id": LANGUAGE_BLOCK,
        "label": {"type": "plain_text", "text": "Language"},
        "element": {
            "type": "static_select",
            "action_id": FIELD_ACTION,
            "options": [option(code) for code in options][:100],
            "initial_option": option(chosen),
        },
    }
    if optional:
        del block["element"]["initial_option"]
        hint = f"Empty: the language Slack heard, for a clip recorded in Slack; else {options[default_language]}."
        block.update(optional=True, hint={"type": "plain_text", "text": hint[:150]})
    return block


def dialog_needs_name() -> str:
    return "Give the voice a name."


def dialog_needs_file() -> str:
    return "Attach one audio file."


def dialog_not_audio() -> str:
    return f"That isn't an audio file. Attach a recording as {FORMATS}."


def dialog_too_large(size_bytes: int, limit_mb: int) -> str:
    return f"That file is {size_bytes / (1024 * 1024):.1f} MB; the limit is {limit_mb} MB. Trim it to 10–30 seconds."


def dialog_needs_consent() -> str:
    return "Tick this to confirm you have the speaker's permission."


def dialog_file_busy() -> str:
    return "That file is already being cloned. Check its thread for the result."


def dialog_did_not_open() -> str:
    return "I couldn't open the dialog (it may have taken too long). Please try `/clone-voice` again."
