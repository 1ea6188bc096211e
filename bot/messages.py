"""Every sentence a person sees, and the Block Kit built around them.

Anything a person or RevRing wrote goes through `escape()` before it is placed in mrkdwn, so it can
never ping a channel, a user group or a person, or become a link.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.audio_formats import AUDIO_FORMATS, SLACK_FILETYPES
from bot.cloning.audio import AudioLimits, AudioNote, PreparedAudio

if TYPE_CHECKING:
    from bot.records import Job

_LABELS = [kind.label for kind in AUDIO_FORMATS]
FORMATS = f"{', '.join(_LABELS[:-1])} or {_LABELS[-1]}"  # MP3, M4A, WAV, OGG, FLAC or WebM
REACTION_WORKING = "hourglass_flowing_sand"
REACTION_DONE = "white_check_mark"
REACTION_FAILED = "x"

# Block Kit ids the listeners match on.
DIALOG_CALLBACK_ID = "clone_voice_dialog"
SHORTCUT_CALLBACK_ID = "clone_voice_from_message"
OPEN_DIALOG_ACTION = "open_clone_dialog"
RETRY_ACTION = "retry_clone"
DESIGN_DIALOG_ACTION = "open_design_dialog"  # the Home tab's *Design a voice* button
DESIGN_CALLBACK_ID = "design_voice_dialog"
SAVE_CANDIDATE_ACTION = "save_design_candidate"
SAVE_CALLBACK_ID = "save_design_candidate_dialog"
DESCRIPTION_BLOCK, COUNT_BLOCK = "description", "count"
USE_IN_AGENT_ACTION = "use_voice_in_agent"
DELETE_VOICE_ACTION = "delete_voice"
UNDO_AGENT_CHANGE_ACTION = "undo_agent_change"
HOME_SHOW_ACTIONS = ("home_show_mine", "home_show_everyone", "home_page_newer", "home_page_older")
AGENT_DIALOG_CALLBACK_ID = "use_in_agent_dialog"
AGENT_BLOCK = "agent"
AGENT_SEARCH_ACTION = "agent_search"  # the external select, past Slack's 100 options
MAX_STATIC_OPTIONS = 100
NAME_BLOCK, LANGUAGE_BLOCK, AUDIO_BLOCK, CONSENT_BLOCK = "name", "language", "audio", "consent"
FIELD_ACTION = "value"
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


def escape(text: str) -> str:
    """Neutralise mrkdwn control characters (`&` first, then `<` and `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# *bold* as Slack reads it: the stars hug the words inside and stand apart from the words outside, so a star within a
# name ("R*chel") is text.
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")


def plain(text: str) -> str:
    """A sentence written for Slack, for a terminal: *bold* marks dropped, `code` quotes kept, what `escape()`
    turned into entities turned back (`&` last, so `&amp;lt;` stays `&lt;`)."""
    text = _BOLD.sub(r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def usage(minutes: int, max_mb: int) -> str:
    return (
        "*Clone a RevRing voice from an audio clip*\n"
        "• `/clone-voice` opens a dialog: name the voice, pick the language, attach the file\n"
        f"• `/clone-voice Rachel`, then share an audio file in this channel within {minutes} minutes "
        "(or share the file first, then type the command)\n"
        "• share an audio file with a message that mentions me: `@Voice Cloner Rachel`\n"
        "• on a message with an audio file: *More actions (⋯) → Clone voice from audio*\n"
        "• `/clone-voice design a warm, unhurried voice for a support line`: no recording needed, RevRing designs "
        "voices from your words and you save the one you like\n"
        "Add `lang=es` to pick the language (default shown in the dialog).\n"
        f"RevRing needs one speaker, about 10–30 seconds. Formats: {FORMATS}; up to {max_mb} MB."
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


def waiting_for_file_blocks(name: str, language: str, minutes: int, button_value: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": waiting_for_file(name, language, minutes)}},
        _dialog_button(button_value),
    ]


def not_a_member(name: str) -> str:
    return (
        f"I'm not in this conversation, so I can't see files shared here. To clone *{escape(name)}*, "
        "upload the file in a dialog instead, or add me with `/invite @Voice Cloner` and try again."
    )


def not_a_member_blocks(name: str, button_value: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": not_a_member(name)}}, _dialog_button(button_value)]


def _dialog_button(value: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": OPEN_DIALOG_ACTION,
                "text": {"type": "plain_text", "text": "Upload in a dialog instead"},
                "value": value,
            }
        ],
    }


def using_recent_file(file_name: str, name: str, language: str) -> str:
    return (
        f"Cloning your file *{escape(file_name)}* as *{escape(name)}* (language `{escape(language)}`). "
        "Follow along in the file's thread."
    )


def no_audio_in_message() -> str:
    return (
        "That message has no audio file, so there is nothing to clone. Use this on a message with a recording "
        f"({FORMATS}), or type `/clone-voice` to upload one."
    )


def dialog_did_not_open() -> str:
    return "I couldn't open the dialog (it may have taken too long). Please try `/clone-voice` again."


def cloning(name: str) -> str:
    return f":hourglass_flowing_sand: Cloning *{escape(name)}*…"


def queued(name: str, ahead: int) -> str:
    others = "1 other clone" if ahead == 1 else f"{ahead} other clones"
    return f":hourglass: *{escape(name)}* is queued behind {others}; it starts on its own as soon as there is room."


def progress_blocks(text: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def voice_ready_text(name: str, voice_id: str, language: str, status: str) -> str:
    return (
        f"Voice *{escape(name)}* created: `{escape(voice_id)}` "
        f"(language `{escape(language)}`, status {escape(status)})"
    )


def voice_ready_blocks(
    name: str, voice_id: str, language: str, status: str, *, note: str | None = None, job_id: str | None = None,
    agent_updates: bool = True,
) -> list[dict[str, Any]]:
    headline = {
        "ready": f":white_check_mark: Voice *{escape(name)}* is ready.",
        "processing": f":white_check_mark: Voice *{escape(name)}* was created and RevRing is still processing it.",
        "failed": f":warning: Voice *{escape(name)}* was created but RevRing marked it as failed.",
    }.get(status, f":white_check_mark: Voice *{escape(name)}* was created.")
    blocks: list[dict[str, Any]] = [
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
    if note:
        blocks.insert(3, {"type": "context", "elements": [{"type": "mrkdwn", "text": f":bulb: {note}"}]})
    if job_id:
        blocks.append(voice_buttons(job_id, name, agent_updates=agent_updates))
    return blocks


def voice_buttons(job_id: str, name: str, *, agent_updates: bool) -> dict[str, Any]:
    """*Use in an agent* (unless AGENT_UPDATES is off) and *Delete*, behind Slack's confirmation, for one voice."""
    elements: list[dict[str, Any]] = []
    if agent_updates:
        elements.append({"type": "button", "action_id": USE_IN_AGENT_ACTION, "value": job_id,
                         "text": {"type": "plain_text", "text": "Use in an agent"}})
    elements.append({
        "type": "button", "action_id": DELETE_VOICE_ACTION, "value": job_id, "style": "danger",
        "text": {"type": "plain_text", "text": "Delete"},
        "confirm": {
            "title": {"type": "plain_text", "text": "Delete this voice?"},
            "text": {"type": "plain_text", "text": delete_confirmation(name)},
            "confirm": {"type": "plain_text", "text": "Delete"},
            "deny": {"type": "plain_text", "text": "Cancel"},
            "style": "danger",
        },
    })
    return {"type": "actions", "elements": elements}


def delete_confirmation(name: str) -> str:
    # Plain text (Slack's confirmations take no mrkdwn), escaped all the same: Slack reads entities in it too.
    return f"This deletes “{escape(name[:100])}” from RevRing; agents using it will stop working."


def used_an_excerpt(original_seconds: float, excerpt_seconds: float, length_known: bool = True) -> str:
    length = f"was {original_seconds:.0f} seconds long" if length_known else f"is over {original_seconds:.0f} seconds"
    return (
        f"Your recording {length}, so I sent RevRing a {excerpt_seconds:.0f}-second "
        "excerpt (skipping any silence at the start). For the best voice, share 10–30 seconds of one speaker."
    )


def outside_ideal(seconds: float, ideal_min: float, ideal_max: float) -> str:
    return (
        f"Your recording is {seconds:.0f} seconds long; {ideal_min:.0f}–{ideal_max:.0f} seconds of one speaker "
        "works best, so you may get a better voice with a recording of that length."
    )


def audio_note(prepared: PreparedAudio, limits: AudioLimits) -> str | None:
    """What to tell about audio that was used anyway: the excerpt sent instead, or a length outside the ideal."""
    if prepared.note is AudioNote.EXCERPT:
        return used_an_excerpt(prepared.original_seconds, limits.excerpt_seconds, prepared.length_known)
    if prepared.note is AudioNote.OUTSIDE_IDEAL:
        return outside_ideal(prepared.original_seconds, limits.ideal_min_seconds, limits.ideal_max_seconds)
    return None


def failed_blocks(text: str, retry_job_id: str | None = None) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": f":x: {text}"}}]
    if retry_job_id:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": RETRY_ACTION,
                        "text": {"type": "plain_text", "text": "Try again"},
                        "value": retry_job_id,
                    }
                ],
            }
        )
    return blocks


def interrupted_during_upload(name: str) -> str:
    return (
        f"I was restarted while sending *{escape(name)}* to RevRing, so I can't tell whether the voice was "
        "created. Check the voices in your RevRing dashboard before you try again, or you may get two."
    )


def database_unavailable() -> str:
    """The one answer to a request that arrived while the database could not be reached (any way in)."""
    return ":warning: I can't take new clones for a moment; try again in a minute."


def retry_already_running() -> str:
    return "That clone is already running again; its result will appear in the same message."


def retry_already_cloned(name: str, voice_id: str) -> str:
    return (
        f"That file has made a voice since: *{escape(name)}*, `{escape(voice_id)}`. I didn't clone it again; "
        "paste that id into a RevRing agent's `voiceId` to use it."
    )


def retry_request_gone() -> str:
    return (
        "I no longer have that request (it is too old, or my records were reset), so I can't try it again. "
        "To start over, share the audio again with a message that mentions me and a name "
        "(`@Voice Cloner Rachel`), or type `/clone-voice`."
    )


def over_the_hourly_limit(limit: int, retry_after_seconds: float) -> str:
    """The one answer to a person over `CLONES_PER_HOUR`, from any way in."""
    minutes = max(round(retry_after_seconds / 60), 1)
    clones = "1 clone" if limit == 1 else f"{limit} clones"
    return (
        f"You've started {clones} in the last hour, which is the most allowed. "
        f"You can clone again in about {minutes} minute{'s' if minutes != 1 else ''}."
    )


def retry_not_yours() -> str:
    return "Only the person who asked for this clone can try it again. Start your own with `/clone-voice`."


def already_cloning_file() -> str:
    return "That file is already being cloned (or just was): the result is in its thread."




# --- Why a clone did not happen -------------------------------------------------------------------


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
    return (
        f"RevRing didn't accept this sample: {_revring_said(details)}. "
        "Check the name and the recording, then try again."
    )


def revring_too_large(details: Any) -> str:
    return (
        f"RevRing says the recording is too big ({_revring_said(details)}), so nothing was created. "
        "It only needs 10–30 seconds of one speaker: trim it and share it again."
    )


def revring_unprocessable(details: Any) -> str:
    return (
        f"RevRing couldn't process this recording ({_revring_said(details)}), so nothing was created. "
        f"Share another recording of one speaker, about 10–30 seconds, as {FORMATS}."
    )


def _revring_said(details: Any) -> str:
    """RevRing's own words, flattened, shortened and escaped."""
    plain = _plain_details(details) or "it didn't say why"
    if len(plain) > 500:  # Slack refuses a section over 3,000 characters: the answer must fit
        plain = plain[:500] + "…"
    return escape(plain)


def revring_created_without_id(name: str) -> str:
    return (
        f"RevRing says it created *{escape(name)}*, but its answer didn't include the voice id. "
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
    why = {
        "busy": "RevRing is busy right now (it kept asking me to slow down)",
        "unreachable": "I couldn't reach RevRing",
    }.get(reason, "RevRing turned the request away")
    return f"{why}, so nothing was created. Please try again in a few minutes."


def revring_outcome_unknown(name: str, reason: str) -> str:
    what = {
        "timeout": "it didn't answer in time",
        "server_error": "it had a problem on its side",
        "dropped": "the connection to it dropped",
    }.get(reason, "its answer didn't say whether it worked")
    return (
        f"I sent *{escape(name)}* to RevRing, but {what}, so the voice may or may not have been created. "
        "Check the voices in your RevRing dashboard before you try again, or you may get two."
    )


def crashed_during_upload(name: str) -> str:
    return (
        f"Something went wrong on my side while I was sending *{escape(name)}* to RevRing, so I can't tell whether "
        "the voice was created. Check the voices in your RevRing dashboard before you try again, or you may get two."
    )


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


# --- The dialog ------------------------------------------------------------------------------------


def clone_dialog(
    *, default_language: str, metadata: str, name: str = "", language: str | None = None,
    fixed_file_title: str | None = None,
) -> dict[str, Any]:
    """The modal: voice name, language, the audio (a file input, or the shortcut's file), consent."""
    name_input: dict[str, Any] = {
        "type": "plain_text_input", "action_id": FIELD_ACTION, "max_length": 100,
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
                "type": "file_input", "action_id": FIELD_ACTION, "filetypes": DIALOG_FILETYPES, "max_files": 1,
            },
        }
    else:
        audio_block = {
            "type": "context",
            "block_id": AUDIO_BLOCK,
            "elements": [{"type": "mrkdwn", "text": f":studio_microphone: *{escape(fixed_file_title)}*"}],
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
                "type": "input", "block_id": NAME_BLOCK,
                "label": {"type": "plain_text", "text": "Voice name"}, "element": name_input,
            },
            _language_block(default_language, language),
            audio_block,
            {
                "type": "input",
                "block_id": CONSENT_BLOCK,
                "label": {"type": "plain_text", "text": "Consent"},
                "element": {
                    "type": "checkboxes",
                    "action_id": FIELD_ACTION,
                    "options": [
                        {"text": {"type": "plain_text", "text": CONSENT_TEXT}, "value": "yes"}
                    ],
                },
            },
        ],
    }


def _language_block(default_language: str, language: str | None = None) -> dict[str, Any]:
    """The language input of a dialog: the known languages, the default and the chosen one among them."""
    chosen = language or default_language
    options = dict(LANGUAGES)
    for code in (default_language, chosen):
        options.setdefault(code, code)

    def option(code: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": f"{options[code]} ({code})"[:75]}, "value": code}

    return {
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


CONSENT_TEXT = "I have this speaker's permission to clone their voice"


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


# --- /clone-voice list -----------------------------------------------------------------------------

_STAGE_WORDS = {
    "received": "waiting to start",
    "downloading": "in progress",
    "uploading": "in progress",
    "failed": "failed",
    "interrupted": "interrupted",
}


def _job_line(job: Job) -> str:
    request = job.request
    who = f"<@{request.user_id}>" if re.fullmatch(r"[UW][A-Z0-9]{2,20}", request.user_id) else "someone"
    when = datetime.fromtimestamp(job.created_at, UTC).strftime("%Y-%m-%d %H:%M UTC")
    if job.voice_id and job.deleted_at is not None:
        status = f"`{escape(job.voice_id)}` · deleted"
    elif job.voice_id:
        status = f"`{escape(job.voice_id)}` · {escape(job.voice_status or 'ready')}"
    else:
        status = _STAGE_WORDS.get(str(job.stage), escape(str(job.stage)))
    return f"• *{escape(request.name)}* · {status} · {who} · {when}"


def voice_list_text(jobs: list[Job]) -> str:
    if not jobs:
        return "No voices have been cloned from this workspace yet. Type `/clone-voice` to make the first one."
    lines = [_job_line(job) for job in jobs]
    return "*Voices cloned from this workspace* (newest first)\n" + "\n".join(lines)


def voice_list_blocks(jobs: list[Job]) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": voice_list_text(jobs)[:3000]}}]


# --- Who may clone ---------------------------------------------------------------------------------


def external_user_refused() -> str:
    return (
        "Sorry, voice cloning here is only for members of this workspace. People from other organizations in "
        "shared channels can't use it."
    )


def membership_not_checked() -> str:
    return (
        "I couldn't check with Slack that you're a member of this workspace, so I didn't start anything. "
        "Please try again in a minute."
    )


def person_not_allowed(contact: str | None) -> str:
    who = escape(contact) if contact else "the person who manages the Voice Cloner app in this workspace"
    return f"Voice cloning is limited to approved people here. Ask {who} to add you."


def channel_not_allowed(contact: str | None) -> str:
    who = escape(contact) if contact else "the person who manages the Voice Cloner app"
    return (
        "Voice cloning isn't turned on in this conversation. Use `/clone-voice` in an approved channel, "
        f"or ask {who} to add this one."
    )


# --- python -m bot clone (plain text for a terminal) -----------------------------------------------


def cli_voice_created(voice_id: str, name: str, language: str, status: str, note: str | None) -> str:
    """One line: the voiceId first and a tab (`cut -f1` takes it), then what was made and the audio note if any."""
    line = f'{voice_id}\tVoice "{name}" created (language {language}, status {status}).'
    return f"{line} {note}" if note else line


def cli_no_such_file(path: str) -> str:
    return f"there is no file at {path!r}"


def cli_not_a_file(path: str) -> str:
    return f"{path!r} is a folder or a device, not a file; give the path of a recording"


def cli_cannot_read(path: str, reason: str) -> str:
    return f"cannot read {path!r} ({reason})"


def cli_needs_name() -> str:
    return "give the voice a name, such as --name Rachel"


def cli_bad_language(code: str) -> str:
    return f"{code[:20]!r} isn't a language code; use one such as en, es or pt-BR"


# --- Designing a voice from words (/clone-voice design, the Home tab's button) ----------------------

DESIGN_EXAMPLE = "a warm, unhurried voice for a support line, mid-thirties, slight smile"


def design_usage(max_chars: int, problem: str = "") -> str:
    """The answer to a description RevRing would refuse (empty or too long); nothing was sent."""
    lead = f"{problem}\n" if problem else ""
    return (
        f"{lead}*Design a voice from words*: `/clone-voice design <description>`, for example "
        f"`/clone-voice design {DESIGN_EXAMPLE}`.\n"
        f"Describe the voice in up to {max_chars:,} characters; RevRing makes 3 candidates, I post each one's preview "
        "in a thread, and you save the one you like (within an hour) with *Save as a voice…*."
    )


def design_description_empty() -> str:
    return "Describe the voice you want designed."


def design_description_too_long(length: int, max_chars: int) -> str:
    return f"That description is {length:,} characters long; RevRing takes up to {max_chars:,}. Shorten it."


def revring_not_connected() -> str:
    """No RevRing key serves this workspace (none connected, no REVRING_API_KEY): nothing was sent."""
    return "RevRing isn't connected for this workspace yet: an admin needs to connect RevRing in the app's Home tab."


def design_started(count: int) -> str:
    return f"Designing {_candidates(count)} from your description… they'll appear in a thread here."


def design_moved_to_dm() -> str:
    return "I can't post in this conversation, so your voice design is in our DM instead."


def design_not_posted() -> str:
    return "I couldn't post in Slack to show the design, so I didn't ask RevRing for it. Please try again."


def _candidates(count: int) -> str:
    return "1 voice" if count == 1 else f"{count} voices"


def _quoted(description: str, limit: int = 2000) -> str:
    """The description as a mrkdwn quote, escaped, cut short (with …) where it would pass `limit` characters."""
    pieces: list[str] = []
    size = 0
    for char in description:
        piece = "\n> " if char == "\n" else escape(char)
        if size + len(piece) > limit:
            pieces.append("…")
            break
        pieces.append(piece)
        size += len(piece)
    return "> " + "".join(pieces)


def design_thread_text(user_id: str, description: str, count: int, status: str) -> str:
    """The design thread's first message: who asked for what, then how it went (`status`, already mrkdwn-safe)."""
    who = f"<@{user_id}>" if re.fullmatch(r"[UW][A-Z0-9]{2,20}", user_id) else "Someone"
    return f":art: {who} asked RevRing to design {_candidates(count)} described as:\n{_quoted(description)}\n{status}"


def design_working() -> str:
    return ":hourglass_flowing_sand: Designing…"


def design_ready(count: int) -> str:
    what = "the preview" if count == 1 else f"the {count} previews"
    return (
        f":white_check_mark: Play {what} in this thread and press *Save as a voice…* under the one you like. "
        "Each can be saved for an hour."
    )


def design_failed_status(text: str) -> str:
    return f":x: {text}"


def candidate_text(number: int, duration_ms: int) -> str:
    return f"Candidate {number} ({duration_ms / 1000:.1f} s): the preview above."


def candidate_blocks(number: int, duration_ms: int, candidate_id: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{candidate_text(number, duration_ms)}*"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": SAVE_CANDIDATE_ACTION,
                    "text": {"type": "plain_text", "text": "Save as a voice…"},
                    "value": candidate_id,
                }
            ],
        },
    ]


def candidate_not_audio(number: int) -> str:
    return f"RevRing's preview of candidate {number} isn't audio I can play, so I left it out."


def candidate_not_uploaded(number: int) -> str:
    return f"I couldn't upload the preview of candidate {number} to Slack, so it can't be saved. Design again to retry."


def candidate_not_kept(number: int) -> str:
    return (
        f"I couldn't keep candidate {number} ready to save (my database didn't answer), so it can't be saved. "
        "Design again in a minute."
    )


def candidate_expired() -> str:
    return (
        "This candidate has expired: a designed voice can be saved for an hour after it was designed. "
        "Nothing was sent to RevRing. Design again with `/clone-voice design <description>`."
    )


def candidate_already_saving() -> str:
    return "That candidate is already being saved (or just was): the result is in the design thread."


def design_dialog(*, metadata: str, max_chars: int, max_candidates: int, default_count: int) -> dict[str, Any]:
    """The Home tab's *Design a voice* modal: the description, and how many candidates."""

    def option(count: int) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": _candidates(count)}, "value": str(count)}

    return {
        "type": "modal",
        "callback_id": DESIGN_CALLBACK_ID,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Design a voice"},
        "submit": {"type": "plain_text", "text": "Design"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": DESCRIPTION_BLOCK,
                "label": {"type": "plain_text", "text": "Describe the voice"},
                "hint": {"type": "plain_text", "text": "Age, tone, pace, accent, the feel of it."},
                "element": {
                    "type": "plain_text_input", "action_id": FIELD_ACTION, "multiline": True,
                    "max_length": max_chars,
                    "placeholder": {"type": "plain_text", "text": f"e.g. {DESIGN_EXAMPLE}"[:150]},
                },
            },
            {
                "type": "input",
                "block_id": COUNT_BLOCK,
                "label": {"type": "plain_text", "text": "Candidates"},
                "element": {
                    "type": "static_select",
                    "action_id": FIELD_ACTION,
                    "options": [option(count) for count in range(1, max_candidates + 1)],
                    "initial_option": option(default_count),
                },
            },
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": "The previews arrive in your DM with me; save the one you "
                                                        "like within an hour."}],
            },
        ],
    }


def save_candidate_dialog(*, metadata: str, number: int, default_language: str) -> dict[str, Any]:
    """*Save as a voice…*: the name and language of the voice made from a candidate."""
    return {
        "type": "modal",
        "callback_id": SAVE_CALLBACK_ID,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Save as a voice"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f":art: Candidate {number} of the design"}]},
            {
                "type": "input", "block_id": NAME_BLOCK,
                "label": {"type": "plain_text", "text": "Voice name"},
                "element": {
                    "type": "plain_text_input", "action_id": FIELD_ACTION, "max_length": 100,
                    "placeholder": {"type": "plain_text", "text": "e.g. Support line"},
                },
            },
            _language_block(default_language),
        ],
    }


# --- Why a design gave no candidates ---------------------------------------------------------------


def design_invalid_body(details: dict[str, Any]) -> str:
    return f"RevRing couldn't design voices from that description: {_revring_said(details)}. Reword it and try again."


def design_unauthorized() -> str:
    return (
        "RevRing turned down the bot's API key, so nothing was designed. "
        "An admin needs to give the bot a valid RevRing key."
    )


def design_billing_inactive() -> str:
    return (
        "RevRing says the organisation's billing is inactive, so nothing was designed. "
        "An admin can reactivate billing in the RevRing dashboard; then design again."
    )


def design_not_offered() -> str:
    return (
        "This RevRing account can't design voices through the API (RevRing didn't offer voice design), "
        "so nothing was designed. Ask RevRing to enable it, or clone a voice from a recording instead."
    )


def design_unavailable(reason: str) -> str:
    why = {
        "busy": "RevRing is busy right now (it kept asking me to slow down)",
        "unreachable": "I couldn't reach RevRing",
    }.get(reason, "RevRing turned the request away")
    return f"{why}, so nothing was designed. Please try again in a few minutes."


def design_no_answer(reason: str) -> str:
    what = {
        "timeout": "RevRing didn't answer in time",
        "server_error": "RevRing had a problem on its side",
        "dropped": "the connection to RevRing dropped",
    }.get(reason, "RevRing's answer didn't say what it made")
    return f"{what}, so I have no candidates to show. No voice was saved; please try again in a minute."


def design_unreadable() -> str:
    return "RevRing answered with candidates I couldn't read, so there is nothing to show. Please try again."


def design_failed() -> str:
    return "Something went wrong on my side and nothing was designed. Please try again."


# --- The Home tab: the voice library ---------------------------------------------------------------

LIBRARY_PAGE_SIZE = 20  # 3 blocks each, so a page, the buttons and other sections stay under Slack's 100


def _person(user_id: str | None) -> str:
    return f"<@{user_id}>" if user_id and re.fullmatch(r"[UW][A-Z0-9]{2,20}", user_id) else "someone"


def _when(epoch: float) -> str:
    """A date Slack shows in each reader's own time zone (the fallback in UTC)."""
    fallback = datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(epoch)}^{{date_short_pretty}} at {{time}}|{fallback}>"


def _link(url: str | None, label: str) -> str:
    # Slack's own permalink (chat.getPermalink); `|` and `>` cannot be in it, but the check costs nothing.
    if not url or not re.fullmatch(r"https://[^\s|<>]+", url):
        return ""
    return f" · <{url}|{label}>"


def home_intro_blocks() -> list[dict[str, Any]]:
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Voice library"}},
        {
            "type": "actions",
            "elements": [
                {"type": "button", "action_id": OPEN_DIALOG_ACTION, "value": "{}", "style": "primary",
                 "text": {"type": "plain_text", "text": "Clone a voice"}},
                {"type": "button", "action_id": DESIGN_DIALOG_ACTION, "value": "{}",
                 "text": {"type": "plain_text", "text": "Design a voice"}},
            ],
        },
    ]


def library_entry_blocks(job: Job, *, agent_updates: bool) -> list[dict[str, Any]]:
    """One voice: name and copyable voiceId, language, status, who made it and when, a link to its thread."""
    request = job.request
    status = escape(job.voice_status or "ready")
    text = (
        f"*{escape(request.name)}*  `{escape(job.voice_id or '')}`\n"
        f"Language `{escape(request.language)}` · {status} · made by {_person(request.user_id)} "
        f"{_when(job.created_at)}{_link(job.permalink, 'thread')}"
    )
    return [
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        voice_buttons(job.id, request.name, agent_updates=agent_updates),
    ]


def library_blocks(
    jobs: list[Job], *, total: int, mine: bool, page: int, agent_updates: bool
) -> list[dict[str, Any]]:
    """The library section: Mine / Everyone, where this page is, its voices, and Newer / Older."""

    def show(action: str, label: str, *, to_mine: bool, to_page: int, primary: bool = False) -> dict[str, Any]:
        button: dict[str, Any] = {"type": "button", "action_id": action, "text": {"type": "plain_text", "text": label},
                                  "value": f"{'mine' if to_mine else 'everyone'}:{to_page}"}
        if primary:
            button["style"] = "primary"
        return button

    mine_action, everyone_action, newer_action, older_action = HOME_SHOW_ACTIONS
    blocks: list[dict[str, Any]] = [
        {"type": "actions", "elements": [
            show(mine_action, "Mine", to_mine=True, to_page=0, primary=mine),
            show(everyone_action, "Everyone", to_mine=False, to_page=0, primary=not mine),
        ]},
    ]
    if not jobs:
        empty = ("You haven't cloned a voice here yet." if mine
                 else "No voices have been cloned from this workspace yet.")
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f"{empty} Press *Clone a voice* to "
                                                   "make one."}})
        return blocks
    first = page * LIBRARY_PAGE_SIZE + 1
    whose = "your voices" if mine else "voices of this workspace"
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": (
        f"Newest first: {first}–{first + len(jobs) - 1} of {total} {whose}")}]})
    for job in jobs:
        blocks.extend(library_entry_blocks(job, agent_updates=agent_updates))
    paging = []
    if page > 0:
        paging.append(show(newer_action, "← Newer", to_mine=mine, to_page=page - 1))
    if first + len(jobs) - 1 < total:
        paging.append(show(older_action, "Older →", to_mine=mine, to_page=page + 1))
    if paging:
        blocks.append({"type": "actions", "elements": paging})
    return blocks


def home_refused_blocks(text: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


# --- Notices in a small modal (a click in the Home tab has no conversation to answer in) -------------


def notice_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}],
    }


# --- Use in an agent -------------------------------------------------------------------------------

AGENT_DIALOG_TITLE = "Use in an agent"


def agents_loading_modal(name: str) -> dict[str, Any]:
    return notice_modal(AGENT_DIALOG_TITLE, f":hourglass_flowing_sand: Looking up your RevRing agents for "
                                            f"*{escape(name)}*…")


def _agent_option(agent_id: str, label: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": label[:75]}, "value": agent_id[:150]}


def agent_option_label(agent_name: str, current_voice: str | None) -> str:
    """`Support line (now: Rachel)`: an agent and the voice it speaks with now (a name we know, else its id)."""
    now = current_voice if current_voice else "no voice"
    return f"{agent_name or 'Unnamed agent'} (now: {now})"


def agent_options(labels: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """(agent id, label) pairs as select options."""
    return [_agent_option(agent_id, label) for agent_id, label in labels]


def agent_dialog(name: str, metadata: str, labels: list[tuple[str, str]]) -> dict[str, Any]:
    """Pick the agent: a static select, or a searchable external one past Slack's 100 options."""
    if len(labels) <= MAX_STATIC_OPTIONS:
        element: dict[str, Any] = {"type": "static_select", "action_id": FIELD_ACTION,
                                   "options": agent_options(labels)}
    else:
        element = {"type": "external_select", "action_id": AGENT_SEARCH_ACTION, "min_query_length": 0}
    element["placeholder"] = {"type": "plain_text", "text": "Choose an agent"}
    return {
        "type": "modal",
        "callback_id": AGENT_DIALOG_CALLBACK_ID,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": AGENT_DIALOG_TITLE},
        "submit": {"type": "plain_text", "text": "Use this voice"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": (
                f"Which RevRing agent should speak with *{escape(name)}*? Its current voice is replaced; "
                "you can undo it from the voice's thread.")}},
            {"type": "input", "block_id": AGENT_BLOCK, "label": {"type": "plain_text", "text": "Agent"},
             "element": element},
        ],
    }


def no_agents(name: str) -> str:
    return (
        f"Your RevRing organisation has no agents yet, so there is nothing to give *{escape(name)}* to. "
        "Create an agent in the RevRing dashboard (*Agents → New agent*), then press *Use in an agent* again."
    )


def agent_working() -> str:
    return ":hourglass_flowing_sand: Giving the voice to that agent…"


def agent_dialog_needs_agent() -> str:
    return "Choose an agent."


def agent_gone() -> str:
    return "That agent no longer exists in RevRing. Close this and press *Use in an agent* again to pick another."


def agent_now_speaks(agent_name: str, name: str, previous_voice_id: str | None) -> str:
    before = f"it used `{escape(previous_voice_id)}` before" if previous_voice_id else "it had no voice before"
    return f"Agent *{escape(agent_name)}* now speaks with *{escape(name)}* ({before})"


def agent_now_speaks_blocks(agent_name: str, name: str, previous_voice_id: str | None, change_id: str,
                            user_id: str) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": (
            f":telephone_receiver: {agent_now_speaks(agent_name, name, previous_voice_id)}, "
            f"set by {_person(user_id)}.")}},
    ]
    if previous_voice_id:
        blocks.append({"type": "actions", "elements": [
            {"type": "button", "action_id": UNDO_AGENT_CHANGE_ACTION, "value": change_id,
             "text": {"type": "plain_text", "text": "Undo"}},
        ]})
    return blocks


def agent_already_speaks(agent_name: str, name: str) -> str:
    return f"Agent *{escape(agent_name)}* already speaks with *{escape(name)}*; nothing to change."


def agent_change_done(agent_name: str, name: str, previous_voice_id: str | None) -> str:
    done = agent_now_speaks(agent_name, name, previous_voice_id)
    return f":white_check_mark: {done}. *Undo* is in the voice's thread."


def agent_change_undone(agent_name: str, previous_voice_id: str, user_id: str) -> str:
    return (
        f":leftwards_arrow_with_hook: Agent *{escape(agent_name)}* speaks with `{escape(previous_voice_id)}` "
        f"again: {_person(user_id)} undid the change."
    )


def agent_change_already_undone() -> str:
    return "That change was already undone."


def agent_change_gone() -> str:
    return "I no longer have a record of that change, so I can't undo it. Set the agent's voice in RevRing instead."


def voice_not_ready(name: str, status: str) -> str:
    return (
        f"*{escape(name)}* can't be given to an agent yet: RevRing says its status is *{escape(status)}*, not ready. "
        "Wait until it is ready (or clone it again if it failed)."
    )


def voice_gone(name: str | None = None) -> str:
    what = f"*{escape(name)}*" if name else "That voice"
    return f"{what} is no longer in the voice library (it was deleted, or my records of it were cleared)."


def only_owner_or_admin(what: str, owner_id: str) -> str:
    return f"Only {_person(owner_id)}, who cloned this voice, or a workspace admin can {what} it."


def rights_not_checked() -> str:
    return "I couldn't check with Slack who you are in this workspace, so I changed nothing. Please try again."


def agent_updates_off() -> str:
    return "Giving voices to agents from Slack is turned off here (the bot's `AGENT_UPDATES` setting)."




def agent_updates_not_allowed(voice_id: str) -> str:
    return (
        "This RevRing account cannot update agents through the API, so I couldn't give it the voice. "
        f"Paste this voiceId into the agent's settings in the RevRing dashboard instead: `{escape(voice_id)}`"
    )


# --- Delete a voice --------------------------------------------------------------------------------


def voice_deleted(name: str, voice_id: str, user_id: str, when: float) -> str:
    return (
        f":wastebasket: Voice *{escape(name)}* (`{escape(voice_id)}`) was deleted from RevRing by "
        f"{_person(user_id)} {_when(when)}."
    )


def voice_deleted_blocks(name: str, voice_id: str, user_id: str, when: float) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": voice_deleted(name, voice_id, user_id, when)}}]


def voice_already_deleted(name: str) -> str:
    return f"*{escape(name)}* has already been deleted."


# --- What a failed library call means (see bot/voice_failures.py) ----------------------------------


def revring_refused_call(what: str, details: dict[str, Any]) -> str:
    return f"RevRing refused to {what}: {_revring_said(details)}. Nothing was changed."


def revring_key_refused(what: str) -> str:
    return (
        f"RevRing turned down the bot's API key, so I couldn't {what}. "
        "An admin needs to put a valid key in the bot's `REVRING_API_KEY` setting and restart it."
    )


def revring_billing_stopped(what: str) -> str:
    return (
        f"RevRing says the organisation's billing is inactive, so I couldn't {what}. "
        "An admin can reactivate billing in the RevRing dashboard; then try again."
    )


def revring_busy_or_away(what: str, reason: str) -> str:
    why = {
        "busy": "RevRing is busy right now (it kept asking me to slow down)",
        "unreachable": "I couldn't reach RevRing",
        "timeout": "RevRing didn't answer in time",
        "server_error": "RevRing had a problem on its side",
        "dropped": "the connection to RevRing dropped",
    }.get(reason, "RevRing turned the request away")
    return f"{why}, so I couldn't {what}. Nothing was changed; please try again in a few minutes."


def revring_maybe_changed(what: str, reason: str) -> str:
    why = {
        "timeout": "it didn't answer in time",
        "server_error": "it had a problem on its side",
        "dropped": "the connection to it dropped",
    }.get(reason, "its answer didn't say whether it worked")
    return (
        f"I asked RevRing to {what}, but {why}, so it may or may not have happened. "
        "Check in the RevRing dashboard, or simply try again: doing it twice does no harm."
    )


def revring_not_allowed(what: str) -> str:
    return f"This RevRing account isn't allowed to {what} through the API. Do it in the RevRing dashboard instead."


def revring_odd_answer(what: str) -> str:
    return f"RevRing answered in a way I didn't understand, so I can't tell whether I could {what}. Please try again."
# --- distribution: the RevRing connection (Home tab), the install pages -----------------------------

REVRING_CONNECT_ACTION = "revring_key_connect"  # opens the key dialog (Connect, or Replace)
REVRING_REMOVE_ACTION = "revring_key_remove"
REVRING_KEY_CALLBACK_ID = "revring_key_dialog"
REVRING_KEY_BLOCK = "revring_key"


def no_revring_key() -> str:
    return (
        "RevRing is not connected for this workspace yet, so nothing was cloned: an admin needs to connect RevRing "
        "in the app's Home tab."
    )


REVRING_CONNECTION_TITLE = "RevRing connection"
REVRING_CONNECT_BUTTON = "Connect RevRing"
REVRING_REPLACE_BUTTON = "Replace key"
REVRING_REMOVE_BUTTON = "Remove key"


def revring_connected_own(shown: str) -> str:
    return f":white_check_mark: Connected to RevRing with this workspace's API key `{shown}`."


def revring_connected_server() -> str:
    return (
        ":white_check_mark: Connected to RevRing through this app's own key. An admin can connect the workspace's "
        "own RevRing organisation instead."
    )


def revring_status_not_connected() -> str:
    return ":warning: Not connected to RevRing: voices cannot be cloned here until an admin connects a RevRing API key."


def revring_who_may_change() -> str:
    return "Only a workspace admin or owner, or the person who installed the app, can change the connection."


def revring_remove_confirm() -> dict[str, Any]:
    return {
        "title": {"type": "plain_text", "text": "Remove the RevRing key?"},
        "text": {"type": "plain_text", "text": "Nobody here can clone voices until a key is connected again."},
        "confirm": {"type": "plain_text", "text": "Remove"},
        "deny": {"type": "plain_text", "text": "Keep it"},
        "style": "danger",
    }


REVRING_KEY_DIALOG_TITLE = "Connect RevRing"
REVRING_KEY_DIALOG_SUBMIT = "Connect"
REVRING_KEY_LABEL = "RevRing API key"
REVRING_KEY_HINT = (
    "From the RevRing dashboard, Settings > API keys. It is checked with RevRing before it is saved, kept encrypted, "
    "and only ever shown by its last four characters."
)


def revring_key_rejected() -> str:
    return "RevRing refused this key. Copy it again from the RevRing dashboard (Settings > API keys)."


def revring_key_billing_inactive() -> str:
    return "RevRing knows this key, but the organisation's billing is inactive. Reactivate it, then connect again."


def revring_key_not_checked() -> str:
    return "RevRing could not be reached to check the key, so it was not saved. Try again in a minute."


def revring_key_not_admin() -> str:
    return revring_who_may_change()


def install_succeeded_page(team_name: str, slack_url: str) -> str:
    return _page(
        "Voice Cloner is installed",
        f"Voice Cloner is now installed in {_html(team_name)}. Open the app's Home tab in Slack to connect RevRing, "
        "then share an audio clip and mention the bot to clone a voice.",
        slack_url, "Open Slack",
    )


def install_failed_page(reason: str, install_url: str) -> str:
    return _page(
        "Voice Cloner was not installed",
        f"The installation did not finish ({_html(reason)}). Nothing was installed. Start again from the "
        f"<a href=\"{_html(install_url)}\">install page</a>; if this keeps happening, ask the app's operator.",
        "https://slack.com/", "Back to Slack",
    )


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _page(title: str, body: str, link: str, link_text: str) -> str:
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body style="font-family: sans-serif; max-width: 40em; margin: 4em auto; line-height: 1.5">'
        f'<h1>{title}</h1><p>{body}</p><p><a href="{_html(link)}">{link_text}</a></p></body></html>'
    )


_INSTALL_FAILURES = {
    "access_denied": "the installation was cancelled on Slack's page",
    "invalid_browser": "this page was not opened in the browser that started the installation",
    "invalid_state": "the installation link has expired (after 10 minutes) or was already used",
    "missing_code": "Slack did not confirm the installation",
    "invalid_code": "Slack did not confirm the installation",
    "storage_error": "the installation could not be saved",
}


def install_failure_reason(reason: str) -> str:
    return _INSTALL_FAILURES.get(reason, "Slack answered with an error")
