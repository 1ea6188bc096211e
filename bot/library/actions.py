"""What the library's buttons do to a voice, for one person in one workspace: give it to an agent (and undo that),
delete it. Every step is checked here, not in the listeners: the voice belongs to the workspace, the person may act
on it, a double click is one action (claimed in the store), and RevRing's failures become words (voice_failures).
Each action returns what to tell the person, or None when the thread (or the Home tab) already shows it; the checks
before it raise `voice_failures.Refused`."""

from __future__ import annotations

import logging
import time
import uuid

from slack_sdk.web.async_client import AsyncWebClient

from bot.access.rights import may_act
from bot.config import AgentUpdates
from bot.library import failures as voice_failures
from bot.library.failures import (
    AdminsOnly,
    AgentUpdatesOff,
    NotConnected,
    NotTheirs,
    Refused,
    RightsUnknown,
    VoiceDeleted,
    VoiceGone,
    VoiceNotReady,
)
from bot.messages import agents as agents_text
from bot.messages import clone as clone_text
from bot.messages import library as library_text
from bot.messages import library_failures
from bot.records import AgentChange, Job, Where
from bot.revring import Agent, RevRingClient, RevRingError
from bot.slack.api_errors import SLACK_FAILURES, error_code
from bot.store import RequestStore
from bot.workspaces.revring_accounts import RevRingAccounts

log = logging.getLogger(__name__)


async def voice_to_manage(
    store: RequestStore,
    client: AsyncWebClient,
    where: Where,
    job_id: str,
    *,
    verb: str,
    needs_ready: bool = False,
    admins_only: bool = False,
) -> Job:
    """The voice `job_id` of this workspace, if `where.user_id` may `verb` it (its maker or an admin; `admins_only`:
    an admin); else raises `Refused`."""
    job = await store.voice_of(where.team_id, job_id) if job_id else None
    if job is None or not job.voice_id:
        raise VoiceGone()
    if job.deleted_at is not None:
        raise VoiceDeleted(job.request.name)
    await _check_rights(client, where, owner_id=None if admins_only else job.request.user_id, verb=verb)
    status = job.voice_status or "ready"
    if needs_ready and status != "ready":
        raise VoiceNotReady(job.request.name, status)
    return job


async def voice_to_give(
    store: RequestStore, client: AsyncWebClient, where: Where, job_id: str, *, agent_updates: AgentUpdates
) -> Job:
    """The voice `job_id`, ready, if `where.user_id` may give it to an agent (or see the agents it could go to), as
    AGENT_UPDATES (`agent_updates`) says: on, its maker or an admin; admins, an admin; off, nobody. Else raises
    `Refused`. Checked on the click, on every search of the dialog, and on its submission."""
    if agent_updates is AgentUpdates.OFF:
        raise AgentUpdatesOff()
    return await voice_to_manage(
        store, client, where, job_id, verb="use", needs_ready=True, admins_only=agent_updates is AgentUpdates.ADMINS
    )


async def _check_rights(client: AsyncWebClient, where: Where, *, owner_id: str | None, verb: str) -> None:
    """bot.access.rights' rule: `owner_id` (None: nobody's own, AGENT_UPDATES=admins) or an admin."""
    allowed = await may_act(client, where, owner_id=owner_id)
    if allowed is None:
        raise RightsUnknown()
    if not allowed:
        raise NotTheirs(verb, owner_id) if owner_id else AdminsOnly()


async def revring_for(accounts: RevRingAccounts, where: Where) -> RevRingClient:
    """The RevRing client of the workspace (or its org); raises `NotConnected` when no key serves it."""
    client = await accounts.client_for(where.team_id, where.enterprise_id)
    if client is None:
        raise NotConnected()
    return client


def voice_thread(job: Job) -> tuple[str, str] | None:
    """(channel, thread_ts) of the thread the voice was answered in; None if its message is unknown."""
    if not (job.reply_channel and job.reply_ts):
        return None
    request = job.request
    if job.reply_channel == request.channel_id and request.thread_ts:
        return job.reply_channel, request.thread_ts
    return job.reply_channel, job.reply_ts  # a new message (or the DM fallback): its own thread


# --- Use in an agent --------------------------------------------------------------------------------


async def agent_labels(store: RequestStore, where: Where, agents: list[Agent]) -> list[tuple[str, str]]:
    """(agent id, "Support line (now: Rachel)") for each agent: the current voice by name when it is one of ours."""
    names = await store.voice_names(where.team_id, sorted({a.voice_id for a in agents if a.voice_id}))
    return [
        (agent.id, agents_text.agent_option_label(agent.name, names.get(agent.voice_id or "", agent.voice_id)))
        for agent in agents
    ]


async def give_voice(
    store: RequestStore,
    accounts: RevRingAccounts,
    client: AsyncWebClient,
    where: Where,
    job_id: str,
    agent_id: str,
    *,
    agent_updates: AgentUpdates,
) -> str:
    """Set the agent's voiceId to the voice's, record the change, post it in the voice's thread with *Undo*.
    Returns what the dialog shows at the end. `agent_updates`: AGENT_UPDATES (off: nothing is changed; admins: only
    admins may)."""
    try:
        job = await voice_to_give(store, client, where, job_id, agent_updates=agent_updates)
        revring = await revring_for(accounts, where)
    except Refused as refused:
        return voice_failures.refusal(refused)
    assert job.voice_id is not None
    name = job.request.name
    agent: Agent | None = None
    try:
        # The agent as it is now: its name for the message, and the voice to go back to on Undo.
        agent = next((a for a in await revring.list_agents() if a.id == agent_id), None)
        if agent is None:
            return agents_text.agent_gone()
        if agent.voice_id == job.voice_id:
            return agents_text.agent_already_speaks(agent.name, name)
        await revring.update_agent_voice(agent.id, job.voice_id)
    except RevRingError as error:
        what = library_failures.give_voice(agent.name) if agent is not None else library_failures.LIST_AGENTS
        explained = voice_failures.explain(error, what, voice_id=job.voice_id)
        log.info("agent not given the voice", extra={"cause": explained.cause})
        return explained.text
    change = AgentChange(
        uuid.uuid4().hex[:16],
        where.team_id,
        job.id,
        agent.id,
        agent.name,
        job.voice_id,
        agent.voice_id,
        where.user_id,
        time.time(),
    )
    await store.record_agent_change(change)
    log.info("agent given a voice", extra={"agent": agent.id, "voice": job.voice_id})
    thread = voice_thread(job)
    if thread is not None:
        text = agents_text.agent_now_speaks(agent.name, name, change.previous_voice_id)
        blocks = agents_text.agent_now_speaks_blocks(
            agent.name, name, change.previous_voice_id, change.id, where.user_id
        )
        try:
            await client.chat_postMessage(channel=thread[0], thread_ts=thread[1], text=text, blocks=blocks)
        except SLACK_FAILURES as error:
            log.warning("agent change not posted in the voice's thread", extra={"slack_error": error_code(error)})
    return agents_text.agent_change_done(agent.name, name, change.previous_voice_id)


async def undo_change(
    store: RequestStore,
    accounts: RevRingAccounts,
    client: AsyncWebClient,
    where: Where,
    change_id: str,
    message: tuple[str, str] | None,
    *,
    agent_updates: AgentUpdates = AgentUpdates.ON,
) -> str | None:
    """Put the agent's old voice back, once; edit the change's message (`message`: channel, ts) to say so. Who may,
    as AGENT_UPDATES (`agent_updates`) says: whoever made the change, the voice's maker, or an admin (`admins`: an
    admin; `off`: nobody, an Undo left in a thread from before changes no agent)."""
    if agent_updates is AgentUpdates.OFF:
        return agents_text.agent_updates_off()
    admins_only = agent_updates is AgentUpdates.ADMINS
    change = await store.agent_change(where.team_id, change_id) if change_id else None
    if change is None or change.previous_voice_id is None:
        return agents_text.agent_change_gone()
    if change.undone_at is not None:
        return agents_text.agent_change_already_undone()
    try:
        if admins_only:
            await _check_rights(client, where, owner_id=None, verb="undo changes to")
        elif where.user_id != change.changed_by:
            job = await store.voice_of(where.team_id, change.job_id)
            owner = job.request.user_id if job else change.changed_by
            await _check_rights(client, where, owner_id=owner, verb="undo changes to")
        revring = await revring_for(accounts, where)
    except Refused as refused:
        return voice_failures.refusal(refused)
    if not await store.claim_undo(where.team_id, change.id, where.user_id):
        return agents_text.agent_change_already_undone()
    try:
        await revring.update_agent_voice(change.agent_id, change.previous_voice_id)
    except RevRingError as error:
        await store.release_undo(where.team_id, change.id)
        explained = voice_failures.explain(
            error, library_failures.undo_change(change.agent_name), voice_id=change.previous_voice_id
        )
        log.info("agent change not undone", extra={"cause": explained.cause})
        return explained.text
    log.info("agent change undone", extra={"agent": change.agent_id})
    text = agents_text.agent_change_undone(change.agent_name, change.previous_voice_id, where.user_id)
    if message is not None:
        try:
            await client.chat_update(
                channel=message[0], ts=message[1], text=text, blocks=clone_text.progress_blocks(text)
            )
        except SLACK_FAILURES as error:
            log.warning("undo not shown in the thread", extra={"slack_error": error_code(error)})
            return text
    return None


# --- Delete a voice ---------------------------------------------------------------------------------


async def delete_voice(
    store: RequestStore, accounts: RevRingAccounts, client: AsyncWebClient, where: Where, job_id: str
) -> str | None:
    """DELETE the voice at RevRing, once (a double click finds it claimed), and edit its message to say who deleted
    it and when; a failure gives the claim back, so it can be tried again."""
    try:
        job = await voice_to_manage(store, client, where, job_id, verb="delete")
        revring = await revring_for(accounts, where)
    except Refused as refused:
        return voice_failures.refusal(refused)
    assert job.voice_id is not None
    if not await store.claim_deletion(where.team_id, job.id, where.user_id):
        return library_text.voice_already_deleted(job.request.name)
    try:
        outcome = await revring.delete_voice(job.voice_id)
    except RevRingError as error:
        await store.release_deletion(where.team_id, job.id)
        explained = voice_failures.explain(error, library_failures.delete_voice(job.request.name))
        log.info("voice not deleted", extra={"cause": explained.cause})
        return explained.text
    log.info("voice deleted", extra={"voice": job.voice_id, "outcome": outcome.value})
    deleted = await store.voice_of(where.team_id, job.id)
    when = deleted.deleted_at if deleted and deleted.deleted_at else time.time()
    text = library_text.voice_deleted(job.request.name, job.voice_id, where.user_id, when)
    if job.reply_channel and job.reply_ts:
        try:
            await client.chat_update(
                channel=job.reply_channel,
                ts=job.reply_ts,
                text=text,
                blocks=library_text.voice_deleted_blocks(job.request.name, job.voice_id, where.user_id, when),
            )
        except SLACK_FAILURES as error:
            log.warning("deletion not shown in the thread", extra={"slack_error": error_code(error)})
            return text
    return None
