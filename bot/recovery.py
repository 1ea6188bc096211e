"""After a restart: what an earlier run of the bot left behind is delivered, explained or run again."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from bot import failures
from bot.metrics import Metrics
from bot.records import Stage
from bot.store import RequestStore

if TYPE_CHECKING:
    from bot.cloning import Cloner

log = logging.getLogger(__name__)


async def recover(cloner: Cloner, store: RequestStore, runner: str, client: AsyncWebClient, metrics: Metrics) -> None:
    """Take over the jobs an earlier run left: show an answer Slack never showed; explain a clone cut off while it
    was being sent (RevRing may have made the voice, so it is not sent again blindly); run the rest again."""
    # Only what an earlier run left is taken: a request admitted (or a Try again) since this start is this
    # runner's already and is not touched, however long the deliveries below take.
    for job in await store.take_abandoned(runner):
        metrics.takeover()
        if job.answer is not None:
            log.info("delivering an answer that a restart cut off", extra={"job": job.id})
            await cloner.deliver(client, job)
        elif job.stage is Stage.UPLOADING:
            log.warning("job was cut off during the upload; asking the person", extra={"job": job.id})
            await cloner.fail(client, job, failures.interrupted_by_restart(job.request.name), Stage.INTERRUPTED)
        else:
            log.info("job resumes", extra={"job": job.id, "stage": str(job.stage)})
            cloner.start(client, job)
