"""Designing a voice from words (`/clone-voice design`, the Home tab's *Design a voice*): how to ask, the design
thread and its candidates, the design and *Save as a voice* dialogs, and why a design gave no candidates."""

from __future__ import annotations

from typing import Any

from bot.messages.clone_dialog import language_block
from bot.messages.ids import (
    COUNT_BLOCK,
    DESCRIPTION_BLOCK,
    DESIGN_CALLBACK_ID,
    FIELD_ACTION,
    NAME_BLOCK,
    SAVE_CALLBACK_ID,
    SAVE_CANDIDATE_ACTION,
)
from bot.messages.mrkdwn import escape, person
from bot.messages.revring_said import not_answered, said, turned_away

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


def design_started(count: int) -> str:
    return f"Designing {_candidates(count)} from your description… they'll appear in a thread here."


def designs_busy() -> str:
    """Every design slot of this instance is taken (MAX_CONCURRENT_CLONES): nothing was sent or counted."""
    return "I'm designing as many voices as I can at once right now. Please try again in a minute."


def over_the_design_limit(limit: int, retry_after_seconds: float) -> str:
    """The answer to a person over DESIGNS_PER_HOUR, from the command or the dialog: nothing was sent."""
    minutes = max(round(retry_after_seconds / 60), 1)
    designs = "1 design" if limit == 1 else f"{limit} designs"
    return (
        f"You've asked for {designs} in the last hour, which is the most allowed. "
        f"You can design again in about {minutes} minute{'s' if minutes != 1 else ''}."
    )


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
    who = person(user_id, "Someone")
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


def only_designer_or_admin(designer_id: str) -> str:
    return f"Only {person(designer_id)}, who asked for this design, or a workspace admin can save it."


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
                    "type": "plain_text_input",
                    "action_id": FIELD_ACTION,
                    "multiline": True,
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
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "The previews arrive in your DM with me; save the one you like within an hour.",
                    }
                ],
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
                "type": "input",
                "block_id": NAME_BLOCK,
                "label": {"type": "plain_text", "text": "Voice name"},
                "element": {
                    "type": "plain_text_input",
                    "action_id": FIELD_ACTION,
                    "max_length": 100,
                    "placeholder": {"type": "plain_text", "text": "e.g. Support line"},
                },
            },
            language_block(default_language),
        ],
    }


# --- Why a design gave no candidates ---------------------------------------------------------------


def design_invalid_body(details: dict[str, Any]) -> str:
    return f"RevRing couldn't design voices from that description: {said(details)}. Reword it and try again."


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
    return f"{turned_away(reason)}, so nothing was designed. Please try again in a few minutes."


def design_no_answer(reason: str) -> str:
    what = not_answered(reason, otherwise="RevRing's answer didn't say what it made")
    return f"{what}, so I have no candidates to show. No voice was saved; please try again in a minute."


def design_unreadable() -> str:
    return "RevRing answered with candidates I couldn't read, so there is nothing to show. Please try again."


def design_failed() -> str:
    return "Something went wrong on my side and nothing was designed. Please try again."
