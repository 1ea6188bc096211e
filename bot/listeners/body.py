"""What a Slack request says about itself: who acts, in which workspace and Enterprise Grid org, what kind of request
it is, in which conversation, and the ids a listener answers with. The one module that reads them from a body, and
the one that turns them into the bot's records (a clone request, a waiting command, audio shared first).

Bolt works most of it out already (its context's team, org, user, channel, response URL and whether the app is
installed org-wide), so those come from Bolt; the body is read only for what Bolt leaves out. The reading is made
once per request by the `remember` middleware; listeners and the access guard take it with `incoming(context)`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.records import CloneRequest, PendingCommand, RecentAudio, SharedFile, StepRun, Where

CONTEXT_KEY = "incoming"


@dataclass(frozen=True)
class Incoming:
    """One Slack request, read."""

    kind: str | None  # Slack's `type` ("block_actions", "view_submission", "event_callback"…); "command"; or None
    where: Where
    org_wide: bool  # the app is installed on the whole org: one installation (and RevRing key) for its workspaces
    channel_id: str | None  # the conversation, when the request happened in one
    trigger_id: str | None  # opens a modal, once, within 3 seconds
    response_url: str | None
    view: dict[str, Any] = field(default_factory=dict)  # the modal or Home view clicked in or submitted
    in_view: bool = False  # a click in a view (the Home tab or a modal), not in a message
    action_id: str | None = None  # block_actions: the element clicked
    message: tuple[str, str] | None = None  # block_actions in a message: (channel, ts) of the message clicked in

    @property
    def user_id(self) -> str:
        return self.where.user_id

    @property
    def team_id(self) -> str:
        return self.where.team_id

    @property
    def enterprise_id(self) -> str | None:
        return self.where.enterprise_id


def kind_of(body: dict[str, Any]) -> str | None:
    """Slack's `type` of an interaction or an event envelope; "command" for a slash command (which has none)."""
    kind = body.get("type")
    if isinstance(kind, str) and kind:
        return kind
    return "command" if "command" in body else None


def read_body(body: dict[str, Any], context: AsyncBoltContext) -> Incoming:
    kind = kind_of(body)
    container = _object(body.get("container"))
    actions = body.get("actions") if kind == "block_actions" else None
    first = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    trigger_id = body.get("trigger_id")
    return Incoming(
        kind=kind,
        where=Where(_team_id(body, context), context.enterprise_id, context.user_id or ""),
        org_wide=bool(context.is_enterprise_install),
        channel_id=context.channel_id,
        trigger_id=trigger_id if isinstance(trigger_id, str) and trigger_id else None,
        response_url=context.response_url,
        view=_object(body.get("view")),
        in_view=container.get("type") == "view",
        action_id=str(first["action_id"]) if first.get("action_id") else None,
        message=(str(channel), str(ts)) if container.get("type") == "message" and channel and ts else None,
    )


def _team_id(body: dict[str, Any], context: AsyncBoltContext) -> str:
    """Bolt's, else the workspace the envelope names: Bolt reads an event's team from its authorization, which for
    an org-wide install may name none."""
    return context.team_id or str(body.get("team_id") or "")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


async def remember(body: dict[str, Any], context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
    """Middleware: read the request once, before the access guard and the listeners."""
    context[CONTEXT_KEY] = read_body(body, context)
    await next()


def incoming(context: AsyncBoltContext) -> Incoming:
    """The request being handled, as `remember` read it."""
    return context[CONTEXT_KEY]


def in_direct_message(event: dict[str, Any]) -> bool:
    """A message event in a person's DM with the bot."""
    return event.get("channel_type") == "im"


def changed_file_id(event: dict[str, Any]) -> str | None:
    """`file_change`: the id of the file that changed (`file_id`, repeated as `file.id`)."""
    file_id = event.get("file_id") or _object(event.get("file")).get("id")
    return str(file_id) if file_id else None


# --- the records a request makes ----------------------------------------------------------------------------


def clone_request(
    asked: Incoming,
    file: SharedFile,
    *,
    channel_id: str,
    message_ts: str | None,
    thread_ts: str | None,
    name: str,
    language: str,
    designed: bool = False,
    language_given: bool = True,
    speaker_id: str | None = None,
    speaker_outside: bool = False,
) -> CloneRequest:
    """Every flow's clone request (the command taking audio just shared, a file shared with a mention or after the
    command, the dialog, the message shortcut's dialog, a designed candidate saved): the workspace, the org and the
    person come from the request itself, so the org that holds the installation and the key is never left out."""
    where = asked.where
    return CloneRequest(
        team_id=where.team_id,
        channel_id=channel_id,
        user_id=where.user_id,
        file=file,
        message_ts=message_ts,
        thread_ts=thread_ts,
        name=name,
        language=language,
        designed=designed,
        enterprise_id=where.enterprise_id,
        language_given=language_given,
        speaker_id=speaker_id,
        speaker_outside=speaker_outside,
    )


@dataclass(frozen=True)
class StepInputs:
    """A `function_executed` event of the "Clone a voice" step (manifest.yml's `functions.clone_voice`), read."""

    execution_id: str
    workflow_execution_id: str | None
    token: str | None = field(repr=False)  # the execution's own token (`bot_access_token`): a secret
    file_id: str
    name: str
    language: str  # as the workflow gave it, "" for none
    requester: str
    channel_id: str  # where to report progress, "" for nowhere
    clone_anyway: bool


def step_inputs(event: dict[str, Any]) -> StepInputs | None:
    """The step run and its inputs; None when the event names no execution (nothing could be completed)."""
    execution_id = _text(event.get("function_execution_id"))
    if not execution_id:
        return None
    inputs = _object(event.get("inputs"))
    return StepInputs(
        execution_id=execution_id,
        workflow_execution_id=_text(event.get("workflow_execution_id")) or None,
        token=_text(event.get("bot_access_token")) or None,
        file_id=_text(inputs.get("recording")),
        name=_text(inputs.get("voice_name")),
        language=_text(inputs.get("language")).strip(),
        requester=_text(inputs.get("requester")),
        channel_id=_text(inputs.get("progress_channel")),
        clone_anyway=inputs.get("clone_anyway") is True,
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def step_request(
    asked: Incoming,
    step: StepInputs,
    file: SharedFile,
    *,
    name: str,
    language: str | None,
    default_language: str,
    sealed_token: str | None,
) -> CloneRequest:
    """A step run's clone request: the workspace and org the event came through, the person the workflow names as
    asking (limits, allowlists and the library apply to them), its progress channel (none: no message at all) and
    no thread; *Clone anyway* when the workflow asks for it."""
    where = Where(asked.team_id, asked.enterprise_id, step.requester)
    run = StepRun(step.execution_id, sealed_token, step.workflow_execution_id)
    return CloneRequest(
        team_id=where.team_id,
        channel_id=step.channel_id,
        user_id=where.user_id,
        file=file,
        message_ts=None,
        thread_ts=None,
        name=name,
        language=language or default_language,
        enterprise_id=where.enterprise_id,
        language_given=language is not None,
        recording_accepted=step.clone_anyway,
        step=run,
    )


def pending_command(
    asked: Incoming,
    channel_id: str,
    *,
    name: str,
    language: str,
    language_given: bool = True,
    speaker_id: str | None = None,
) -> PendingCommand:
    where = asked.where
    return PendingCommand(
        where.team_id,
        channel_id,
        where.user_id,
        name=name,
        language=language,
        enterprise_id=where.enterprise_id,
        language_given=language_given,
        speaker_id=speaker_id,
    )


def recent_audio(asked: Incoming, channel_id: str, file: SharedFile, *, message_ts: str, thread_ts: str) -> RecentAudio:
    where = asked.where
    return RecentAudio(
        where.team_id,
        channel_id,
        where.user_id,
        file,
        message_ts=message_ts,
        thread_ts=thread_ts,
        enterprise_id=where.enterprise_id,
    )
