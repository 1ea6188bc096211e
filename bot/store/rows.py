"""Records to and from what the tables hold. Reading is lenient: a field added since a row was written gets its
default, one removed since is ignored, so rows written by an older bot stay readable."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from bot.records import (
    AgentChange,
    Answer,
    CloneRequest,
    Consent,
    ConsentStatus,
    ConsentWay,
    Job,
    PendingCommand,
    RecentAudio,
    SharedFile,
    Stage,
    StepRun,
)


def dump(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


def _known(cls: type, data: Mapping[str, Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in data.items() if key in names}


def shared_file(data: Mapping[str, Any]) -> SharedFile:
    return SharedFile(**_known(SharedFile, data))


def clone_request(text: str) -> CloneRequest:
    data = json.loads(text)
    step = data.get("step")
    return CloneRequest(
        **{
            **_known(CloneRequest, data),
            "file": shared_file(data["file"]),
            "step": StepRun(**_known(StepRun, step)) if isinstance(step, dict) else None,
        }
    )


def pending_command(text: str) -> PendingCommand:
    return PendingCommand(**_known(PendingCommand, json.loads(text)))


def recent_audio(text: str) -> RecentAudio:
    data = json.loads(text)
    return RecentAudio(**{**_known(RecentAudio, data), "file": shared_file(data["file"])})


def answer_to_text(answer: Answer | None) -> str | None:
    # The fields as dataclasses.asdict gives them, without its deep copy of every block.
    return dump({"text": answer.text, "blocks": answer.blocks, "ok": answer.ok}) if answer is not None else None


def job(row: Mapping[Any, Any], retried_at: tuple[float, ...]) -> Job:
    """A row of `jobs` (every column; SQLAlchemy's RowMapping) and the times of its Try agains."""
    answer = json.loads(row["answer"]) if row["answer"] else None
    return Job(
        id=row["id"],
        request=clone_request(row["request"]),
        stage=Stage(row["stage"]),
        created_at=row["created_at"],
        reply_channel=row["reply_channel"],
        reply_ts=row["reply_ts"],
        voice_id=row["voice_id"],
        voice_status=row["voice_status"],
        failure=row["failure"],
        answer=Answer(**_known(Answer, answer)) if answer else None,
        retries=row["retries"],
        retried_at=retried_at,
        fence=row["fence"],
        deleted_by=row["deleted_by"],
        deleted_at=row["deleted_at"],
        permalink=row["permalink"],
    )


def agent_change(row: Mapping[Any, Any]) -> AgentChange:
    """A row of `agent_changes` (every column)."""
    return AgentChange(**_known(AgentChange, row))


def job_progress(job: Job) -> dict[str, Any]:
    """The columns the pipeline moves forward (the reply only once it is known: it is never unset)."""
    values: dict[str, Any] = {
        "stage": str(job.stage),
        "voice_id": job.voice_id,
        "voice_status": job.voice_status,
        "failure": job.failure,
        "answer": answer_to_text(job.answer),
        # The request too: a run may settle its language (from a Slack clip's transcription) on the way.
        "request": dump(dataclasses.asdict(job.request)),
    }
    if job.reply_channel and job.reply_ts:
        values.update(reply_channel=job.reply_channel, reply_ts=job.reply_ts)
    return values


def consent(row: Mapping[Any, Any]) -> Consent:
    """A row of `consents` (every column), from either driver (sqlite3.Row, asyncpg.Record)."""
    data = _known(Consent, {key: row[key] for key in row.keys()})
    return Consent(
        **{
            **data,
            "status": ConsentStatus(row["status"]),
            "way": ConsentWay(row["way"]) if row["way"] else None,
            "button_offered": bool(row["button_offered"]),
        }
    )


def consent_values(consent: Consent) -> dict[str, Any]:
    """Every column of `consents` for `consent`."""
    values = dataclasses.asdict(consent)
    values.update(
        status=str(consent.status),
        way=str(consent.way) if consent.way else None,
        button_offered=int(consent.button_offered),
    )
    return values
