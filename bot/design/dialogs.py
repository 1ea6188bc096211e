"""The two dialogs of a voice design: *Design a voice* (the description and how many candidates) and *Save as a
voice…* (the name and language of the voice made from one candidate); opening them, reading what came back, and who
may save a candidate."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.access.rights import may_act
from bot.cloning.command_text import clean_name
from bot.config import LANGUAGE_PATTERN, Settings
from bot.design.thread import DEFAULT_CANDIDATES, description_problem
from bot.messages import clone_dialog as dialog_text
from bot.messages import design as design_text
from bot.messages import ids
from bot.messages import library as library_text
from bot.records import DesignCandidate, Where
from bot.revring import MAX_CANDIDATES, MAX_INSTRUCTION_LENGTH
from bot.slack.api_errors import SLACK_FAILURES, error_code

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SaveTarget:
    """Which candidate a *Save as a voice…* dialog saves, carried in its private_metadata. `channel_id` (the design
    thread's conversation) is read by the access guard as a dialog's channel; `message_ts` is the message with the
    button, which gets the clone's reactions."""

    candidate_id: str
    channel_id: str
    message_ts: str | None = None

    def to_metadata(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_metadata(cls, metadata: str) -> SaveTarget | None:
        try:
            data = json.loads(metadata or "")
            return cls(str(data["candidate_id"]), str(data["channel_id"]), data.get("message_ts"))
        except (ValueError, TypeError, KeyError, AttributeError):
            return None


@dataclass(frozen=True)
class Design:
    description: str
    count: int


@dataclass(frozen=True)
class Save:
    name: str
    language: str


async def open_design_dialog(client: AsyncWebClient, trigger_id: str, user_id: str) -> bool:
    """views.open at once (a trigger_id lives 3 seconds); the design goes to the person's DM. False if refused."""
    view = design_text.design_dialog(
        # The same shape as the clone dialog's target, so the access guard reads the conversation the same way.
        metadata=json.dumps({"channel_id": user_id}, separators=(",", ":")),
        max_chars=MAX_INSTRUCTION_LENGTH,
        max_candidates=MAX_CANDIDATES,
        default_count=DEFAULT_CANDIDATES,
    )
    return await _open(client, trigger_id, view)


async def open_save_dialog(
    client: AsyncWebClient, trigger_id: str, settings: Settings, target: SaveTarget, number: int
) -> bool:
    view = design_text.save_candidate_dialog(
        metadata=target.to_metadata(), number=number, default_language=settings.default_language
    )
    return await _open(client, trigger_id, view)


async def _open(client: AsyncWebClient, trigger_id: str, view: dict[str, Any]) -> bool:
    try:
        await client.views_open(trigger_id=trigger_id, view=view)
    except SLACK_FAILURES as error:
        log.warning("dialog not opened", extra={"slack_error": error_code(error)})
        return False
    return True


def _field(view: dict[str, Any], block: str) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return (values.get(block) or {}).get(ids.FIELD_ACTION) or {}


def read_design(view: dict[str, Any]) -> tuple[Design | None, dict[str, str]]:
    """The description and count, or inline errors keyed by block id."""
    description = str(_field(view, ids.DESCRIPTION_BLOCK).get("value") or "").strip()
    problem = description_problem(description)
    if problem is not None:
        return None, {ids.DESCRIPTION_BLOCK: problem}
    chosen = str((_field(view, ids.COUNT_BLOCK).get("selected_option") or {}).get("value") or "")
    count = int(chosen) if chosen.isdigit() and 1 <= int(chosen) <= MAX_CANDIDATES else DEFAULT_CANDIDATES
    return Design(description, count), {}


def read_save(view: dict[str, Any], settings: Settings) -> tuple[Save | None, dict[str, str]]:
    """The voice's name and language, or inline errors keyed by block id."""
    name = clean_name(str(_field(view, ids.NAME_BLOCK).get("value") or ""))
    if not name:
        return None, {ids.NAME_BLOCK: dialog_text.dialog_needs_name()}
    language = str((_field(view, ids.LANGUAGE_BLOCK).get("selected_option") or {}).get("value") or "")
    if not LANGUAGE_PATTERN.fullmatch(language.lower()):
        language = settings.default_language
    return Save(name, language), {}


async def save_refusal(client: AsyncWebClient, where: Where, candidate: DesignCandidate) -> str | None:
    """Why `where.user_id` may not save `candidate`; None when they may: the person who asked for the design, or an
    admin of its workspace (bot.access.rights), checked on the click and again on the submission."""
    allowed = await may_act(client, where, owner_id=candidate.user_id)
    if allowed is None:
        return library_text.rights_not_checked()
    return None if allowed else design_text.only_designer_or_admin(candidate.user_id)
