"""The "Clone a voice" Workflow Builder step: a run is a clone request like any other, submitted the same way (the
same access rules, hourly limit, file and RevRing checks, one job however often Slack delivers the event), and its
job completes or fails the step when it ends (`bot.cloning.workflow_step`). What stops a run before it is a job
fails the step here, with Bolt's `fail`, in the words a person would read.

The execution's own token (Bolt's client here) reads the step's inputs and ends the step; the job itself runs with
the workspace's bot token, as every job does, whichever instance runs it."""

from __future__ import annotations

import logging

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning import workflow_step
from bot.cloning.command_text import clean_name, language_code
from bot.listeners.access_guard import actor_of
from bot.listeners.body import StepInputs, incoming, step_inputs, step_request
from bot.listeners.services import Services, services
from bot.messages import clone as clone_text
from bot.messages import clone_failures, mrkdwn
from bot.messages import workflow as workflow_text
from bot.records import Admission, Admitted, Stage
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.slack.shapes import shared_file
from bot.store import StoreUnavailable
from bot.workspaces.slack_clients import with_token

log = logging.getLogger(__name__)

_GONE = {"file_not_found", "file_deleted", "access_denied", "not_in_channel", "channel_not_found"}


async def handle_clone_voice_step(
    event: dict, client: AsyncWebClient, context: AsyncBoltContext, complete: AsyncComplete, fail: AsyncFail
) -> None:
    step = step_inputs(event)
    if step is None:
        return
    shared = services(context)
    try:
        # Slack redelivers events it thinks were missed; one step run is handled once.
        if not await shared.store.claim(f"function:{incoming(context).team_id}:{step.execution_id}"):
            log.info("workflow step run already taken in", extra={"execution": step.execution_id})
            return
        error = await _start(shared, step, client, context, complete)
    except StoreUnavailable as trouble:
        log.warning("workflow step refused: the database is unreachable", extra={"cause": str(trouble)})
        error = clone_text.database_unavailable()
    if error is not None:
        try:
            await fail(error=mrkdwn.plain(error))
        except SLACK_FAILURES as refused:
            log.warning("workflow step not failed: Slack refused", extra={"slack_error": error_code(refused)})


async def _start(
    shared: Services, step: StepInputs, client: AsyncWebClient, context: AsyncBoltContext, complete: AsyncComplete
) -> str | None:
    """Take the run in as a job; the sentence to fail the step with when it cannot be one."""
    name = clean_name(step.name)
    if not (step.file_id and step.requester and name):
        return workflow_text.missing_inputs()
    language = language_code(step.language) if step.language else None
    if step.language and language is None:
        return clone_text.bad_language(step.language[:20])
    # The job runs with the workspace's bot token, like every job; Bolt's client carries the execution's token.
    bot = with_token(client, context.bot_token) if context.bot_token else client
    channel = step.channel_id or None
    refusal = await shared.access.refusal(
        bot, actor_of(context, step.requester, channel, outside_conversations=channel is None)
    )
    if refusal is not None:
        return refusal
    try:
        found = await client.files_info(file=step.file_id)
    except SLACK_FAILURES as error:
        code = error_code(error)
        log.info("workflow step's recording not read", extra={"slack_error": code})
        return clone_failures.file_out_of_reach() if code in _GONE else clone_failures.download_failed()
    request = step_request(
        incoming(context),
        step,
        shared_file(found.get("file") or {}),
        name=name,
        language=language,
        default_language=shared.settings.default_language,
        sealed_token=shared.steps.seal(step.token),
    )
    admitted = await shared.cloner.submit(bot, request)
    if admitted.job is not None:
        shared.step_deadlines.watch(bot, admitted.job)
    return await _not_started(shared, step, admitted, complete)


async def _not_started(shared: Services, step: StepInputs, admitted: Admitted, complete: AsyncComplete) -> str | None:
    if admitted.outcome is Admission.RATE_LIMITED:
        return clone_text.over_the_hourly_limit(shared.settings.clones_per_hour, admitted.retry_after_seconds)
    existing = admitted.existing
    if admitted.outcome is not Admission.DUPLICATE or existing is None:
        return None
    if existing.request.step is not None and existing.request.step.execution_id == step.execution_id:
        return None  # this very run, taken in already: its job ends the step
    if existing.stage is Stage.DONE and existing.voice_id:
        # The same recording made a voice a moment ago: that voice is this run's outcome too.
        await complete(outputs=workflow_step.outputs(existing))
        return None
    return clone_text.already_cloning_file()
