"""The voice library: the Home tab (its view, the buttons at the top, a page of voices), a voice's buttons (*Use in an
agent*, *Delete*), deleting a voice, the notices shown in a small modal, and `/clone-voice list`."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.messages import consent as consent_text
from bot.messages.ids import (
    DELETE_VOICE_ACTION,
    DESIGN_DIALOG_ACTION,
    HOME_SHOW_ACTIONS,
    OPEN_DIALOG_ACTION,
    USE_IN_AGENT_ACTION,
)
from bot.messages.mrkdwn import bold, escape, link, local_time, person, utc_time
from bot.records import Consent, Job, Stage

log = logging.getLogger(__name__)

LIBRARY_PAGE_SIZE = 20  # 3 blocks each, so a page, the buttons and other sections stay under Slack's 100
MAX_BLOCKS = 100  # Slack's limit for one view


@dataclass(frozen=True)
class HomeState:
    """What a person's Home shows: their voices or everyone's, and which page. Carried in the view's
    private_metadata and in the buttons' values as `mine:2` / `everyone:0`."""

    mine: bool = False
    page: int = 0

    def encode(self) -> str:
        return f"{'mine' if self.mine else 'everyone'}:{self.page}"

    @classmethod
    def decode(cls, text: str | None) -> HomeState:
        scope, _, page = (text or "").partition(":")
        return cls(mine=scope == "mine", page=int(page) if page.isdigit() and len(page) < 6 else 0)


def home_view(sections: list[list[dict[str, Any]]], state: HomeState) -> dict[str, Any]:
    """The Home tab: the sections one after another."""
    blocks = [block for section in sections for block in section]
    if len(blocks) > MAX_BLOCKS:  # never happens with the page size; Slack would refuse the whole view
        log.error("home view over Slack's block limit; cut", extra={"blocks": len(blocks)})
        blocks = blocks[:MAX_BLOCKS]
    return {"type": "home", "private_metadata": state.encode(), "blocks": blocks}


def home_intro_blocks() -> list[dict[str, Any]]:
    return [
        {"type": "header", "text": {"type": "plain_text", "text": "Voice library"}},
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": OPEN_DIALOG_ACTION,
                    "value": "{}",
                    "style": "primary",
                    "text": {"type": "plain_text", "text": "Clone a voice"},
                },
                {
                    "type": "button",
                    "action_id": DESIGN_DIALOG_ACTION,
                    "value": "{}",
                    "text": {"type": "plain_text", "text": "Design a voice"},
                },
            ],
        },
    ]


def library_entry_blocks(job: Job, *, agent_updates: bool, consent: Consent | None = None) -> list[dict[str, Any]]:
    """One voice: name and copyable voiceId, language, status, who made it and when, a link to its thread, and the
    speaker's consent when one was asked for."""
    request = job.request
    status = escape(job.voice_status or "ready")
    text = (
        f"{bold(request.name)}  `{escape(job.voice_id or '')}`\n"
        f"Language `{escape(request.language)}` · {status} · made by {person(request.user_id)} "
        f"{local_time(job.created_at)}{link(job.permalink, 'thread')}"
    )
    if consent is not None:
        text += f"\n{consent_text.record_line(consent)}"
    return [
        {"type": "divider"},
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        voice_buttons(job.id, request.name, agent_updates=agent_updates),
    ]


def library_blocks(
    jobs: list[Job],
    *,
    total: int,
    mine: bool,
    page: int,
    agent_updates: bool,
    consents: Mapping[str, Consent] | None = None,
) -> list[dict[str, Any]]:
    """The library section: Mine / Everyone, where this page is, its voices (with their consent), Newer / Older."""

    def show(action: str, label: str, *, to_mine: bool, to_page: int, primary: bool = False) -> dict[str, Any]:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": action,
            "text": {"type": "plain_text", "text": label},
            "value": HomeState(to_mine, to_page).encode(),
        }
        if primary:
            button["style"] = "primary"
        return button

    mine_action, everyone_action, newer_action, older_action = HOME_SHOW_ACTIONS
    blocks: list[dict[str, Any]] = [
        {
            "type": "actions",
            "elements": [
                show(mine_action, "Mine", to_mine=True, to_page=0, primary=mine),
                show(everyone_action, "Everyone", to_mine=False, to_page=0, primary=not mine),
            ],
        },
    ]
    if not jobs:
        empty = (
            "You haven't cloned a voice here yet." if mine else "No voices have been cloned from this workspace yet."
        )
        blocks.append(
            {"type": "section", "text": {"type": "mrkdwn", "text": f"{empty} Press *Clone a voice* to make one."}}
        )
        return blocks
    first = page * LIBRARY_PAGE_SIZE + 1
    whose = "your voices" if mine else "voices of this workspace"
    blocks.append(
        {
            "type": "context",
            "elements": [
                {"type": "mrkdwn", "text": (f"Newest first: {first}–{first + len(jobs) - 1} of {total} {whose}")}
            ],
        }
    )
    for job in jobs:
        consent = (consents or {}).get(job.id)
        blocks.extend(library_entry_blocks(job, agent_updates=agent_updates, consent=consent))
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


def voice_buttons(job_id: str, name: str, *, agent_updates: bool) -> dict[str, Any]:
    """*Use in an agent* (unless AGENT_UPDATES is off) and *Delete*, behind Slack's confirmation, for one voice."""
    elements: list[dict[str, Any]] = []
    if agent_updates:
        elements.append(
            {
                "type": "button",
                "action_id": USE_IN_AGENT_ACTION,
                "value": job_id,
                "text": {"type": "plain_text", "text": "Use in an agent"},
            }
        )
    elements.append(
        {
            "type": "button",
            "action_id": DELETE_VOICE_ACTION,
            "value": job_id,
            "style": "danger",
            "text": {"type": "plain_text", "text": "Delete"},
            "confirm": {
                "title": {"type": "plain_text", "text": "Delete this voice?"},
                "text": {"type": "plain_text", "text": delete_confirmation(name)},
                "confirm": {"type": "plain_text", "text": "Delete"},
                "deny": {"type": "plain_text", "text": "Cancel"},
                "style": "danger",
            },
        }
    )
    return {"type": "actions", "elements": elements}


def delete_confirmation(name: str) -> str:
    # Plain text (Slack's confirmations take no mrkdwn), escaped all the same: Slack reads entities in it too.
    return f"This deletes “{escape(name[:100])}” from RevRing; agents using it will stop working."


# --- Notices in a small modal (a click in the Home tab has no conversation to answer in) -------------


def notice_modal(title: str, text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title[:24]},
        "close": {"type": "plain_text", "text": "Close"},
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}],
    }


# --- Delete a voice --------------------------------------------------------------------------------


def voice_deleted(name: str, voice_id: str, user_id: str, when: float) -> str:
    return (
        f":wastebasket: Voice {bold(name)} (`{escape(voice_id)}`) was deleted from RevRing by "
        f"{person(user_id)} {local_time(when)}."
    )


def voice_deleted_blocks(name: str, voice_id: str, user_id: str, when: float) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": voice_deleted(name, voice_id, user_id, when)}}]


def voice_already_deleted(name: str) -> str:
    return f"{bold(name)} has already been deleted."


def voice_gone(name: str | None = None) -> str:
    what = f"{bold(name)}" if name else "That voice"
    return f"{what} is no longer in the voice library (it was deleted, or my records of it were cleared)."


def only_owner_or_admin(what: str, owner_id: str) -> str:
    return f"Only {person(owner_id)}, who cloned this voice, or a workspace admin can {what} it."


def rights_not_checked() -> str:
    return "I couldn't check with Slack who you are in this workspace, so I changed nothing. Please try again."


# --- /clone-voice list -----------------------------------------------------------------------------

_STAGE_WORDS = {
    "received": "waiting to start",
    "downloading": "in progress",
    "uploading": "in progress",
    "failed": "failed",
    "interrupted": "interrupted",
}


def _job_line(job: Job, consent: Consent | None) -> str:
    request = job.request
    who = person(request.user_id)
    made = utc_time(job.created_at)
    if job.voice_id and job.deleted_at is not None:
        status = f"`{escape(job.voice_id)}` · deleted"
    elif job.voice_id:
        status = f"`{escape(job.voice_id)}` · {escape(job.voice_status or 'ready')}"
    elif job.stage is Stage.AWAITING_CONSENT:
        status = consent_text.waiting_for(request.speaker)
    else:
        status = _STAGE_WORDS.get(str(job.stage), escape(str(job.stage)))
    line = f"• {bold(request.name)} · {status} · {who} · {made}"
    if consent is not None and job.stage is not Stage.AWAITING_CONSENT:
        line += f" · {consent_text.record_line(consent)}"
    return line


def voice_list_text(jobs: list[Job], consents: Mapping[str, Consent] | None = None) -> str:
    if not jobs:
        return "No voices have been cloned from this workspace yet. Type `/clone-voice` to make the first one."
    lines = [_job_line(job, (consents or {}).get(job.id)) for job in jobs]
    return "*Voices cloned from this workspace* (newest first)\n" + "\n".join(lines)


def voice_list_blocks(jobs: list[Job], consents: Mapping[str, Consent] | None = None) -> list[dict[str, Any]]:
    return [{"type": "section", "text": {"type": "mrkdwn", "text": voice_list_text(jobs, consents)[:3000]}}]
