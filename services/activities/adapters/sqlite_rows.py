"""Table layout of the activities SQLite file and the mapping of activity rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from services.activities.domain.model import (
    Activity,
    ActivityType,
    Channel,
    Evidence,
    Outcome,
    RejectionReason,
    Verification,
)


def _revision_triggers(table: str) -> str:
    """Triggers that raise the revision of the client whose row of `table` changed (of both
    clients, should an update move a row)."""
    bump = (
        "    INSERT INTO client_revision VALUES ({row}.client_id, 1)\n"
        "        ON CONFLICT (client_id) DO UPDATE SET revision = revision + 1;\n"
    )
    changes = {"inserted": ("INSERT", ["NEW"]), "updated": ("UPDATE", ["OLD", "NEW"]), "deleted": ("DELETE", ["OLD"])}
    return "".join(
        f"CREATE TRIGGER IF NOT EXISTS {table}_{name} AFTER {event} ON {table} BEGIN\n"
        + "".join(bump.format(row=row) for row in rows)
        + "END;\n"
        for name, (event, rows) in changes.items()
    )


SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS activity (
    activity_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, request_id TEXT NOT NULL,
    type TEXT NOT NULL, type_description TEXT NOT NULL, date TEXT NOT NULL,
    employer TEXT NOT NULL, position TEXT NOT NULL, channel TEXT NOT NULL, vacancy_id TEXT NOT NULL,
    contact_role TEXT NOT NULL, outcome TEXT NOT NULL, evidence_name TEXT, evidence_digest TEXT,
    evidence_url TEXT, note TEXT NOT NULL, verification TEXT NOT NULL, verification_reason TEXT NOT NULL,
    verified_by TEXT NOT NULL, logged_at TEXT NOT NULL, logged_on TEXT NOT NULL, withdrawn_at TEXT,
    contact_person TEXT NOT NULL DEFAULT '', rejection_reason TEXT,
    UNIQUE (client_id, request_id)
);
CREATE INDEX IF NOT EXISTS activity_by_client_date ON activity (client_id, date, activity_id);
CREATE INDEX IF NOT EXISTS activity_by_date ON activity (date);
-- Last activity per client: one index seek per client instead of a scan.
CREATE INDEX IF NOT EXISTS activity_done_by_client_date ON activity (client_id, date)
    WHERE withdrawn_at IS NULL AND verification != 'rejected';
CREATE TABLE IF NOT EXISTS policy_version (
    client_id TEXT NOT NULL, version INTEGER NOT NULL, start_date TEXT NOT NULL, body TEXT NOT NULL,
    PRIMARY KEY (client_id, version)
);
CREATE TABLE IF NOT EXISTS caseload (
    caseworker_id TEXT NOT NULL, client_id TEXT NOT NULL, PRIMARY KEY (caseworker_id, client_id)
);
CREATE TABLE IF NOT EXISTS period_signal (
    client_id TEXT NOT NULL, period_start TEXT NOT NULL, kind TEXT NOT NULL,
    PRIMARY KEY (client_id, period_start, kind)
);
-- Objection, appeal or recovery: no retention deletion of the client's activities while set.
CREATE TABLE IF NOT EXISTS legal_hold (
    client_id TEXT NOT NULL, kind TEXT NOT NULL, set_at TEXT NOT NULL, PRIMARY KEY (client_id, kind)
);
-- A number per client that every change of its activities or policy versions raises, kept
-- by triggers so that no write path can forget it: the caseload keeps a client's assessment
-- while the number stays the same (ActivityStore.revisions).
CREATE TABLE IF NOT EXISTS client_revision (client_id TEXT PRIMARY KEY, revision INTEGER NOT NULL) WITHOUT ROWID;
"""
    + "".join(_revision_triggers(table) for table in ("activity", "policy_version"))
    + """CREATE TABLE IF NOT EXISTS vacancy_projection (
    vacancy_id TEXT PRIMARY KEY, title TEXT NOT NULL, employer TEXT NOT NULL,
    channel TEXT NOT NULL, open INTEGER NOT NULL
);
"""
)

COLUMNS = (
    "activity_id, client_id, request_id, type, type_description, date, employer, position, channel, "
    "vacancy_id, contact_role, outcome, evidence_name, evidence_digest, evidence_url, note, verification, "
    "verification_reason, verified_by, logged_at, logged_on, withdrawn_at, contact_person, rejection_reason"
)
# Columns added after the first release: added to existing files on open.
MIGRATIONS = (
    "ALTER TABLE activity ADD COLUMN contact_person TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE activity ADD COLUMN rejection_reason TEXT",
)


def activity_row(a: Activity) -> tuple[Any, ...]:
    e = a.evidence
    return (
        a.activity_id,
        a.client_id,
        a.request_id,
        a.type.value,
        a.type_description,
        a.date.isoformat(),
        a.employer,
        a.position,
        a.channel.value,
        a.vacancy_id,
        a.contact_role,
        a.outcome.value,
        e.document_name if e else None,
        e.sha256_digest if e else None,
        e.url if e else None,
        a.note,
        a.verification.value,
        a.verification_reason,
        a.verified_by,
        a.logged_at.isoformat(),
        a.logged_at.date().isoformat(),
        a.withdrawn_at.isoformat() if a.withdrawn_at else None,
        a.contact_person,
        a.rejection_reason.value if a.rejection_reason else None,
    )


def activity_from_row(r: sqlite3.Row) -> Activity:
    has_evidence = r["evidence_name"] is not None or r["evidence_url"] is not None
    return Activity(
        activity_id=r["activity_id"],
        client_id=r["client_id"],
        request_id=r["request_id"],
        type=ActivityType(r["type"]),
        type_description=r["type_description"],
        date=date.fromisoformat(r["date"]),
        employer=r["employer"],
        position=r["position"],
        channel=Channel(r["channel"]),
        vacancy_id=r["vacancy_id"],
        contact_role=r["contact_role"],
        outcome=Outcome(r["outcome"]),
        evidence=Evidence(
            document_name=r["evidence_name"] or "",
            sha256_digest=r["evidence_digest"] or "",
            url=r["evidence_url"] or "",
        )
        if has_evidence
        else None,
        note=r["note"],
        verification=Verification(r["verification"]),
        verification_reason=r["verification_reason"],
        verified_by=r["verified_by"],
        logged_at=datetime.fromisoformat(r["logged_at"]),
        withdrawn_at=datetime.fromisoformat(r["withdrawn_at"]) if r["withdrawn_at"] else None,
        contact_person=r["contact_person"],
        rejection_reason=RejectionReason(r["rejection_reason"]) if r["rejection_reason"] else None,
    )


TYPES = {t.value: t for t in ActivityType}
VERIFICATIONS = {v.value: v for v in Verification}


def placeholders(items: Sequence[Any]) -> str:
    return ",".join("?" * len(items))
