"""Every sentence a person sees, and the Block Kit built around them.

Anything a person or RevRing wrote goes through `escape()` before it is placed in mrkdwn, so it can
never ping a channel, a user group or a person, or become a link.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.audio import AudioLimits, AudioNote, PreparedAudio

if TYPE_CHECKING:
    from bot.records import Job

FORMATS = "MP3, M4A, WAV, OGG, FLAC or WebM"
REACTION_WORKING = "hourglass_flowing_sand"
REACTION_DONE = "white_check_mark"
REACTION_FAILED = "x"

# Block Kit ids the listeners match on.
DIALOG_CALLBACK_ID = "clone_voice_dialog"
SHORTCUT_CALLBACK_ID = "clone_voice_from_message"
OPEN_DIALOG_ACTION = "open_clone_dialog"
RETRY_ACTION = "retry_clone"
NAME_BLOCK, LANGUAGE_BLOCK, AUDIO_BLOCK, CONSENT_BLOCK = "name", "language", "audio", "consent"
FIELD_ACTION = "value"
DIALOG_FILETYPES = ["mp3", "m4a", "mp4", "wav", "ogg", "oga", "opus", "flac", "webm", "aac"]
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
    name: str, voice_id: str, language: str, status: str, *, note: str | None = None
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
    return blocks


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
    chosen = language or default_language
    options = dict(LANGUAGES)
    for code in (default_language, chosen):
        options.setdefault(code, code)

    def option(code: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": f"{options[code]} ({code})"[:75]}, "value": code}

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
            {
                "type": "input",
                "block_id": LANGUAGE_BLOCK,
                "label": {"type": "plain_text", "text": "Language"},
                "element": {
                    "type": "static_select",
                    "action_id": FIELD_ACTION,
                    "options": [option(code) for code in options][:100],
                    "initial_option": option(chosen),
                },
            },
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
    if job.voice_id:
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


def revring_not_connected() -> str:
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


def revring_key_refused() -> str:
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
