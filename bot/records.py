"""The bot's own records: what was asked, what is waiting, and what became of each clone.

Plain data, no Slack payloads and no SQL: listeners build them, the pipeline works on them, the store keeps them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


@dataclass(frozen=True)
class Where:
    """Who made a request, and the workspace (and Enterprise Grid org, if any) it came from."""

    team_id: str
    enterprise_id: str | None
    user_id: str


@dataclass(frozen=True)
class SharedFile:
    """The parts of a Slack file the bot uses (read from Slack's file object by `slack_shapes.shared_file`)."""

    id: str
    name: str = ""
    title: str = ""
    mimetype: str = ""
    filetype: str = ""
    size: int | None = None
    url_private_download: str | None = None
    subtype: str = ""
    duration_ms: int | None = None
    external: bool = False  # a link to a file kept elsewhere (Google Drive…): Slack has no bytes to give
    # Slack's transcription of its own clips (`slack_audio`, `slack_video`): "processing", "complete", "failed", or
    # "" (none, as for most uploaded files); once complete, the locale it heard ("es-ES") and its first words.
    transcription: str = ""
    heard_locale: str = ""
    heard_words: str = ""
    heard_more: bool = False  # Slack heard more than `heard_words`
    transcript_url: str = ""  # the whole transcription, a WebVTT file on Slack's file host (`vtt`), when Slack has one
    permalink: str = ""  # Slack's link to the file (the speaker asked for consent is shown the clip)
    user: str = ""  # who shared it in Slack (a consent clip must be the speaker's own)


@dataclass(frozen=True)
class PendingCommand:
    """`/clone-voice NAME` typed before the file arrived."""

    team_id: str
    channel_id: str
    user_id: str
    name: str
    language: str
    enterprise_id: str | None = None  # the Enterprise Grid org, if any
    language_given: bool = True  # False: nobody chose it (`language` is the default), a clip's transcription may
    speaker_id: str | None = None  # `voice=@ana` (CONSENT on): whose voice the file will be


@dataclass(frozen=True)
class RecentAudio:
    """Audio a person shared before typing the command."""

    team_id: str
    channel_id: str
    user_id: str
    file: SharedFile
    message_ts: str
    thread_ts: str
    enterprise_id: str | None = None


@dataclass(frozen=True)
class StepRun:
    """The Workflow Builder step run ("Clone a voice") a clone request came from: the job completes it, or fails it,
    with its answer. Its channel is the request's `channel_id` ("" when the workflow gave none: no messages)."""

    execution_id: str  # Slack's `function_execution_id`
    # The execution's own token (`bot_access_token`), encrypted (bot.cloning.workflow_step); None if Slack gave none.
    sealed_token: str | None = None
    workflow_execution_id: str | None = None


@dataclass(frozen=True)
class CloneRequest:
    """One request to clone: which file, what to call the voice, and where to answer."""

    team_id: str
    channel_id: str
    user_id: str
    file: SharedFile
    message_ts: str | None  # the message that carries the file, for reactions; None for a dialog upload
    thread_ts: str | None  # answer in this thread; None for a new message in the channel
    name: str
    language: str
    designed: bool = False  # the file is a designed voice's preview (saved from /clone-voice design), not a recording
    # The Enterprise Grid org, if any: with team_id, which installation (token) and RevRing key serve the job.
    enterprise_id: str | None = None
    # False: nobody chose the language (`language` is the default), so a Slack clip's transcription may choose it.
    language_given: bool = True
    recording_accepted: bool = False  # *Clone anyway*: the person chose to clone a take the quality check held back
    # Whose voice it is (CONSENT on): a person of the workspace, None for the person asking; `speaker_outside`:
    # someone outside Slack, whose written consent an admin attests.
    speaker_id: str | None = None
    speaker_outside: bool = False
    step: StepRun | None = None  # asked by a Workflow Builder step, which the answer completes (or fails)

    @property
    def speaker(self) -> str | None:
        """The speaker's Slack user id; None for someone outside Slack."""
        return None if self.speaker_outside else self.speaker_id or self.user_id


@dataclass(frozen=True)
class DesignCandidate:
    """A designed voice's preview as posted in Slack, kept for an hour so that it can be saved as a voice."""

    id: str
    team_id: str
    user_id: str  # who asked for the design
    file_id: str  # the preview, uploaded to Slack: saving clones from this file
    index: int  # its number in the design thread (1 for the first preview)
    channel_id: str  # the design thread
    thread_ts: str
    created_at: float
    expires_at: float
    # Set by the store when it reads the candidate, never stored: its hour is over.
    expired: bool = field(default=False, compare=False)


class Stage(StrEnum):
    RECEIVED = "received"
    DOWNLOADING = "downloading"
    UPLOADING = "uploading"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"  # cut off during the upload: RevRing may or may not have made the voice
    # CONSENT on: the speaker has not agreed yet. Nobody runs it (nothing is downloaded or sent) until they do.
    AWAITING_CONSENT = "awaiting_consent"


UNFINISHED = (Stage.RECEIVED, Stage.DOWNLOADING, Stage.UPLOADING)
RETRYABLE = (Stage.FAILED, Stage.INTERRUPTED)


@dataclass(frozen=True)
class Answer:
    """The message that ends a job, kept until Slack has shown it."""

    text: str
    blocks: list[dict[str, Any]]
    ok: bool


@dataclass(frozen=True)
class Job:
    """The record of one accepted request, written before any work starts."""

    id: str
    request: CloneRequest
    stage: Stage
    created_at: float
    reply_channel: str | None = None
    reply_ts: str | None = None
    voice_id: str | None = None
    voice_status: str | None = None
    failure: str | None = None  # a short code for logs and the list, never shown raw
    answer: Answer | None = None  # set with the outcome, cleared once Slack has shown it
    retries: int = 0  # times "Try again" reopened it
    retried_at: tuple[float, ...] = ()  # when: each Try again counts toward the hourly limit like a new clone
    fence: int = 0  # +1 each time a runner takes the job; a write with an older fence is refused
    deleted_by: str | None = None  # who deleted the voice from RevRing (through the bot), and when
    deleted_at: float | None = None
    permalink: str | None = None  # Slack's link to the job's message, once asked for (the library links to it)
    # Set by the store's take_next, never stored: the job's last holder stopped renewing its lease (it died or was
    # cut off), as opposed to a job nobody had started or that was handed back.
    taken_over: bool = field(default=False, compare=False)


class Admission(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class Admitted:
    outcome: Admission
    job: Job | None = None  # ACCEPTED: the job to start
    retry_after_seconds: float = 0.0
    existing: Job | None = None  # DUPLICATE: the job that has made, or is making, a voice from the same file


@dataclass(frozen=True)
class AgentChange:
    """*Use in an agent*: which agent was given which voice, what it used before (for *Undo*), and by whom."""

    id: str
    team_id: str
    job_id: str  # the voice's job: its thread is where the change was told
    agent_id: str
    agent_name: str
    voice_id: str
    previous_voice_id: str | None  # None: RevRing named no voice for the agent, so there is nothing to undo to
    changed_by: str
    changed_at: float
    undone_by: str | None = None
    undone_at: float | None = None


class ConsentStatus(StrEnum):
    WAITING = "waiting"
    AGREED = "agreed"
    DECLINED = "declined"
    EXPIRED = "expired"  # no answer within CONSENT_HOURS
    UNREACHABLE = "unreachable"  # Slack would not let the bot message the speaker: nobody could be asked


class ConsentWay(StrEnum):
    """How the yes (or no) was given."""

    BUTTON = "button"  # the speaker's *I agree* (CONSENT=speaker)
    RECORDED = "recorded"  # the speaker read the statement in a Slack clip that Slack's transcription matched
    BUTTON_NO_TRANSCRIPT = "button_no_transcript"  # CONSENT=recorded, but Slack made no transcription of the clip
    ATTESTED = "attested"  # someone outside Slack: an admin attested that written consent is on file


@dataclass(frozen=True)
class Consent:
    """The speaker's consent to one clone request, kept with its job: what was asked and what was answered."""

    job_id: str
    team_id: str
    enterprise_id: str | None
    requested_by: str
    speaker_id: str | None  # None: someone outside Slack
    voice_name: str
    mode: str  # CONSENT's value when asked: "speaker" or "recorded"
    code: str  # the one-time code in the statement
    asked_at: float
    expires_at: float
    status: ConsentStatus = ConsentStatus.WAITING
    speaker_name: str = ""  # as the statement names them
    statement: str = ""  # written once the speaker's name is known
    dm_channel: str | None = None  # the message that asks (the speaker's DM, or the requester's thread)
    dm_ts: str | None = None
    button_offered: bool = False  # CONSENT=recorded: Slack made no transcription, the speaker may click instead
    way: ConsentWay | None = None
    decided_by: str | None = None  # the speaker, or the admin who attested (or declined)
    decided_at: float | None = None
    clip_file_id: str | None = None  # the last clip the speaker recorded, and what Slack heard in it
    transcript: str = ""

    @property
    def outside(self) -> bool:
        return self.speaker_id is None
