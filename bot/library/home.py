"""The app's Home tab: a view made of sections (block lists), published for one person with `publish_home`.

Sections: the RevRing connection (bot.workspaces.connection), the buttons (*Clone a voice*, *Design a voice*) and the
voice library. Slack allows 100 blocks a view; a full library page and the connection leave room for more.

After a clone made a voice, its requester's Home is published again, at most once every REFRESH_SECONDS per person:
the first answer refreshes it at once, the answers that follow within the interval are shown together by one
refresh at its end. (Opening the Home tab, or a click in it, publishes at once, as always.)
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.messages import library as library_text
from bot.messages.library import HomeState
from bot.records import Job, Where
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.store import ConsentBook, StoreUnavailable, VoiceLibrary
from bot.workspaces.connection import RevRingConnection

log = logging.getLogger(__name__)


class Library(VoiceLibrary, ConsentBook, Protocol):
    """The voices, and the speakers' consents the library shows with them."""


REFRESH_SECONDS = 3.0  # a person's Home is refreshed after their clones at most this often


async def publish_home(
    client: AsyncWebClient,
    user_id: str,
    *,
    team_id: str,
    store: Library,
    settings: Settings,
    state: HomeState = HomeState(),
    refusal: str | None = None,
    connection: list[dict[str, Any]] | None = None,
) -> bool:
    """views.publish `user_id`'s Home: the RevRing connection (`connection`, when given) and then the library as
    `state` asks (or, for someone who may not use the bot, `refusal` alone). False when the store or Slack failed
    (logged)."""
    try:
        library = (
            [library_text.home_refused_blocks(refusal)]
            if refusal is not None
            else await _sections(client, user_id, team_id, store, settings, state)
        )
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


async def _sections(
    client: AsyncWebClient, user_id: str, team_id: str, store: Library, settings: Settings, state: HomeState
) -> list[list[dict[str, Any]]]:
    size = library_text.LIBRARY_PAGE_SIZE
    owner = user_id if state.mine else None
    jobs, total = await store.voice_library(team_id, user_id=owner, offset=state.page * size, limit=size)
    if not jobs and state.page > 0 and total:  # the page emptied (voices deleted): show the last one
        state = HomeState(state.mine, (total - 1) // size)
        jobs, total = await store.voice_library(team_id, user_id=owner, offset=state.page * size, limit=size)
    jobs = await _with_permalinks(client, store, jobs)
    consents = await store.consents_of([job.id for job in jobs])
    return [
        library_text.home_intro_blocks(),
        library_text.library_blocks(
            jobs,
            total=total,
            mine=state.mine,
            page=state.page,
            agent_updates=settings.agent_updates,
            consents=consents,
        ),
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
    given to the Cloner, when a clone made a voice (its requester's Home shows it: their library, first page; at
    most once every REFRESH_SECONDS per person)."""

    def __init__(
        self,
        store: Library,
        settings: Settings,
        connection: RevRingConnection,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._settings = settings
        self._connection = connection
        self._clock = clock
        self._every = REFRESH_SECONDS
        self._refreshed: dict[Where, float] = {}  # when each person's Home was last refreshed after a clone
        self._due: dict[Where, asyncio.Task[None]] = {}  # a refresh waiting for the end of the interval

    async def publish(
        self, client: AsyncWebClient, where: Where, *, state: HomeState = HomeState(), refusal: str | None = None
    ) -> bool:
        connection = await self._connection.blocks(client, where)
        return await publish_home(
            client,
            where.user_id,
            team_id=where.team_id,
            store=self._store,
            settings=self._settings,
            state=state,
            refusal=refusal,
            connection=connection,
        )

    async def __call__(self, client: AsyncWebClient, job: Job) -> None:
        """After an answer: a voice made refreshes its requester's Home, now or at the end of the interval."""
        if not job.voice_id:
            return
        request = job.request
        where = Where(request.team_id, request.enterprise_id, request.user_id)
        if where in self._due:
            return  # the refresh already waiting shows this voice too
        wait = self._refreshed.get(where, -math.inf) + self._every - self._clock()
        if wait > 0:
            self._due[where] = asyncio.create_task(self._refresh_later(client, where, wait))
            return
        await self._refresh(client, where)

    async def _refresh(self, client: AsyncWebClient, where: Where) -> None:
        now = self._clock()
        if len(self._refreshed) > 1000:  # forget those whose interval is over
            self._refreshed = {who: at for who, at in self._refreshed.items() if at + self._every > now}
        self._refreshed[where] = now
        await self.publish(client, where)

    async def _refresh_later(self, client: AsyncWebClient, where: Where, wait: float) -> None:
        try:
            await asyncio.sleep(wait)
        finally:
            self._due.pop(where, None)
        try:
            await self._refresh(client, where)
        except Exception:
            log.exception("home refresh failed")

    async def close(self) -> None:
        """Refreshes still waiting are dropped (the person's next visit to the Home tab publishes it anyway)."""
        waiting = list(self._due.values())
        self._due.clear()
        for task in waiting:
            task.cancel()
        await asyncio.gather(*waiting, return_exceptions=True)
