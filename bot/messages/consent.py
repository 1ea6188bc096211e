"""What people see of the speaker's consent (CONSENT on): the request waiting in its thread, the message that asks
the speaker (or, for someone outside Slack, an admin), what a reading of the statement got wrong, the end of a request
nobody agreed to, refusals of clicks and clips, and the record as the library, the list and the audit log show it."""

from __future__ import annotations

from typing import Any

from bot.messages.ids import CONSENT_AGREE_ACTION, CONSENT_ATTEST_ACTION, CONSENT_DECLINE_ACTION
from bot.messages.mrkdwn import bold, escape, link, local_time, person, utc_time
from bot.records import Consent, ConsentStatus, ConsentWay

_MISSING = {  # bot.consent.statement.Missing's values -> what the speaker is told
    "name": "your name",
    "code": "the code",
    "words": "some of the other words",
}


def _quote(text: str) -> str:
    return "\n".join(f"> {escape(line)}" for line in text.splitlines() or [""])


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _button(action_id: str, label: str, job_id: str, style: str | None = None) -> dict[str, Any]:
    button = {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": label}, "value": job_id}
    return {**button, "style": style} if style else button


def _answer_buttons(job_id: str, *, agree: bool = True) -> dict[str, Any]:
    elements = [_button(CONSENT_AGREE_ACTION, "I agree", job_id, "primary")] if agree else []
    elements.append(_button(CONSENT_DECLINE_ACTION, "I don't agree", job_id))
    return {"type": "actions", "elements": elements}


def unknown_speaker(typed: str) -> str:
    return (
        f"I couldn't tell who “{escape(typed)}” is. Name the speaker by picking them from Slack's list as you type @ "
        "(`voice=@ana`), or say `voice=me` for your own voice."
    )


# --- the request's thread while it waits ----------------------------------------------------------------


def waiting_for(speaker_id: str | None) -> str:
    """ "waiting for <@ana>'s consent", as the thread and `/clone-voice list` say it."""
    who = f"{person(speaker_id)}'s consent" if speaker_id else "a workspace admin to confirm the speaker's consent"
    return f"waiting for {who}"


def waiting(name: str, speaker_id: str | None) -> str:
    return f":hourglass: Cloning {bold(name)}… {waiting_for(speaker_id)}. Nothing is sent to RevRing until then."


def period(seconds: float) -> str:
    """How long a request waits for its speaker, in words: `24 hours` (CONSENT_HOURS), or for a Workflow Builder
    step's run, whose wait is bounded by STEP_QUEUE_SECONDS, `5 minutes`."""
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        if seconds >= size or unit == "second":
            count = round(seconds / size)
            return f"{count} {unit}{'' if count == 1 else 's'}"
    raise AssertionError("unreachable")


def ask_here_blocks(name: str, statement: str, job_id: str, within: str) -> list[dict[str, Any]]:
    """`voice=me` with CONSENT=speaker: the requester is the speaker, asked in the request's own thread."""
    text = (
        f":hourglass: Before I clone {bold(name)} from your recording, please confirm it is your voice and that you "
        f"agree:\n{_quote(statement)}\nNothing is sent to RevRing until you do; this request ends in {within}."
    )
    return [_section(text), _answer_buttons(job_id)]


def attest_blocks(name: str, requester: str, job_id: str, within: str) -> list[dict[str, Any]]:
    """Someone outside Slack: an admin attests that the speaker's written consent is on file."""
    text = (
        f":hourglass: {bold(name)} is the voice of someone outside Slack. A workspace admin must confirm that the "
        f"speaker's written consent to an AI voice is on file before {person(requester)}'s request goes ahead. "
        f"Nothing is sent to RevRing until then; this request ends in {within}."
    )
    buttons = [
        _button(CONSENT_ATTEST_ACTION, "Written consent is on file", job_id, "primary"),
        _button(CONSENT_DECLINE_ACTION, "No consent", job_id),
    ]
    return [_section(text), {"type": "actions", "elements": buttons}]


# --- the message that asks the speaker --------------------------------------------------------------------


def ask_text(requester: str, name: str) -> str:
    return f"{person(requester)} asks for your consent to make an AI voice named {bold(name)} from your recording."


def ask_blocks(
    *, requester: str, name: str, clip_url: str, statement: str, recorded: bool, job_id: str, within: str
) -> list[dict[str, Any]]:
    clip = link(clip_url, "the recording").removeprefix(" · ") or "a recording"
    intro = (
        f"{person(requester)} would like to make an AI voice named {bold(name)} from {clip} of your voice. "
        "Nothing is sent to RevRing unless you agree."
    )
    if recorded:
        how = (
            "To agree, record a clip here (the microphone in the message box) reading this aloud, word for word:\n"
            f"{_quote(statement)}\nI check it against Slack's transcription of your clip."
        )
    else:
        how = f"To agree, click *I agree* below; you agree to this:\n{_quote(statement)}"
    ends = f"This request ends in {within}; no answer means no."
    return [_section(f"{intro}\n\n{how}\n{ends}"), _answer_buttons(job_id, agree=not recorded)]


def reading_missed(heard: str, missing: tuple[str, ...], statement: str) -> str:
    lacks = [_MISSING.get(part, part) for part in missing] or ["the statement"]
    listed = lacks[0] if len(lacks) == 1 else f"{', '.join(lacks[:-1])} and {lacks[-1]}"
    said = f"“{escape(heard)}”" if heard.strip() else "nothing I could make out"
    return (
        f"Thanks for recording. Slack heard {said}, and I couldn't find {listed} in it. Please record it once more, "
        f"word for word (a quiet room helps):\n{_quote(statement)}"
    )


def no_transcript() -> str:
    return (
        "Slack made no transcription of your clip (it doesn't for every plan and language), so I can't check the "
        "words. If you agree, click *I agree*: the record will say you agreed with the button, without a "
        "transcription."
    )


def no_transcript_blocks(job_id: str) -> list[dict[str, Any]]:
    return [_section(no_transcript()), _answer_buttons(job_id)]


def record_a_clip() -> str:
    return (
        "Please record the statement as a clip in this conversation (the microphone in the message box); an uploaded "
        "file can't be checked against Slack's transcription."
    )


def not_your_clip() -> str:
    return "That clip was recorded by someone else. Only your own voice can give your consent: please record it."


def agreed(name: str, way: ConsentWay | None, when: float) -> str:
    how = {ConsentWay.RECORDED: "in your recording"}.get(way or ConsentWay.BUTTON, "with the button")
    return f":white_check_mark: Thank you. You agreed {how} {local_time(when)}; {bold(name)} is being cloned now."


def ended_for_speaker(name: str, status: ConsentStatus) -> str:
    if status is ConsentStatus.EXPIRED:
        return f"This request for {bold(name)} has expired without an answer. Nothing was sent to RevRing."
    return f"You did not agree, so {bold(name)} will not be made. Nothing was sent to RevRing."


# --- the end of a request nobody agreed to (in the request's thread) --------------------------------------


def declined(name: str, consent: Consent) -> str:
    who = person(consent.speaker_id) if consent.speaker_id else f"The admin {person(consent.decided_by)}"
    what = "did not agree to" if consent.speaker_id else "did not confirm written consent for"
    return (
        f"{who} {what} an AI voice named {bold(name)}, so it was not made. Nothing was sent to RevRing and this "
        "request has ended."
    )


def expired(name: str, consent: Consent) -> str:
    who = person(consent.speaker_id) if consent.speaker_id else "a workspace admin"
    within = period(consent.expires_at - consent.asked_at)
    return (
        f"No answer from {who} within {within}, so {bold(name)} was not made. Nothing was sent to RevRing and "
        "this request has ended; ask again when they are around."
    )


def unreachable(name: str, speaker_id: str | None, refused: str) -> str:
    return (
        f"I couldn't ask {person(speaker_id)} for their consent to {bold(name)}: Slack would not let me message them "
        f"(`{escape(refused)}`). Nothing was sent to RevRing and this request has ended. Check that you named the "
        "right person (a member of this workspace, not a bot) and ask again."
    )


# --- refusals -----------------------------------------------------------------------------------------------


def only_the_speaker(speaker_id: str | None) -> str:
    return f"Only {person(speaker_id)} can answer this: it is their voice."


def only_admins_attest() -> str:
    return "Only a workspace admin or owner can confirm that the speaker's written consent is on file."


def already_answered(consent: Consent) -> str:
    return f"This request was answered already: {record_line(consent)}."


def request_gone() -> str:
    return "I no longer have this request. Ask for the voice again if it is still wanted."


def ask_again() -> str:
    return "The speaker did not agree to this request. To try again, ask for the voice anew: they are asked again."


def clip_expected() -> str:
    return "This request asks for the statement read aloud in a clip: please record it in this conversation."


# --- the record ---------------------------------------------------------------------------------------------

_WAYS = {
    ConsentWay.BUTTON: "agreed by {who} with the button",
    ConsentWay.RECORDED: "recorded by {who}",
    ConsentWay.BUTTON_NO_TRANSCRIPT: "agreed by {who} with the button (Slack made no transcription of the clip)",
    ConsentWay.ATTESTED: "written consent attested by the admin {who}",
}


def record_line(consent: Consent) -> str:
    """ "Consent: recorded by @ana on …", as the library and the list show it (mrkdwn)."""
    if consent.status is ConsentStatus.WAITING:
        who = person(consent.speaker_id) if consent.speaker_id else "an admin"
        return f"Consent: waiting for {who}"
    when = local_time(consent.decided_at or consent.asked_at)
    if consent.status is ConsentStatus.EXPIRED:
        return f"Consent: expired unanswered {when}"
    if consent.status is ConsentStatus.UNREACHABLE:
        return f"Consent: {person(consent.speaker_id)} could not be asked {when}"
    if consent.status is ConsentStatus.DECLINED:
        return f"Consent: declined by {person(consent.decided_by)} {when}"
    line = _WAYS[consent.way or ConsentWay.BUTTON].format(who=person(consent.decided_by))
    return f"Consent: {line} {when}"


def log_record(consent: Consent, voice_id: str | None) -> dict[str, Any]:
    """One consent for `python -m bot consent-log --json`: who, how, when, the clip and what Slack heard."""
    return {
        "job_id": consent.job_id,
        "team_id": consent.team_id,
        "enterprise_id": consent.enterprise_id,
        "voice_name": consent.voice_name,
        "voice_id": voice_id,
        "requested_by": consent.requested_by,
        "speaker_id": consent.speaker_id,
        "speaker_outside_slack": consent.outside,
        "speaker_name": consent.speaker_name,
        "mode": consent.mode,
        "statement": consent.statement,
        "status": str(consent.status),
        "how": str(consent.way) if consent.way else None,
        "decided_by": consent.decided_by,
        "asked_at": utc_time(consent.asked_at),
        "decided_at": utc_time(consent.decided_at) if consent.decided_at else None,
        "clip_file_id": consent.clip_file_id,
        "transcript": consent.transcript or None,
    }


def log_line(record: dict[str, Any]) -> str:
    """The same record as one line of text, for a terminal."""
    speaker = "someone outside Slack" if record["speaker_outside_slack"] else record["speaker_id"]
    line = (
        f"{record['asked_at']}  {record['voice_name']!r} ({record['voice_id'] or 'no voice'})  speaker {speaker}  "
        f"asked by {record['requested_by']}  {record['status']}"
    )
    if record["how"]:
        line += f" {record['how']} by {record['decided_by']} at {record['decided_at']}"
    if record["clip_file_id"]:
        line += f"  clip {record['clip_file_id']}: {record['transcript']!r}"
    return line
