"""A job as people see it in Slack: one message in the file's thread (or the person's DM), edited from progress
into the answer, and the reactions on the file's message. Knows Block Kit and Slack's errors, nothing of storage."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.messages import clone as clone_text
from bot.ops.metrics import Metrics
from bot.records import Answer, CloneRequest, Job
from bot.slack.api_errors import CANNOT_POST_HERE, SLACK_FAILURES, error_code, outage_cause

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """Where a job's message went: the channel asked for, or the person's DM with the bot."""

    channel: str
    ts: str


class SlackPresenter:
    """`spawn` runs a coroutine beside the clone (reactions are a courtesy and never hold a clone up); `metrics`
    counts the failures that say Slack is in trouble."""

    def __init__(self, spawn: Callable[[Coroutine[Any, Any, None]], object], metrics: Metrics) -> None:
        self._spawn = spawn
        self._metrics = metrics

    async def progress(self, client: AsyncWebClient, job: Job, text: str) -> Reply | None:
        """Show `text` in the job's one message: edit it if it exists, else post it. Returns where a new message was
        posted (to be remembered with the job), None when the existing one was edited or nothing could be posted."""
        if _nowhere(job):
            return None  # a workflow step that named no channel: no message at all
        blocks = clone_text.progress_blocks(text)
        if job.reply_channel and job.reply_ts:
            try:
                await client.chat_update(channel=job.reply_channel, ts=job.reply_ts, text=text, blocks=blocks)
                return None
            except SLACK_FAILURES as error:
                self._failed(error)
                log.warning("progress message not edited", extra={"slack_error": error_code(error)})
        return await self.post(client, job.request, text, blocks)

    async def answer(self, client: AsyncWebClient, job: Job, answer: Answer) -> bool:
        """Edit the progress message into the answer (or post it if there is none) and set the reaction; False when
        Slack could not be made to show it."""
        if _nowhere(job):
            return True  # a workflow step that named no channel: its answer goes to the step alone
        delivered = False
        if job.reply_channel and job.reply_ts:
            try:
                await client.chat_update(
                    channel=job.reply_channel, ts=job.reply_ts, text=answer.text, blocks=answer.blocks
                )
                delivered = True
            except SLACK_FAILURES as error:
                self._failed(error)
                log.warning("progress message not edited", extra={"slack_error": error_code(error)})
        if not delivered:
            delivered = await self.post(client, job.request, answer.text, answer.blocks) is not None
        if not delivered:
            return False
        done = clone_text.REACTION_DONE if answer.ok else clone_text.REACTION_FAILED
        # A retried job may carry the ❌ of its earlier attempt.
        stale = (clone_text.REACTION_FAILED,) if job.retries and answer.ok else ()
        self.react(client, job.request, remove=(clone_text.REACTION_WORKING, *stale), add=done)
        return True

    async def post(self, client: AsyncWebClient, request: CloneRequest, text: str, blocks: list) -> Reply | None:
        """Post in the requested channel or thread; where the bot may not post, or a workflow step named no channel
        (consent is asked all the same), in the person's DM."""
        try:
            response = await client.chat_postMessage(
                channel=request.channel_id or request.user_id, thread_ts=request.thread_ts, text=text, blocks=blocks
            )
        except SLACK_FAILURES as error:
            self._failed(error)
            if error_code(error) not in CANNOT_POST_HERE:
                log.warning("message not posted", extra={"slack_error": error_code(error)})
                return None
            log.info("cannot post there; answering in a DM", extra={"slack_error": error_code(error)})
            try:
                response = await client.chat_postMessage(channel=request.user_id, text=text, blocks=blocks)
            except SLACK_FAILURES as dm_error:
                self._failed(dm_error)
                log.error("DM not posted either", extra={"slack_error": error_code(dm_error)})
                return None
        return Reply(str(response.get("channel") or request.channel_id), str(response.get("ts")))

    def react(
        self, client: AsyncWebClient, request: CloneRequest, *, add: str | None = None, remove: tuple[str, ...] = ()
    ) -> None:
        """Change the reactions on the file's message, beside the clone, never in its way."""
        if request.message_ts is not None:
            self._spawn(self._react(client, request, add=add, remove=remove))

    async def _react(
        self, client: AsyncWebClient, request: CloneRequest, *, add: str | None, remove: tuple[str, ...]
    ) -> None:
        changes: list[tuple[Callable[..., Awaitable[Any]], str]] = [(client.reactions_remove, name) for name in remove]
        if add:
            changes.append((client.reactions_add, add))
        for method, name in changes:
            try:
                await method(channel=request.channel_id, timestamp=request.message_ts, name=name)
            except SLACK_FAILURES as error:
                self._failed(error)
                log.debug("reaction not changed", extra={"reaction": name, "slack_error": error_code(error)})

    def _failed(self, error: BaseException) -> None:
        cause = outage_cause(error)
        if cause is not None:
            self._metrics.upstream_failure("slack", cause)


def _nowhere(job: Job) -> bool:
    """A workflow step's job with no progress channel and no message of its own yet (the DM that asked its speaker
    for consent is one): nothing to show, anywhere."""
    return not job.request.channel_id and not (job.reply_channel and job.reply_ts)
