"""The speakers' consents in SQL. A consent changes from waiting only in an UPDATE whose WHERE says it still waits
(and, for a yes, that its time is not up), so on either engine the first decision (a click, a clip, the expiry sweep,
on any instance) is the only one; the job moves with it in the same transaction."""

from __future__ import annotations

from dataclasses import replace

from bot.records import Answer, Consent, ConsentStatus, Job, Stage
from bot.store import rows
from bot.store.sql.base import SQLAggregate
from bot.store.sql.job_rows import read_jobs
from bot.store.sql.plain import Command, Plan, Query

_COLUMNS = tuple(rows.consent_values(Consent("", "", None, "", None, "", "", "", 0.0, 0.0)))
_INSERT = f"INSERT INTO consents ({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"  # noqa: S608
_WAITING = f"job_id = :job_id AND status = '{ConsentStatus.WAITING}'"
_NOTE = (
    "UPDATE consents SET speaker_name = :speaker_name, statement = :statement, dm_channel = :dm_channel, "  # noqa: S608
    "dm_ts = :dm_ts, button_offered = :button_offered, clip_file_id = :clip_file_id, transcript = :transcript "
    f"WHERE {_WAITING}"
)
_DECIDE = (
    "UPDATE consents SET status = :status, way = :way, decided_by = :decided_by, decided_at = :now, "  # noqa: S608
    f"clip_file_id = :clip_file_id, transcript = :transcript WHERE {_WAITING}"
)
# A yes counts only within the consent's time: past it, the request is as good as expired (the sweep ends it).
_GRANT = f"{_DECIDE} AND expires_at >= :now"
_START = (
    f"UPDATE jobs SET stage = '{Stage.RECEIVED}', owner = :owner, lease_until = :lease_until, "  # noqa: S608
    f"fence = fence + 1, queued_at = :now, updated_at = :now WHERE id = :job_id AND stage = '{Stage.AWAITING_CONSENT}' "
    "RETURNING *"
)
_FAIL = (
    f"UPDATE jobs SET stage = '{Stage.FAILED}', failure = :failure, answer = :answer, owner = NULL, "  # noqa: S608
    f"lease_until = NULL, updated_at = :now WHERE id = :job_id AND stage = '{Stage.AWAITING_CONSENT}'"
)


def insert_consent(consent: Consent) -> Plan[None]:
    """A step of admission: the consent a new job waits for, written with it."""
    yield Command(_INSERT, rows.consent_values(consent))


class SQLConsentBook(SQLAggregate):
    """ConsentBook in SQLite or PostgreSQL."""

    async def consent_for(self, job_id: str) -> Consent | None:
        found = await self._one(Query("SELECT * FROM consents WHERE job_id = :job_id", {"job_id": job_id}))
        return rows.consent(found[0]) if found else None

    async def note_consent(self, consent: Consent) -> bool:
        return await self._one(Command(_NOTE, rows.consent_values(consent))) == 1

    async def note_reply(self, job_id: str, channel: str, ts: str) -> None:
        await self._one(
            Command(
                "UPDATE jobs SET reply_channel = :channel, reply_ts = :ts WHERE id = :job_id AND reply_ts IS NULL",
                {"job_id": job_id, "channel": channel, "ts": ts},
            )
        )

    async def waiting_consents(self, team_id: str, speaker_id: str) -> list[Consent]:
        found = await self._one(
            Query(
                "SELECT * FROM consents WHERE team_id = :team_id AND speaker_id = :speaker_id "  # noqa: S608
                f"AND status = '{ConsentStatus.WAITING}' ORDER BY asked_at DESC",
                {"team_id": team_id, "speaker_id": speaker_id},
            )
        )
        return [rows.consent(row) for row in found]

    async def consent_by_clip(self, team_id: str, file_id: str) -> Consent | None:
        found = await self._one(
            Query(
                "SELECT * FROM consents WHERE team_id = :team_id AND clip_file_id = :file_id "  # noqa: S608
                f"AND status = '{ConsentStatus.WAITING}'",
                {"team_id": team_id, "file_id": file_id},
            )
        )
        return rows.consent(found[0]) if found else None

    async def grant_consent(self, consent: Consent, *, runner: str, lease_seconds: float) -> Job | None:
        return await self._run(self._grant(replace(consent, status=ConsentStatus.AGREED), runner, lease_seconds))

    def _grant(self, consent: Consent, runner: str, lease_seconds: float) -> Plan[Job | None]:
        now = self.clock()
        if (yield Command(_GRANT, {**rows.consent_values(consent), "now": now})) != 1:
            return None
        lease = {"job_id": consent.job_id, "owner": runner, "lease_until": now + lease_seconds, "now": now}
        started = yield Query(_START, lease)
        return (yield from read_jobs(started))[0] if started else None

    async def end_consent(self, consent: Consent, *, failure: str, answer: Answer) -> bool:
        return await self._run(self._end(consent, failure, answer))

    def _end(self, consent: Consent, failure: str, answer: Answer) -> Plan[bool]:
        now = self.clock()
        if (yield Command(_DECIDE, {**rows.consent_values(consent), "now": now})) != 1:
            return False
        failing = {"job_id": consent.job_id, "failure": failure, "answer": rows.answer_to_text(answer), "now": now}
        yield Command(_FAIL, failing)
        return True

    async def overdue_consents(self) -> list[Consent]:
        found = await self._one(
            Query(
                f"SELECT * FROM consents WHERE status = '{ConsentStatus.WAITING}' AND expires_at < :now",  # noqa: S608
                {"now": self.clock()},
            )
        )
        return [rows.consent(row) for row in found]

    async def unasked_consents(self, after_seconds: float) -> list[Consent]:
        found = await self._one(
            Query(
                f"SELECT * FROM consents WHERE status = '{ConsentStatus.WAITING}' AND dm_ts IS NULL "  # noqa: S608
                "AND asked_at < :before",
                {"before": self.clock() - after_seconds},
            )
        )
        return [rows.consent(row) for row in found]

    async def consents_of(self, job_ids: list[str]) -> dict[str, Consent]:
        if not job_ids:
            return {}
        names = ", ".join(f":job{n}" for n in range(len(job_ids)))
        found = await self._one(
            Query(
                f"SELECT * FROM consents WHERE job_id IN ({names})",  # noqa: S608
                {f"job{n}": job_id for n, job_id in enumerate(job_ids)},
            )
        )
        return {row["job_id"]: rows.consent(row) for row in found}

    async def consent_log(self, team_id: str | None = None) -> list[tuple[Consent, Job | None]]:
        return await self._run(self._log(team_id), writes=False)

    @staticmethod
    def _log(team_id: str | None) -> Plan[list[tuple[Consent, Job | None]]]:
        where, values = ("WHERE team_id = :team_id", {"team_id": team_id}) if team_id else ("", {})
        found = yield Query(f"SELECT * FROM consents {where} ORDER BY asked_at, job_id", values)  # noqa: S608
        consents = [rows.consent(row) for row in found]
        jobs: dict[str, Job] = {}
        if consents:
            names = ", ".join(f":job{n}" for n in range(len(consents)))
            ids = {f"job{n}": consent.job_id for n, consent in enumerate(consents)}
            job_rows = yield Query(f"SELECT * FROM jobs WHERE id IN ({names})", ids)  # noqa: S608
            jobs = {job.id: job for job in (yield from read_jobs(job_rows))}
        return [(consent, jobs.get(consent.job_id)) for consent in consents]
