"""The answer that ends a clone job, built from its outcome: the voice made, a poor take held back, or a failure.
Plain building, no Slack calls and no storage: the cloner records and shows what is built here (bot.cloning.outbox)."""

from __future__ import annotations

from dataclasses import replace

from bot.cloning import failures, quality
from bot.cloning.audio import PreparedAudio
from bot.cloning.failures import Explained
from bot.config import Settings
from bot.messages import clone as clone_text
from bot.messages import recording as recording_text
from bot.recording import Report
from bot.records import Answer, Job, Stage
from bot.revring import Voice


def voice_made(
    settings: Settings, job: Job, voice: Voice, audio: PreparedAudio, report: Report | None, heard: str | None
) -> tuple[Job, Answer]:
    """The job done with `voice`, and its answer: the voiceId, language and status, the recording's verdict, a tip."""
    request = job.request
    language = voice.language or request.language
    # A designed voice's preview is what RevRing itself made: advice about the recording's length would mislead.
    note = None if request.designed else failures.audio_note(audio, settings.audio_limits)
    job = replace(job, stage=Stage.DONE, voice_id=voice.id, voice_status=voice.status, failure=None)
    blocks = clone_text.voice_ready_blocks(
        request.name,
        voice.id,
        language,
        voice.status,
        note=note,
        job_id=job.id,
        agent_updates=settings.agent_updates,
        heard=heard is not None and language == heard,
    )
    if report is not None:
        blocks[3:3] = recording_text.report_blocks(report)  # under the language and status
    return job, Answer(clone_text.voice_ready_text(request.name, voice.id, language, voice.status), blocks, ok=True)


def held_back(job: Job, report: Report) -> tuple[Job, Answer]:
    """QUALITY_CHECK=ask and a poor take: nothing was sent. The answer says what is wrong and how to fix it, with
    *Clone anyway* (a Try again that sends the take as it is) and a way to upload a new take."""
    request = job.request
    language = request.language if request.language_given else None
    answer = Answer(
        recording_text.held_text(request.name, report),
        recording_text.held_blocks(request.name, report, job_id=job.id, language=language),
        ok=False,
    )
    return replace(job, stage=Stage.FAILED, failure=quality.HELD_BACK), answer


def failed(job: Job, failure: Explained, stage: Stage = Stage.FAILED) -> tuple[Job, Answer]:
    """`job` ended by `failure`, and its answer (with a *Try again* button when it is worth another go)."""
    blocks = clone_text.failed_blocks(failure.text, retry_job_id=job.id if failure.retryable else None)
    return replace(job, stage=stage, failure=failure.cause[:200]), Answer(failure.text, blocks, ok=False)
