"""A job this runner holds, whatever brought it here: a new request or Try again runs; a job taken over after a
restart or from an instance that stopped is delivered, explained or run again."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from bot import failures
from bot.records import Job, Stage

if TYPE_CHECKING:
    from bot.cloning import Cloner

log = logging.getLogger(__name__)


async def resume(cloner: Cloner, client: AsyncWebClient, job: Job) -> None:
    """Show an answer Slack never showed; explain a clone cut off while it was being sent (RevRing may have made
    the voice, so it is not sent again blindly); run the rest, from the download."""
    if job.answer is not None:
        log.info("delivering an answer that was cut off", extra={"job": job.id})
        await cloner.deliver(client, job)
    elif job.stage is Stage.UPLOADING:
        log.warning("job was cut off during the upload; asking the person", extra={"job": job.id})
        await cloner.fail(client, job, failures.interrupted_by_restart(job.request.name), Stage.INTERRUPTED)
    else:
        if job.stage is not Stage.RECEIVED:
            log.info("job resumes", extra={"job": job.id, "stage": str(job.stage)})
        await cloner.run(client, job)
