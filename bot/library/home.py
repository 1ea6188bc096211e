"""The app's Home tab: a view made of sections (block lists), published for one person with `publish_home`.

Sections: the RevRing connection (bot.workspaces.connection), the buttons (*Clone a voice*, *Design a voice*) and the
voice library. Slack allows 100 blocks a view; a full library page and the connection leave room for more.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot import messages
from bot.config import Settings
from bot.records import Job
from bot.services import Services
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.store import StoreUnavailable, VoiceLibrary
from bot.workspaces.connection import connection_blocks
from bot.workspaces.revring_accounts import RevRingAccounts

log = logging.getLogger(__name__)

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


async def publish_home(
    client: AsyncWebClient, user_id: str, *, team_id: str, store: VoiceLibrary, settings: Settings,
    state: HomeState = HomeState(), refusal: str | None = None, connection: list[dict[str, Any]] | None = None,
) -> bool:
    """views.publish `user_id`'s Home: the RevRing connection (`connection`, when given) and then the library as
    `state` asks (or, for someone who may not use the bot, `refusal` alone). False when the store or Slack failed
    (logged)."""
    try:
        library = ([messages.home_refused_blocks(refusal)] if refusal is not None
                   else await _sections(client, user_id, team_id, store, settings, state))
        sections = ([connection] if connection else []) + library
    except StoreUnavailable as error:
        log.warning("home not published: the database is unreachable", extra={"cause": str(error)})
        return False
    try:
        await client.views_publish(user_id=user_id, view=home_view(sections, state))
    except SLACK_FAILURES as error:
        log.warning("home not published", extra={"slack_error": error_code(error)})
        return False
    return True


async def _sections(client: AsyncWebClient, user_id: str, team_id: str, store: VoiceLibrary, settings: Settings,
                    state: HomeState) -> list[list[dict[str, Any]]]:
    size = messages.LIBRARY_PAGE_SIZE
    owner = user_id if state.mine else None
    jobs, total = await store.voice_library(team_id, user_id=owner, offset=state.page * size, limit=size)
    if not jobs and state.page > 0 and total:  # the page emptied (voices deleted): show the last one
        state = HomeState(state.mine, (total - 1) // size)
        jobs, total = await store.voice_library(team_id, user_id=owner, offset=state.page * size, limit=size)
    jobs = await _with_permalinks(client, store, jobs)
    return [
        messages.home_intro_blocks(),
        messages.library_blocks(jobs, total=total, mine=state.mine, page=state.page,
                                agent_updates=settings.agent_updates),
    ]


async def _with_permalinks(client: AsyncWebClient, store: VoiceLibrary, jobs: list[Job]) -> list[Job]:
    """Each job with the link to its message: chat.getPermalink (no scope needed) once per job, then kept."""

    async def linked(job: Job) -> Job:
        if job.permalink or not (job.reply_channel and job.reply_ts):
            return job
        try:
            response = await client.chat_getPermalink(channel=job.reply_channel, message_ts=job.reply_ts)
        except SLACK_FAILURES as error:
            log.info("no permalink for a job's message", extra={"job": job.id, "slack_error": error_code(error)})
            return job
        url = str(response.get("permalink") or "")
        if not url:
            return job
        await store.set_permalink(job.id, url)
        return replace(job, permalink=url)

    return list(await asyncio.gather(*(linked(job) for job in jobs)))


async def publish_home_for(
    shared: Services, client: AsyncWebClient, user_id: str, *, team_id: str, enterprise_id: str | None,
    state: HomeState = HomeState(), refusal: str | None = None,
) -> bool:
    """`publish_home` with every section, for a person of the workspace a Slack request came from."""
    connection = await connection_blocks(shared.revring, shared.settings, shared.installations, client, team_id,
                                         enterprise_id, user_id)
    return await publish_home(client, user_id, team_id=team_id, store=shared.store, settings=shared.settings,
                              state=state, refusal=refusal, connection=connection)


class HomeRefresher:
    """Given to the Cloner: when a clone made a voice, its requester's Home shows it (their library, first page)."""

    def __init__(self, store: VoiceLibrary, settings: Settings, accounts: RevRingAccounts,
                 installations: AsyncInstallationStore | None) -> None:
        self._store = store
        self._settings = settings
        self._accounts = accounts
        self._installations = installations

    async def __call__(self, client: AsyncWebClient, job: Job) -> None:
        if job.voice_id:
            request = job.request
            connection = await connection_blocks(self._accounts, self._settings, self._installations, client,
                                                 request.team_id, request.enterprise_id, request.user_id)
            await publish_home(client, request.user_id, team_id=request.team_id, store=self._store,
                               settings=self._settings, connection=connection)
