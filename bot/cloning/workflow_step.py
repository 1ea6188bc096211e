"""A clone asked for by a Workflow Builder step ("Clone a voice", `functions.clone_voice` in manifest.yml): how its
job ends the step. The request carries the step run (`CloneRequest.step`); the job runs as any other, and its answer,
once shown (in the workflow's progress channel, or nowhere when it named none), is handed to the step: completed with
the voice's outputs, or failed with the sentence a person would read in the thread.

The execution's own token (Slack's `bot_access_token`) completes the step, as Bolt's `complete` / `fail` would in
the listener. It is a secret: it is kept in the job's record only encrypted (ENCRYPTION_KEY in distribution mode;
with one workspace, a key derived from SLACK_BOT_TOKEN, which every instance holds and the database does not), so a
restart or another instance can still complete the step, and it is never logged. Slack revokes it once the step is
completed, and after 15 minutes at the latest, so handing an answer on twice cannot complete a step twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Awaitable, Callable

from slack_bolt.context.complete.async_complete import AsyncComplete
from slack_bolt.context.fail.async_fail import AsyncFail
from slack_sdk.web.async_client import AsyncWebClient

from bot.cloning import quality
from bot.cloning.failures import Explained
from bot.cloning.scheduling import LeaseLost
from bot.messages import mrkdwn
from bot.messages import workflow as workflow_text
from bot.records import Job, Stage
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.store import JobQueue, StoreUnavailable
from bot.workspaces.key_vault import KeyVault
from bot.workspaces.slack_clients import with_token

log = logging.getLogger(__name__)

CALLBACK_ID = "clone_voice"  # manifest.yml's `functions` key, and the Bolt listener's
SEAL_PURPOSE = "voice-cloner workflow step tokens"  # HKDF info: what the derived key is for
# Slack's answers that say the step cannot be completed any more, by anyone: it was completed (its token revoked)
# or timed out, or the call itself is wrong. Handing the answer on again would change nothing.
_OVER = {
    "function_execution_not_found",
    "execution_not_in_running_state",
    "parameter_validation_failed",
    "invalid_arguments",
    "access_denied",
    "invalid_auth",
    "not_authed",
    "token_revoked",
    "token_expired",
}


def token_vault(bot_token: str | None, encryption_key: str | None) -> KeyVault:
    """Where step tokens are sealed: ENCRYPTION_KEY when it is set (distribution mode), else a key derived from the
    one workspace's bot token."""
    if encryption_key:
        return KeyVault(encryption_key)
    assert bot_token, "one workspace has a bot token"
    return KeyVault.derived(bot_token, SEAL_PURPOSE)


def outputs(job: Job) -> dict[str, str]:
    """The step's outputs (manifest.yml's `output_parameters`) for a job that made its voice."""
    request = job.request
    return {
        "voice_id": job.voice_id or "",
        "voice_name": request.name,
        "language": request.language,
        "status": job.voice_status or "",
    }


def error_text(job: Job) -> str:
    """Why the step failed, as plain text: the answer's sentence; for a poor take held back, its verdict, the tips the
    thread shows under it (one per problem, with its number) and how to clone it anyway."""
    if job.answer is None:
        return ""
    if job.failure != quality.HELD_BACK:
        return mrkdwn.plain(job.answer.text)
    first = job.answer.blocks[0] if job.answer.blocks else {}
    shown = str((first.get("text") or {}).get("text") or "")
    tips = [line.removeprefix("• ") for line in shown.splitlines() if line.startswith("• ")]
    return mrkdwn.plain(" ".join([job.answer.text, *tips, workflow_text.clone_anyway_hint()]))


class StepCompletion:
    """Hands each shown answer of a step's job to its step (`bot.cloning.outbox.AnswerHooks.hand_on`)."""

    def __init__(self, vault: KeyVault) -> None:
        self._vault = vault

    def seal(self, token: str | None) -> str | None:
        return self._vault.encrypt(token) if token else None

    async def hand_on(self, client: AsyncWebClient, job: Job) -> bool:
        """Complete or fail the job's step; False when Slack could not be reached (tried again later), True when it
        is done, or can never be (the step ended already, the token is gone)."""
        step = job.request.step
        if step is None or job.answer is None:
            return True
        token = self._vault.decrypt(step.sealed_token) if step.sealed_token else None
        if step.sealed_token and token is None:
            log.warning("the step's token cannot be decrypted; completing it with the bot token", extra={"job": job.id})
        step_client = with_token(client, token) if token else client
        try:
            if job.stage is Stage.DONE and job.voice_id:
                await AsyncComplete(step_client, step.execution_id)(outputs=outputs(job))
            else:
                await AsyncFail(step_client, step.execution_id)(error=error_text(job))
        except SLACK_FAILURES as error:
            code = error_code(error)
            if code in _OVER:
                log.warning("workflow step not completed: Slack refused", extra={"job": job.id, "slack_error": code})
                return True
            log.warning("workflow step not completed yet", extra={"job": job.id, "slack_error": code})
            return False
        log.info("workflow step completed", extra={"job": job.id, "ok": job.stage is Stage.DONE})
        return True


def queued_too_long(job: Job, limit_seconds: int, now: float | None = None) -> Explained | None:
    """A step's job that waited (for a free slot, or to be taken over) more than `limit_seconds` since it was asked
    for, and has not started: it ends here with that reason rather than keep the workflow waiting. None otherwise,
    and for every other job (a person can see the queue; a *Try again* is a person's clone)."""
    if job.request.step is None or job.retries or job.stage is not Stage.RECEIVED or job.answer is not None:
        return None
    if job.fence <= 1:  # started at once, when it was taken in
        return None
    waited = (time.time() if now is None else now) - job.created_at
    return _too_long(job, limit_seconds) if waited > limit_seconds else None


def _too_long(job: Job, limit_seconds: int) -> Explained:
    text = workflow_text.queued_too_long(job.request.name, limit_seconds)
    return Explained(text, "workflow step queued too long", retryable=True)


# Ends a job with a failure, as Cloner.fail does: its answer recorded under the job's fence, then shown and handed on.
Fail = Callable[[AsyncWebClient, Job, Explained], Awaitable[None]]
# Ends every request whose speaker did not answer in time (ConsentDesk.sweep).
Sweep = Callable[[], Awaitable[int]]


class StepDeadlines:
    """Keeps the step's limit on time on the instance that took the run in: when STEP_QUEUE_SECONDS have passed and
    the run's job still waits for a slot, it takes that one job and fails it with the reason, without a slot; if it
    still waits for its speaker's consent, whose time ends at the same moment, the consent's sweep ends it now. If this
    instance stops first, the limit is applied when the job is next taken (`queued_too_long`, in Cloner), and the
    consent by the sweep every instance runs each minute."""

    def __init__(self, store: JobQueue, fail: Fail, sweep: Sweep, *, limit_seconds: int, lease_seconds: float) -> None:
        self._store = store
        self._fail = fail
        self._sweep = sweep
        self._limit = limit_seconds
        self._lease_seconds = lease_seconds
        self._runner = uuid.uuid4().hex  # holds a job only while failing it
        self._waiting: set[asyncio.Task[None]] = set()

    def watch(self, client: AsyncWebClient, job: Job) -> None:
        """From now until the limit, the job of a step run just taken in (`client`: its workspace's bot token)."""
        if job.request.step is None:
            return
        task = asyncio.create_task(self._at_the_limit(client, job))
        self._waiting.add(task)
        task.add_done_callback(self._waiting.discard)

    async def _at_the_limit(self, client: AsyncWebClient, job: Job) -> None:
        await asyncio.sleep(max(job.created_at + self._limit - time.time(), 0.0))
        try:
            waiting = await self._store.take_waiting(job.id, runner=self._runner, lease_seconds=self._lease_seconds)
        except StoreUnavailable:
            log.warning("step's limit not applied yet: the database is unreachable", extra={"job": job.id})
            return  # applied when the job is taken
        if waiting is None:
            # It started (or ended) in time; or it waits for its speaker's consent, which ends now too: the consent's
            # time is the step's (bot.consent.desk), and ending it is the consent's own sweep, on any instance.
            with contextlib.suppress(StoreUnavailable):
                await self._sweep()
            return
        log.info("workflow step's job waited past its limit", extra={"job": job.id, "seconds": self._limit})
        try:
            await self._fail(client, waiting, _too_long(waiting, self._limit))
        except LeaseLost:
            pass  # someone else has it now, and ends it

    async def close(self) -> None:
        for task in list(self._waiting):
            task.cancel()
        await asyncio.gather(*self._waiting, return_exceptions=True)
