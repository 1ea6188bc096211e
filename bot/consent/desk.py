"""The speaker's consent (CONSENT=speaker or recorded) between a request and its clone: the job waits, held by
nobody, while the speaker is asked (in a DM; in the request's own thread for `voice=me` with buttons; an admin in that
thread for someone outside Slack). The first answer decides, on any instance: a yes moves the job to the queue and
starts it here; a no, or no answer within CONSENT_HOURS (the sweep), ends it with an answer in the request's thread
that whichever runner looks next shows (bot.cloning.outbox). Clips read aloud are heard in bot.consent.listening.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from enum import Enum
from typing import Any, Protocol

from slack_sdk.web.async_client import AsyncWebClient

from bot.access.rights import may_act
from bot.cloning.presenter import Reply, SlackPresenter
from bot.cloning.scheduling import Tasks
from bot.config import ConsentMode, Settings
from bot.consent.listening import ClipListener, Transcript
from bot.consent.statement import new_code, statement
from bot.messages import clone as clone_text
from bot.messages import consent as consent_text
from bot.messages import library as library_text
from bot.records import Answer, CloneRequest, Consent, ConsentStatus, ConsentWay, Job, SharedFile, Where
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.slack.shapes import shared_file
from bot.store import ConsentBook, Inbox, StoreUnavailable
from bot.workspaces.slack_clients import SlackClients

log = logging.getLogger(__name__)

SWEEP_SECONDS = 60.0  # how often each instance ends the requests whose speaker did not answer in time
ASK_AGAIN_SECONDS = 120.0  # a speaker still not asked by then (the request's instance stopped first) is asked again
# The job's failure when nobody agreed: it is not tried again (a new request asks again).
DECLINED, EXPIRED, UNREACHABLE = "consent declined", "consent expired", "consent not asked"
FAILURES = (DECLINED, EXPIRED, UNREACHABLE)


class ConsentStore(ConsentBook, Inbox, Protocol):
    """The consents, the inbox's claims (a clip's transcription is judged once, a speaker asked again once), and
    the jobs that wait for them."""

    async def get_job(self, job_id: str) -> Job | None: ...


class Decision(Enum):
    AGREE = "agree"
    DECLINE = "decline"
    ATTEST = "attest"  # an admin: the written consent of someone outside Slack is on file


Start = Callable[[AsyncWebClient, Job], None]


class ConsentDesk:
    """Asks for consent and takes the answers. `start` runs a job the speaker agreed to (taken by `runner`);
    `wake` tells the scheduler an answer waits to be shown; `transcript` reads a clip's whole transcription."""

    def __init__(
        self,
        settings: Settings,
        store: ConsentStore,
        presenter: SlackPresenter,
        tasks: Tasks,
        slack_clients: SlackClients,
        *,
        runner: str,
        lease_seconds: float,
        start: Start,
        wake: Callable[[], None],
        transcript: Transcript,
    ) -> None:
        self._settings = settings
        self._store = store
        self._slack = presenter
        self._tasks = tasks
        self._slack_clients = slack_clients
        self._runner = runner
        self._lease_seconds = lease_seconds
        self._start = start
        self._wake = wake
        self.clips = ClipListener(store, tasks, agree=self._agree, transcript=transcript)

    @property
    def on(self) -> bool:
        return self._settings.consent is not ConsentMode.OFF

    def new_consent(self, request: CloneRequest) -> Consent | None:
        """The consent a new request waits for (None with CONSENT=off, and for a designed voice's preview: nobody's
        voice); the store sets its job and its times."""
        if not self.on or request.designed:
            return None
        now = time.time()
        # A Workflow Builder step's run waits STEP_QUEUE_SECONDS in all (Slack gives it 15 minutes), for its speaker
        # as for a slot: at the same moment, the sweep ends the one and the step's deadline the other.
        wait = self._settings.step_queue_seconds if request.step else self._settings.consent_hours * 3600
        return Consent(
            job_id="",
            team_id=request.team_id,
            enterprise_id=request.enterprise_id,
            requested_by=request.user_id,
            speaker_id=request.speaker,
            voice_name=request.name,
            mode=str(self._settings.consent),
            code=new_code(),
            asked_at=now,
            expires_at=now + wait,
        )

    # --- asking ---------------------------------------------------------------------------------------------

    async def ask(self, client: AsyncWebClient, job: Job) -> None:
        """The request's thread says what it waits for; the speaker (or an admin) is asked. (Beside the request: a
        database outage is logged, and the request ends unanswered by the speaker when its time is up.)"""
        try:
            await self._ask(client, job)
        except StoreUnavailable as error:
            log.warning("consent not asked: the database is unreachable", extra={"job": job.id, "cause": str(error)})

    async def _ask(self, client: AsyncWebClient, job: Job) -> None:
        consent = await self._store.consent_for(job.id)
        if consent is None or consent.status is not ConsentStatus.WAITING:
            return
        request, within = job.request, consent_text.period(consent.expires_at - consent.asked_at)
        speaker_name = await _real_name(client, consent.speaker_id) if consent.speaker_id else ""
        company = await _company(client)
        said = statement(speaker=speaker_name, company=company, voice_name=request.name, code=consent.code)
        consent = replace(consent, speaker_name=speaker_name, statement=said)
        await self._store.note_consent(consent)  # the statement is in the record before anyone can answer it
        here = _asked_in_thread(consent)
        if consent.outside:
            blocks = consent_text.attest_blocks(request.name, request.user_id, job.id, within)
        elif here:  # voice=me: one click
            blocks = consent_text.ask_here_blocks(request.name, said, job.id, within)
        else:
            blocks = clone_text.progress_blocks(consent_text.waiting(request.name, consent.speaker_id))
        text = consent_text.waiting(request.name, consent.speaker_id)
        if job.reply_channel and job.reply_ts:  # asked again: the thread has its message already
            reply: Reply | None = Reply(job.reply_channel, job.reply_ts)
        else:
            reply = await self._slack.post(client, request, text, blocks)
            if reply is not None:
                await self._store.note_reply(job.id, reply.channel, reply.ts)
        if reply is not None and here:
            consent = replace(consent, dm_channel=reply.channel, dm_ts=reply.ts)
        if not here:
            consent, refused = await self._ask_speaker(client, job, consent)
            if refused is not None:  # nobody can agree: the request ends now, and says why
                await self._store.note_consent(consent)
                await self._end(client, replace(consent, status=ConsentStatus.UNREACHABLE), refused)
                return
        await self._store.note_consent(consent)
        log.info("consent asked", extra={"job": job.id, "mode": consent.mode, "outside": consent.outside})

    async def _ask_speaker(self, client: AsyncWebClient, job: Job, consent: Consent) -> tuple[Consent, str | None]:
        """The DM to the speaker, and where it went; or Slack's refusal of it."""
        request = job.request
        blocks = consent_text.ask_blocks(
            requester=request.user_id,
            name=request.name,
            clip_url=request.file.permalink or await _permalink(client, request.file.id),
            statement=consent.statement,
            recorded=consent.mode == ConsentMode.RECORDED,
            job_id=job.id,
            within=consent_text.period(consent.expires_at - consent.asked_at),
        )
        try:
            posted = await client.chat_postMessage(
                channel=consent.speaker_id or "",
                text=consent_text.ask_text(request.user_id, request.name),
                blocks=blocks,
            )
        except SLACK_FAILURES as error:
            log.warning("the speaker was not asked", extra={"job": job.id, "slack_error": error_code(error)})
            return consent, error_code(error)
        return replace(consent, dm_channel=str(posted.get("channel") or ""), dm_ts=str(posted.get("ts") or "")), None

    # --- answers --------------------------------------------------------------------------------------------

    async def decide(self, client: AsyncWebClient, job_id: str, where: Where, decision: Decision) -> str | None:
        """A click on the consent's buttons by `where.user_id`: None when it decided, else what to tell them."""
        consent = await self._store.consent_for(job_id)
        if consent is None or consent.team_id != where.team_id:
            return consent_text.request_gone()
        if consent.status is not ConsentStatus.WAITING:
            return consent_text.already_answered(consent)
        if consent.outside:  # an admin decides, never the speaker (who is not in Slack) nor the requester
            if decision is Decision.AGREE:
                return consent_text.only_admins_attest()
            admin = await may_act(client, where, owner_id=None)
            if admin is None:
                return library_text.rights_not_checked()
            if not admin:
                return consent_text.only_admins_attest()
        elif where.user_id != consent.speaker_id or decision is Decision.ATTEST:
            return consent_text.only_the_speaker(consent.speaker_id)
        elif decision is Decision.AGREE and consent.mode == ConsentMode.RECORDED and not consent.button_offered:
            return consent_text.clip_expected()
        if decision is Decision.DECLINE:
            ended = await self._end(client, replace(consent, status=ConsentStatus.DECLINED, decided_by=where.user_id))
            return None if ended else consent_text.already_answered(consent)
        way = {
            Decision.ATTEST: ConsentWay.ATTESTED,
            Decision.AGREE: ConsentWay.BUTTON_NO_TRANSCRIPT if consent.button_offered else ConsentWay.BUTTON,
        }[decision]
        if await self._agree(client, replace(consent, way=way, decided_by=where.user_id)):
            return None
        return consent_text.already_answered(await self._store.consent_for(job_id) or consent)  # as it is now

    async def _agree(self, client: AsyncWebClient, consent: Consent) -> bool:
        """Record the yes and start the job here; False when the consent no longer waited, or its time was up (then
        it ends now, as the sweep would end it)."""
        job = await self._store.grant_consent(consent, runner=self._runner, lease_seconds=self._lease_seconds)
        if job is None:
            await self._end(client, replace(consent, status=ConsentStatus.EXPIRED, way=None, decided_by=None))
            return False
        log.info("consent given", extra={"job": job.id, "way": str(consent.way)})
        if not _asked_in_thread(consent):  # else the asking message is the thread's, which shows the clone now
            text = consent_text.agreed(consent.voice_name, consent.way, time.time())
            await self._edit(client, consent, text, clone_text.progress_blocks(text))
        self._start(client, job)
        return True

    async def _end(self, client: AsyncWebClient | None, consent: Consent, refused: str = "") -> bool:
        """Declined, expired or the speaker unreachable (Slack's `refused`): the job ends with its answer in the
        request's thread (shown by the next runner that looks, this one at once); the speaker's message says so."""
        name = consent.voice_name
        if consent.status is ConsentStatus.UNREACHABLE:
            text, failure = consent_text.unreachable(name, consent.speaker_id, refused), UNREACHABLE
        elif consent.status is ConsentStatus.EXPIRED:
            text, failure = consent_text.expired(name, consent), EXPIRED
        else:
            text, failure = consent_text.declined(name, consent), DECLINED
        if not await self._store.end_consent(consent, failure=failure, answer=Answer(text, [], ok=False)):
            return False
        log.info("consent not given", extra={"job": consent.job_id, "status": str(consent.status)})
        self._wake()
        if client is not None and not _asked_in_thread(consent):  # else the thread's message says it
            said = consent_text.ended_for_speaker(name, consent.status)
            await self._edit(client, consent, said, clone_text.progress_blocks(said))
        return True

    async def _edit(self, client: AsyncWebClient, consent: Consent, text: str, blocks: list[dict[str, Any]]) -> None:
        if not (consent.dm_channel and consent.dm_ts):
            return
        try:
            await client.chat_update(channel=consent.dm_channel, ts=consent.dm_ts, text=text, blocks=blocks)
        except SLACK_FAILURES as error:
            log.info("the consent message was not edited", extra={"slack_error": error_code(error)})

    async def take_clip(
        self, client: AsyncWebClient, where: Where, file: SharedFile, *, channel_id: str, thread_ts: str | None
    ) -> bool:
        """A file shared in a DM with the bot: True when it answers a consent its sharer is asked for."""
        return await self.clips.take(client, where, file, channel_id=channel_id, thread_ts=thread_ts)

    # --- the time limit -------------------------------------------------------------------------------------

    async def sweep(self) -> int:
        """End every request whose speaker did not answer within CONSENT_HOURS (how many this instance ended), and
        ask the speakers nobody asked."""
        ended = 0
        for consent in await self._store.overdue_consents():
            client = await self._slack_clients.for_workspace(consent.team_id, consent.enterprise_id)
            if await self._end(client, replace(consent, status=ConsentStatus.EXPIRED, decided_by=None)):
                ended += 1
        for consent in await self._store.unasked_consents(ASK_AGAIN_SECONDS):
            # The instance that took the request in stopped (or lost the database) before it asked: asked here, by
            # one instance of those that see it.
            if not await self._store.claim(f"consent-ask:{consent.job_id}"):
                continue
            job = await self._store.get_job(consent.job_id)
            client = await self._slack_clients.for_workspace(consent.team_id, consent.enterprise_id)
            if job is not None and client is not None:
                log.info("asking the speaker again: the first ask never went out", extra={"job": job.id})
                await self._ask(client, job)
        return ended

    async def keep_sweeping(self) -> None:
        """Until cancelled: sweep now, then every SWEEP_SECONDS; a database that is down is tried at the next."""
        while True:
            try:
                await self.sweep()
            except StoreUnavailable as error:
                log.warning("consents not swept: the database is unreachable", extra={"cause": str(error)})
            await asyncio.sleep(SWEEP_SECONDS)


async def _permalink(client: AsyncWebClient, file_id: str) -> str:
    """Slack's link to a file the request carries by id only (a message shortcut's dialog): files.info."""
    try:
        response = await client.files_info(file=file_id)
    except SLACK_FAILURES as error:
        log.info("no link to the recording", extra={"slack_error": error_code(error)})
        return ""
    return shared_file(response.get("file") or {}).permalink


def _asked_in_thread(consent: Consent) -> bool:
    """Asked in the request's own thread, not in a DM: someone outside Slack (an admin attests), or the person asking
    with CONSENT=speaker (one click)."""
    return consent.outside or (consent.mode == ConsentMode.SPEAKER and consent.speaker_id == consent.requested_by)


async def _real_name(client: AsyncWebClient, user_id: str) -> str:
    """The name the statement gives the speaker: their full name in Slack, else their display name."""
    try:
        response = await client.users_info(user=user_id)
    except SLACK_FAILURES as error:
        log.warning(
            "users.info failed; the statement names the speaker by id", extra={"slack_error": error_code(error)}
        )
        return user_id
    user: dict[str, Any] = response.get("user") or {}
    profile: dict[str, Any] = user.get("profile") or {}
    for name in (user.get("real_name"), profile.get("real_name"), profile.get("display_name"), user.get("name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return user_id


async def _company(client: AsyncWebClient) -> str:
    """The workspace's name, as auth.test gives it (no scope needed)."""
    try:
        response = await client.auth_test()
    except SLACK_FAILURES as error:
        log.warning("auth.test failed; the statement names no company", extra={"slack_error": error_code(error)})
        return "this workspace"
    return str(response.get("team") or "this workspace")
