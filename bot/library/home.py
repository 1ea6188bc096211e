"""The app's Home tab: a view made of sections (block lists), published for one person with `publish_home`.

Sections: the RevRing connection (bot.workspaces.connection), the buttons (*Clone a voice*, *Design a voice*) and the
voice library. Slack allows 100 blocks a view; a full library page and the connection leave room for more.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.messages import library as library_text
from bot.messages.library import HomeState
from bot.records import Job, Where
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.store import StoreUnavailable, VoiceLibrary
from bot.workspaces.connection import RevRingConnection

log = logging.getLogger(__name__)

async def publish_home(
    client: AsyncWebClient, user_id: str, *, team_id: str, store: VoiceLibrary, settings: Settings,
    state: HomeState = HomeState(), refusal: str | None = None, connection: list[dict[str, Any]] | None = None,
) -> bool:
    """views.publish `user_id`'s Home: the RevRing connection (`connection`, when given) and then the library as
    `state` asks (or, for someone who may not use the bot, `refusal` alone). False when the store or Slack failed
    (logged)."""
    try:
        library = ([library_text.home_refused_blocks(refusal)] if refusal is not None
                   else await _sections(client, user_id, team_id, store, settings, state))
        sections = ([connection] if connection else []) + library
    except StoreUnavailable as error:
        log.warning("home not published: the database is unreachable", extra={"cause": str(error)})
        return False
    try:
        await client.views_publish(user_id=user_id, view=library_text.home_view(sections, state))
    except SLACK_FAILURES as error:
        log.warning("home not published", extra={"slack_error": error_code(error)})
        return False
    return True


async def _sections(client: AsyncWebClient, user_id: str, team_id: str, store: VoiceLibrary, settings: Settings,
                    state: HomeState) -> list[list[dict[str, Any]]]:
    size = library_text.LIBRARY_PAGE_SIZE
    owner = user_id if state.mine else None
    jobs, total = await store.voice_library(team_id, user_id=owner, offset=state.page * size, limit=size)
    if not jobs and state.page > 0 and total:  # the page emptied (voices deleted): show the last one
        state = HomeState(state.mine, (total - 1) // size)
        jobs, total = await store.voice_library(team_id, user_id=owner, offset=state.page * size, limit=size)
    jobs = await _with_permalinks(client, store, jobs)
    return [
        library_text.home_intro_blocks(),
        library_text.library_blocks(jobs, total=total, mine=state.mine, page=state.page,
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


class HomeTab:
    """`publish_home` with every section, for a person of a workspace: when a Slack request asks (`publish`), and,
    given to the Cloner, when a clone made a voice (its requester's Home shows it: their library, first page)."""

    def __init__(self, store: VoiceLibrary, settings: Settings, connection: RevRingConnection) -> None:
        self._store = store
        self._settings = settings
        self._connection = connection

    async def publish(self, client: AsyncWebClient, where: Where, *, state: HomeState = HomeState(),
                      refusal: str | None = None) -> bool:
        connection = await self._connection.blocks(client, where)
        return await publish_home(client, where.user_id, team_id=where.team_id, store=self._store,
                                  settings=self._settings, state=state, refusal=refusal, connection=connection)

    async def __call__(self, client: AsyncWebClient, job: Job) -> None:
        if job.voice_id:
            request = job.request
            await self.publish(client, Where(request.team_id, request.enterprise_id, request.user_id))
