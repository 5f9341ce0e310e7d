"""Processing log after the Logius standard "Logboek Dataverwerkingen" (LDV).

Every read or change of a client's data leaves one record: trace and span id (from the
request's W3C trace context), name, start and end time, status, the processing activity
(a URI from the register below), the data subject's pseudonymous id and its type, and the
actor. The record's attribute names follow LDV's `dpl.core.*` vocabulary when exported.
"""

from __future__ import annotations

import contextvars
import logging
import secrets
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, TypeAdapter

from services.common.sqlite_checkpoint import WalCheckpointer

REGISTER_BASE = "urn:jobmatch:verwerkingsactiviteit:"
_logger = logging.getLogger("jobmatch.processing_log")


@dataclass(frozen=True)
class ProcessingActivity:
    key: str
    name_nl: str
    name_en: str

    @property
    def uri(self) -> str:
        return REGISTER_BASE + self.key


ACTIVITIES: dict[str, ProcessingActivity] = {
    a.key: a
    for a in (
        ProcessingActivity("manage-search-profile", "Zoekprofiel beheren", "Manage search profile"),
        ProcessingActivity("tailored-vacancy-feed", "Vacatures op maat tonen", "Tailored vacancy feed"),
        ProcessingActivity(
            "reverse-vacancy-matching", "Vacature koppelen aan werkzoekenden", "Match a vacancy to job seekers"
        ),
        ProcessingActivity("record-feed-feedback", "Reactie op vacature vastleggen", "Record feedback on a vacancy"),
        ProcessingActivity(
            "log-sollicitatie-activity", "Sollicitatieactiviteit vastleggen", "Log a job-application activity"
        ),
        ProcessingActivity(
            "read-sollicitatie-activities", "Sollicitatieactiviteiten inzien", "Read job-application activities"
        ),
        ProcessingActivity("set-obligation-policy", "Sollicitatieplicht vaststellen", "Set the job-search obligation"),
        ProcessingActivity("obligation-status", "Stand sollicitatieplicht bepalen", "Assess the job-search obligation"),
        ProcessingActivity(
            "verify-sollicitatie-activity",
            "Sollicitatieactiviteit controleren",
            "Verify a job-application activity",
        ),
        ProcessingActivity("caseload-overview", "Caseload overzien", "Caseload overview"),
        ProcessingActivity(
            "caseload-assignment", "Klant toewijzen aan klantmanager", "Assign a client to a caseworker"
        ),
        ProcessingActivity(
            "sollicitatie-contact-person",
            "Contactpersoon bij sollicitatie vastleggen of inzien",
            "Record or show the contact person of an application",
        ),
        ProcessingActivity(
            "legal-hold",
            "Bewaren bij bezwaar, beroep of terugvordering",
            "Keep records during objection, appeal or recovery",
        ),
        ProcessingActivity("subject-access-request", "Inzageverzoek behandelen", "Subject access request"),
        ProcessingActivity("erase-client-data", "Gegevens van klant wissen", "Erase client data"),
        ProcessingActivity("retention-sweep", "Bewaartermijn toepassen", "Apply the retention period"),
    )
}

Status = Literal["ok", "error", "denied"]


class ProcessingRecord(BaseModel):
    trace_id: str
    span_id: str
    name: str
    start_time: datetime
    end_time: datetime
    status: Status
    processing_activity_id: str
    data_subject_id: str
    data_subject_id_type: str = "jobmatch-client-id"
    actor: str
    service: str

    def as_ldv_attributes(self) -> dict[str, str]:
        return {
            "dpl.core.processing_activity_id": self.processing_activity_id,
            "dpl.core.data_subject_id": self.data_subject_id,
            "dpl.core.data_subject_id_type": self.data_subject_id_type,
            "dpl.core.user_id": self.actor,
        }


class ProcessingLog(Protocol):
    def write(self, record: ProcessingRecord) -> None: ...

    def write_many(self, records: Sequence[ProcessingRecord]) -> None: ...

    def write_for_subjects(self, record: ProcessingRecord, subject_ids: Sequence[str]) -> None:
        """`record` once per subject, with that subject's id: the records of one call."""
        ...

    def list_for_subject(self, data_subject_id: str, limit: int = 1000, offset: int = 0) -> list[ProcessingRecord]: ...

    def erase_subject(self, data_subject_id: str) -> int: ...


class SqliteProcessingLog:
    """Embedded adapter: one table in a file under the service's data dir.

    A record is committed (to the write-ahead log) before the call that wrote it answers; the
    checkpoints that copy the WAL into the file and fsync both run on a thread of their own
    (`sqlite_checkpoint.WalCheckpointer`), not in the writing request. SQLite's automatic one (every 1 000 pages)
    ran in the commit of every second caseload call of 500 clients (each record adds an entry
    to the subject index: ~600 pages a call) and its copying and fsyncs added 20-50 ms to it
    (issue 20, P7)."""

    _FIELDS = tuple(ProcessingRecord.model_fields)

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.execute("PRAGMA wal_autocheckpoint=0")  # the checkpointer's job
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS processing_log ("
            "seq INTEGER PRIMARY KEY AUTOINCREMENT, trace_id TEXT, span_id TEXT, name TEXT,"
            " start_time TEXT, end_time TEXT, status TEXT, processing_activity_id TEXT,"
            " data_subject_id TEXT, data_subject_id_type TEXT, actor TEXT, service TEXT)"
        )
        self._conn.execute("CREATE INDEX IF NOT EXISTS processing_log_subject ON processing_log(data_subject_id, seq)")
        self._lock = threading.Lock()
        self._checkpointer = WalCheckpointer(path, self._lock, name="processing-log-checkpoint")

    _INSERT = f"INSERT INTO processing_log ({', '.join(_FIELDS)}) VALUES ({', '.join('?' for _ in _FIELDS)})"

    def write(self, record: ProcessingRecord) -> None:
        self.write_many([record])

    def write_many(self, records: Sequence[ProcessingRecord]) -> None:
        """One transaction for all records: a caseload of 300 clients is one write, not 300."""
        self._insert(_rows(records))

    def write_for_subjects(self, record: ProcessingRecord, subject_ids: Sequence[str]) -> None:
        """As `write_many` of `record` per subject, without a record object per subject: a
        caseload call's 500 validated records cost more CPU than storing them."""
        if not all(isinstance(s, str) for s in subject_ids):
            raise TypeError("subject ids are strings")
        (row,) = _rows([record])
        # In subject order: each lands beside the last in the subject index (~15 % less CPU);
        # a subject's records keep their order, the only order the log is read in.
        self._insert([(*row[:_SUBJECT], subject_id, *row[_SUBJECT + 1 :]) for subject_id in sorted(subject_ids)])

    def _insert(self, rows: Sequence[tuple[str, ...]]) -> None:
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                self._conn.executemany(self._INSERT, rows)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        self._checkpointer.wrote()

    def list_for_subject(self, data_subject_id: str, limit: int = 1000, offset: int = 0) -> list[ProcessingRecord]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {', '.join(self._FIELDS)} FROM processing_log "
                "WHERE data_subject_id = ? ORDER BY seq LIMIT ? OFFSET ?",
                (data_subject_id, limit, offset),
            ).fetchall()
        return [ProcessingRecord(**dict(zip(self._FIELDS, row, strict=True))) for row in rows]

    def erase_subject(self, data_subject_id: str) -> int:
        with self._lock:
            erased = self._conn.execute(
                "DELETE FROM processing_log WHERE data_subject_id = ?", (data_subject_id,)
            ).rowcount
        self._checkpointer.wrote()
        return int(erased)

    def close(self) -> None:
        self._checkpointer.stop()
        with self._lock:
            self._conn.close()


_timestamp = TypeAdapter(datetime)
_SUBJECT = SqliteProcessingLog._FIELDS.index("data_subject_id")  # its place in a row of _rows


def _rows(records: Sequence[ProcessingRecord]) -> list[tuple[str, ...]]:
    """The records' column values as `model_dump(mode="json")` gives them (pydantic's own text
    for a datetime), read from the attributes: dumping each record cost more than storing it,
    and the records of one call share their times, so each distinct time is formatted once."""
    texts: dict[datetime, str] = {}

    def text(moment: datetime) -> str:
        found = texts.get(moment)
        if found is None:
            found = texts[moment] = _timestamp.dump_python(moment, mode="json")
        return found

    return [
        (
            r.trace_id,
            r.span_id,
            r.name,
            text(r.start_time),
            text(r.end_time),
            r.status,
            r.processing_activity_id,
            r.data_subject_id,
            r.data_subject_id_type,
            r.actor,
            r.service,
        )
        for r in records
    ]


@dataclass(frozen=True)
class CallContext:
    """What the interceptor knows about the running RPC, for records the app layer writes."""

    log: ProcessingLog
    service: str
    name: str
    trace_id: str
    span_id: str
    actor: str
    start_time: datetime


_call: contextvars.ContextVar[CallContext | None] = contextvars.ContextVar("jobmatch_call", default=None)


def parse_traceparent(value: str | None) -> tuple[str, str]:
    """Trace and span id of this service's work: those of the OpenTelemetry span running now
    (the gRPC server span continues the caller's `traceparent`, a consumer span the event's),
    so the processing log and a trace backend name the same trace. Without a span (tracing
    off): the trace id of a W3C `traceparent` header and a fresh span id."""
    from services.common.observability.tracing import current_ids

    current = current_ids()
    if current is not None:
        return current
    span_id = secrets.token_hex(8)
    if value:
        parts = value.strip().split("-")
        if len(parts) == 4 and len(parts[1]) == 32 and len(parts[2]) == 16:
            try:
                int(parts[1], 16)
                return parts[1], span_id
            except ValueError:
                pass
    return secrets.token_hex(16), span_id


@contextmanager
def call_context(ctx: CallContext) -> Iterator[CallContext]:
    token = _call.set(ctx)
    try:
        yield ctx
    finally:
        _call.reset(token)


def write_records(ctx: CallContext, activity: str, subject_ids: Sequence[str], status: Status) -> None:
    if not subject_ids:
        return
    record = ProcessingRecord(
        trace_id=ctx.trace_id,
        span_id=ctx.span_id,
        name=ctx.name,
        start_time=ctx.start_time,
        end_time=datetime.now(UTC),
        status=status,
        processing_activity_id=ACTIVITIES[activity].uri,
        data_subject_id=subject_ids[0],
        actor=ctx.actor,
        service=ctx.service,
    )
    if len(subject_ids) == 1:
        ctx.log.write(record)
    else:
        ctx.log.write_for_subjects(record, subject_ids)


def write_record(ctx: CallContext, activity: str, subject_id: str, status: Status) -> None:
    write_records(ctx, activity, [subject_id], status)


def record_processing_many(activity: str, subject_ids: Sequence[str], status: Status = "ok") -> None:
    """For use cases that touch several clients in one call (caseload, reverse matching):
    one record per client, written together. Consumers and sweepers set a
    `background_context` so their processing is logged too."""
    if activity not in ACTIVITIES:
        raise KeyError(f"unknown processing activity {activity!r}")
    ctx = _call.get()
    if ctx is None or not subject_ids:
        return
    write_records(ctx, activity, subject_ids, status)


def record_processing(activity: str, subject_id: str, status: Status = "ok") -> None:
    record_processing_many(activity, [subject_id], status)


@contextmanager
def background_context(log: ProcessingLog, service: str, name: str) -> Iterator[CallContext]:
    """Processing done by the system itself (consumers, sweepers) is logged as well."""
    trace_id, span_id = parse_traceparent(None)
    with call_context(
        CallContext(
            log=log,
            service=service,
            name=name,
            trace_id=trace_id,
            span_id=span_id,
            actor=f"system:{service}",
            start_time=datetime.now(UTC),
        )
    ) as ctx:
        yield ctx
