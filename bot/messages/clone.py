"""Clone answers: how to ask for a clone, what happens to the request (waiting for the file, cloning, queued), the
voice it made, and the answers to *Try again*, to a file already being cloned and to a person over the hourly
limit. Why a clone did not happen is in `clone_failures`."""

from __future__ import annotations

from typing import Any

from bot.audio_formats import AUDIO_FORMATS
from bot.messages.ids import OPEN_DIALOG_ACTION, RETRY_ACTION
from bot.messages.library import voice_buttons
from bot.messages.mrkdwn import bold, escape
from bot.records import SharedFile

_LABELS = [kind.label for kind in AUDIO_FORMATS]
FORMATS = f"{', '.join(_LABELS[:-1])} or {_LABELS[-1]}"  # MP3, M4A, WAV, OGG, FLAC or WebM

REACTION_WORKING = "hourglass_flowing_sand"
REACTION_DONE = "white_check_mark"
REACTION_FAILED = "x"
_HEARD_CHARS = 150  # of Slack's transcription shown while cloning


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
        "Add `lang=es` to pick the language (default shown in the dialog), and `voice=@ana` (or `voice=me`) to say "
        "whose voice it is: where the workspace asks speakers for their consent, they are asked before anything is "
        "cloned.\n"
        f"RevRing needs one speaker, about 10–30 seconds. Formats: {FORMATS}; up to {max_mb} MB."
    )


def bad_language(code: str) -> str:
    return f"`{escape(code)}` isn't a language code I know. Use a code such as `lang=en`, `lang=es` or `lang=pt-BR`."


def waiting_for_file(name: str, language: str, minutes: int) -> str:
    return (
        f"Got it. Share an audio file in this channel within {minutes} minutes and I'll clone it as "
        f"{bold(name)} (language `{escape(language)}`). I'll answer in the file's thread."
    )


def waiting_for_file_blocks(name: str, language: str, minutes: int, button_value: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": waiting_for_file(name, language, minutes)}},
        _dialog_button(button_value),
    ]


def not_a_member(name: str) -> str:
    return (
        f"I'm not in this conversation, so I can't see files shared here. To clone {bold(name)}, "
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
        f"Cloning your file {bold(file_name)} as {bold(name)} (language `{escape(language)}`). "
        "Follow along in the file's thread."
    )


def no_audio_in_message() -> str:
    return (
        "That message has no audio file, so there is nothing to clone. Use this on a message with a recording "
        f"({FORMATS}), or type `/clone-voice` to upload one."
    )


def cloning(name: str, *, heard: str | None = None, file: SharedFile | None = None) -> str:
    """Progress; with the first words Slack heard in the clip (so the person sees it is the right one), and the
    language it heard when that chose the voice's."""
    text = f":hourglass_flowing_sand: Cloning {bold(name)}…"
    if heard:
        text += f" {heard_language(heard)}."
    if file is not None and file.transcription == "complete" and file.heard_words.strip():
        words = " ".join(file.heard_words.split())
        more = "…" if file.heard_more or len(words) > _HEARD_CHARS else ""
        text += f"\nSlack heard: “{escape(words[:_HEARD_CHARS].rstrip())}{more}”"
    return text


def heard_language(language: str) -> str:
    return f"language `{escape(language)}` (from Slack's transcription)"


def queued(name: str, ahead: int) -> str:
    others = "1 other clone" if ahead == 1 else f"{ahead} other clones"
    return f":hourglass: {bold(name)} is queued behind {others}; it starts on its own as soon as there is room."


def progress_blocks(text: str) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]


def voice_ready_text(name: str, voice_id: str, language: str, status: str) -> str:
    return f"Voice {bold(name)} created: `{escape(voice_id)}` (language `{escape(language)}`, status {escape(status)})"


def voice_ready_blocks(
    name: str,
    voice_id: str,
    language: str,
    status: str,
    *,
    note: str | None = None,
    job_id: str | None = None,
    agent_updates: bool = True,
    heard: bool = False,
) -> list[dict[str, Any]]:
    """`heard`: the language is the one Slack's transcription of the clip heard."""
    headline = {
        "ready": f":white_check_mark: Voice {bold(name)} is ready.",
        "processing": f":white_check_mark: Voice {bold(name)} was created and RevRing is still processing it.",
        "failed": f":warning: Voice {bold(name)} was created but RevRing marked it as failed.",
    }.get(status, f":white_check_mark: Voice {bold(name)} was created.")
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {
            "type": "rich_text",
            "elements": [{"type": "rich_text_preformatted", "elements": [{"type": "text", "text": voice_id}]}],
        },
        {
            "type": "section",
            "fields": [
                {
                    "type": "mrkdwn",
                    "text": f"*Language*\n`{escape(language)}`" + (" (from Slack's transcription)" if heard else ""),
                },
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


def database_unavailable() -> str:
    """The one answer to a request that arrived while the database could not be reached (any way in)."""
    return ":warning: I can't take new clones for a moment; try again in a minute."


def retry_already_running() -> str:
    return "That clone is already running again; its result will appear in the same message."


def retry_already_cloned(name: str, voice_id: str) -> str:
    return (
        f"That file has made a voice since: {bold(name)}, `{escape(voice_id)}`. I didn't clone it again; "
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
