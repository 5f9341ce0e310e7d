"""The embedded SQLite adapter: activities, policies, caseload, signals and the vacancy
projection in one file (`<data_dir>/activities/activities.db`), next to the event outbox so
a change and its events commit together.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from google.protobuf.message import Message

from services.activities.adapters.sqlite_rows import (
    COLUMNS,
    MIGRATIONS,
    SCHEMA,
    TYPES,
    VERIFICATIONS,
    activity_from_row,
    activity_row,
    placeholders,
)
from services.activities.domain.eligibility import employer_key
from services.activities.domain.model import Activity, Channel
from services.activities.domain.periods import ActivityFact
from services.activities.domain.policy import PolicyVersion
from services.activities.domain.vacancy import VacancySummary
from services.activities.service_layer.ports import PendingEvent
from services.common.bus.outbox import immediate_transaction
from services.common.errors import Aborted, t
from services.common.sqlite_checkpoint import WalCheckpointer


class Outbox(Protocol):
    def create_schema(self, conn: sqlite3.Connection) -> None: ...

    def add(
        self, conn: sqlite3.Connection, *, topic: str, key: str, event_type: str, subject: str, message: Message
    ) -> Any: ...


# ISO dates read back as dates: a caseload's thousands of facts share a few hundred days.
_parsed_days: dict[str, date] = {}


class SqliteActivitiesStore:
    """Implements ActivityStore, ObligationStore and VacancyProjection on one SQLite file."""

    def __init__(self, path: Path, outbox: Outbox | None = None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._outbox = outbox
        self._lock = threading.RLock()
        # Parsed policy versions per client; this process is the only writer of policies.
        self._policies: dict[str, list[PolicyVersion]] = {}
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA busy_timeout = 10000")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        # A checkpoint (with fsync) inside a request adds milliseconds to its latency, and the
        # store's lock holds every other request behind it: a thread of its own checkpoints.
        self._conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._checkpointer = WalCheckpointer(self.path, self._lock, name="activities-checkpoint")
        self._migrate()
        self._conn.executescript(SCHEMA)
        if outbox is not None:
            outbox.create_schema(self._conn)

    def _migrate(self) -> None:
        if not self._conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'activity'").fetchone():
            return
        present = {r[1] for r in self._conn.execute("PRAGMA table_info(activity)")}
        for statement in MIGRATIONS:
            if statement.split("ADD COLUMN ")[1].split()[0] not in present:
                self._conn.execute(statement)

    def close(self) -> None:
        self._checkpointer.stop()
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, immediate_transaction(self._conn) as conn:
            yield conn
        self._checkpointer.wrote()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def _emit(self, conn: sqlite3.Connection, events: Sequence[PendingEvent]) -> None:
        if self._outbox is None:
            return
        for event in events:
            self._outbox.add(
                conn,
                topic=event.topic,
                key=event.client_id,
                event_type=event.event_type,
                subject=event.subject,
                message=event.message,
            )

    # -- ActivityStore -----------------------------------------------------------------
    def add_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> tuple[Activity, bool]:
        with self._transaction() as conn:
            found = conn.execute(
                f"SELECT {COLUMNS} FROM activity WHERE client_id = ? AND request_id = ?",
                (activity.client_id, activity.request_id),
            ).fetchone()
            if found is not None:
                return activity_from_row(found), False
            conn.execute(
                f"INSERT INTO activity ({COLUMNS}) VALUES ({placeholders(COLUMNS.split(','))})", activity_row(activity)
            )
            self._emit(conn, events)
        return activity, True

    def get_activity(self, client_id: str, activity_id: str) -> Activity | None:
        rows = self._query(
            f"SELECT {COLUMNS} FROM activity WHERE activity_id = ? AND client_id = ?", (activity_id, client_id)
        )
        return activity_from_row(rows[0]) if rows else None

    def save_activity(self, activity: Activity, events: Sequence[PendingEvent]) -> None:
        with self._transaction() as conn:
            cursor = conn.execute(
                """UPDATE activity SET outcome = ?, verification = ?, verification_reason = ?, verified_by = ?,
                       withdrawn_at = ?, rejection_reason = ? WHERE activity_id = ? AND client_id = ?""",
                (
                    activity.outcome.value,
                    activity.verification.value,
                    activity.verification_reason,
                    activity.verified_by,
                    activity.withdrawn_at.isoformat() if activity.withdrawn_at else None,
                    activity.rejection_reason.value if activity.rejection_reason else None,
                    activity.activity_id,
                    activity.client_id,
                ),
            )
            if cursor.rowcount != 1:
                raise Aborted(t("Deze activiteit bestaat niet meer.", "This activity no longer exists."))
            self._emit(conn, events)

    def list_activities(
        self,
        client_id: str,
        *,
        from_date: date | None,
        to_date: date | None,
        limit: int,
        after: tuple[date, str] | None = None,
    ) -> list[Activity]:
        sql = f"SELECT {COLUMNS} FROM activity WHERE client_id = ? AND withdrawn_at IS NULL"
        params: list[Any] = [client_id]
        if from_date:
            sql += " AND date >= ?"
            params.append(from_date.isoformat())
        if to_date:
            sql += " AND date <= ?"
            params.append(to_date.isoformat())
        if after:
            sql += " AND (date < ? OR (date = ? AND activity_id < ?))"
            params += [after[0].isoformat(), after[0].isoformat(), after[1]]
        sql += " ORDER BY date DESC, activity_id DESC LIMIT ?"
        return [activity_from_row(r) for r in self._query(sql, [*params, limit])]

    def facts_for(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        # Agency registrations of every date: one counts once per agency, across all periods.
        return self._facts(
            client_ids,
            since,
            """SELECT client_id, activity_id, type, date, logged_on, verification, employer, vacancy_id
                FROM activity WHERE client_id IN ({clients}) AND withdrawn_at IS NULL
                AND (date >= ? OR type IN ('agency_registration', 'staffing_pool'))""",
        )

    def assessment_facts(self, client_ids: Sequence[str], since: date) -> dict[str, list[ActivityFact]]:
        # Of the earlier registrations one per agency name (the earliest: SQLite gives the bare
        # columns of the MIN row), so a client's years of re-registrations are not read each time.
        return self._facts(
            client_ids,
            since,
            """SELECT client_id, activity_id, type, date, logged_on, verification, employer, vacancy_id
                FROM activity WHERE client_id IN ({clients}) AND withdrawn_at IS NULL AND date >= ?
            UNION ALL
            SELECT client_id, activity_id, type, MIN(date), logged_on, verification, employer, vacancy_id
                FROM activity WHERE client_id IN ({clients}) AND withdrawn_at IS NULL AND date < ?
                AND type IN ('agency_registration', 'staffing_pool') AND verification != 'rejected'
                GROUP BY client_id, employer""",
        )

    def _facts(self, client_ids: Sequence[str], since: date, sql: str) -> dict[str, list[ActivityFact]]:
        result: dict[str, list[ActivityFact]] = {c: [] for c in client_ids}
        for start in range(0, len(client_ids), 500):
            chunk = list(client_ids[start : start + 500])
            query = sql.format(clients=placeholders(chunk))
            params = [*chunk, since.isoformat()] * sql.count("{clients}")  # each part: its clients, since
            with self._lock:
                cursor = self._conn.cursor()
                cursor.row_factory = None  # plain tuples: a caseload reads thousands of these rows
                rows = cursor.execute(query, params).fetchall()
            days = _parsed_days
            for r in rows:
                result[r[0]].append(
                    ActivityFact(
                        r[1],
                        TYPES[r[2]],
                        days.get(r[3]) or days.setdefault(r[3], date.fromisoformat(r[3])),
                        days.get(r[4]) or days.setdefault(r[4], date.fromisoformat(r[4])),
                        VERIFICATIONS[r[5]],
                        employer_key(r[6]),
                        r[7],
                    )
                )
            if len(days) > 20_000:  # a few decades of days; a bound, not a working set
                days.clear()
        return result

    def last_activity_dates(self, client_ids: Sequence[str]) -> dict[str, date]:
        result: dict[str, date] = {}
        for start in range(0, len(client_ids), 500):
            chunk = list(client_ids[start : start + 500])
            rows = self._query(
                """SELECT c.value, (SELECT date FROM activity INDEXED BY activity_done_by_client_date
                        WHERE client_id = c.value AND withdrawn_at IS NULL AND verification != 'rejected'
                        ORDER BY date DESC LIMIT 1)
                    FROM json_each(?) AS c""",
                [json.dumps(chunk)],
            )
            result.update({r[0]: date.fromisoformat(r[1]) for r in rows if r[1] is not None})
        return result

    def revisions(self, client_ids: Sequence[str]) -> dict[str, int] | None:
        result: dict[str, int] = {}
        for start in range(0, len(client_ids), 500):
            chunk = list(client_ids[start : start + 500])
            rows = self._query(
                f"SELECT client_id, revision FROM client_revision WHERE client_id IN ({placeholders(chunk)})", chunk
            )
            result.update({r[0]: r[1] for r in rows})
        return result

    def erase_before(self, cutoff: date) -> int:
        with self._transaction() as conn:
            return conn.execute(
                "DELETE FROM activity WHERE date < ? AND client_id NOT IN (SELECT client_id FROM legal_hold)",
                (cutoff.isoformat(),),
            ).rowcount

    def erase_client_before(self, client_id: str, cutoff: date, events: Sequence[PendingEvent]) -> int:
        with self._transaction() as conn:
            erased = conn.execute(
                "DELETE FROM activity WHERE client_id = ? AND date < ? AND client_id NOT IN "
                "(SELECT client_id FROM legal_hold)",
                (client_id, cutoff.isoformat()),
            ).rowcount
            self._emit(conn, events)
        return erased

    def count_for_client(self, client_id: str) -> int:
        return int(self._query("SELECT COUNT(*) FROM activity WHERE client_id = ?", (client_id,))[0][0])

    def set_legal_hold(self, client_id: str, kind: str, active: bool, now: str) -> list[str]:
        with self._transaction() as conn:
            if active:
                conn.execute("INSERT OR IGNORE INTO legal_hold VALUES (?, ?, ?)", (client_id, kind, now))
            else:
                conn.execute("DELETE FROM legal_hold WHERE client_id = ? AND kind = ?", (client_id, kind))
            return [
                r[0]
                for r in conn.execute("SELECT kind FROM legal_hold WHERE client_id = ? ORDER BY kind", (client_id,))
            ]

    def legal_holds(self, client_id: str) -> list[str]:
        return [
            r[0] for r in self._query("SELECT kind FROM legal_hold WHERE client_id = ? ORDER BY kind", (client_id,))
        ]

    # -- ObligationStore ---------------------------------------------------------------
    def add_policy_version(self, policy: PolicyVersion, caseworker_id: str | None) -> None:
        with self._transaction() as conn:
            try:
                conn.execute(
                    "INSERT INTO policy_version VALUES (?, ?, ?, ?)",
                    (policy.client_id, policy.version, policy.start_date.isoformat(), policy.model_dump_json()),
                )
            except sqlite3.IntegrityError:
                raise Aborted() from None
            if caseworker_id:
                conn.execute("INSERT OR IGNORE INTO caseload VALUES (?, ?)", (caseworker_id, policy.client_id))
            self._policies.pop(policy.client_id, None)

    def policy_versions(self, client_ids: Sequence[str]) -> dict[str, list[PolicyVersion]]:
        cached = self._policies
        missing = [c for c in client_ids if c not in cached]
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found: dict[str, list[PolicyVersion]] = {c: [] for c in chunk}
            # Read and fill under the lock, so a version added meanwhile cannot be cached stale.
            with self._lock:
                for r in self._query(
                    f"SELECT client_id, body FROM policy_version WHERE client_id IN "
                    f"({placeholders(chunk)}) ORDER BY version",
                    chunk,
                ):
                    found[r[0]].append(PolicyVersion.model_validate_json(r[1]))
                cached.update(found)
        return {c: list(cached.get(c, [])) for c in client_ids}

    def clients_with_policy(self) -> list[str]:
        return [r[0] for r in self._query("SELECT DISTINCT client_id FROM policy_version ORDER BY client_id")]

    def assign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        with self._transaction() as conn:
            if conn.execute("INSERT OR IGNORE INTO caseload VALUES (?, ?)", (caseworker_id, client_id)).rowcount == 0:
                return False
            self._emit(conn, events)
        return True

    def unassign(self, caseworker_id: str, client_id: str, events: Sequence[PendingEvent] = ()) -> bool:
        with self._transaction() as conn:
            if (
                conn.execute(
                    "DELETE FROM caseload WHERE caseworker_id = ? AND client_id = ?", (caseworker_id, client_id)
                ).rowcount
                == 0
            ):
                return False
            self._emit(conn, events)
        return True

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        return bool(
            self._query("SELECT 1 FROM caseload WHERE caseworker_id = ? AND client_id = ?", (caseworker_id, client_id))
        )

    def caseload(self, caseworker_id: str) -> list[str]:
        return [
            r[0]
            for r in self._query(
                "SELECT client_id FROM caseload WHERE caseworker_id = ? ORDER BY client_id", (caseworker_id,)
            )
        ]

    def record_signal(self, client_id: str, period_start: date, kind: str, events: Sequence[PendingEvent]) -> bool:
        with self._transaction() as conn:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO period_signal VALUES (?, ?, ?)", (client_id, period_start.isoformat(), kind)
            )
            if cursor.rowcount == 0:
                return False
            self._emit(conn, events)
        return True

    def recorded_signals(self, client_ids: Sequence[str]) -> dict[str, set[tuple[date, str]]]:
        result: dict[str, set[tuple[date, str]]] = {c: set() for c in client_ids}
        for start in range(0, len(client_ids), 500):
            chunk = list(client_ids[start : start + 500])
            for r in self._query(
                f"SELECT client_id, period_start, kind FROM period_signal WHERE client_id IN ({placeholders(chunk)})",
                chunk,
            ):
                result[r[0]].add((date.fromisoformat(r[1]), r[2]))
        return result

    # -- VacancyProjection ---------------------------------------------------------------
    def upsert_vacancy(self, vacancy: VacancySummary) -> None:
        with self._transaction() as conn:
            conn.execute(
                """INSERT INTO vacancy_projection VALUES (?, ?, ?, ?, ?) ON CONFLICT (vacancy_id) DO UPDATE SET
                   title = excluded.title, employer = excluded.employer, channel = excluded.channel,
                   open = excluded.open""",
                (vacancy.vacancy_id, vacancy.title, vacancy.employer, vacancy.channel.value, int(vacancy.open)),
            )

    def close_vacancy(self, vacancy_id: str) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE vacancy_projection SET open = 0 WHERE vacancy_id = ?", (vacancy_id,))

    def vacancy(self, vacancy_id: str) -> VacancySummary | None:
        rows = self._query(
            "SELECT vacancy_id, title, employer, channel, open FROM vacancy_projection WHERE vacancy_id = ?",
            (vacancy_id,),
        )
        if not rows:
            return None
        r = rows[0]
        return VacancySummary(vacancy_id=r[0], title=r[1], employer=r[2], channel=Channel(r[3]), open=bool(r[4]))
