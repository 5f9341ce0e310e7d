"""Embedded SQLite store of the matching service: one file `<data_dir>/matching/matching.db`.

Holds profiles (with the in-memory ProfileMatchIndex for reverse matching), the projection of
open vacancies (with the in-memory VacancyIndex for feeds), the current match set per vacancy,
feedback, feed visits and the event outbox. Rows are JSON documents of the domain models; the
indexes are rebuilt from them at start. One lock serialises writers and index access.
"""

from __future__ import annotations

import gc
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from pathlib import Path

from jobmatch.events.v1.privacy_events_pb2 import ClientDataErased
from services.common.bus.outbox import PendingEvent, SqliteOutbox, configure_connection
from services.common.bus.topics import PRIVACY
from services.common.privacy import EVENT_TYPE_ERASED
from services.matching.domain.model import FeedbackKind, OpenVacancy, SearchProfile
from services.matching.domain.profile_index import ProfileMatchIndex
from services.matching.domain.ranking import ProfileMatch
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria, compile_profile, compile_vacancy
from services.matching.domain.vacancy_index import VacancyIndex

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_profile (client_id TEXT PRIMARY KEY, body TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS open_vacancy (vacancy_id TEXT PRIMARY KEY, body TEXT NOT NULL)",
    # When each vacancy closed: an older version redelivered after the closure must not reopen it.
    "CREATE TABLE IF NOT EXISTS closed_vacancy (vacancy_id TEXT PRIMARY KEY, closed_at TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS vacancy_match (vacancy_id TEXT NOT NULL, client_id TEXT NOT NULL,
           score REAL NOT NULL, PRIMARY KEY (vacancy_id, client_id))""",
    "CREATE INDEX IF NOT EXISTS vacancy_match_client ON vacancy_match (client_id)",
    """CREATE TABLE IF NOT EXISTS feedback (client_id TEXT NOT NULL, vacancy_id TEXT NOT NULL, kind INTEGER NOT NULL,
           recorded_at TEXT NOT NULL, PRIMARY KEY (client_id, vacancy_id, kind))""",
    "CREATE TABLE IF NOT EXISTS feed_state (client_id TEXT PRIMARY KEY, last_visit_at TEXT NOT NULL)",
)


def _visit_connection(path: Path) -> sqlite3.Connection:
    """The connection feed visits are committed on: WAL with synchronous=NORMAL, no fsync per visit.

    Every other write of this store commits on the main connection with SQLite's default
    synchronous=FULL, which fsyncs the WAL at each commit (~10-15 ms on a busy disk, most of a
    feed call). A visit (`feed_state.last_visit_at`) only says from when "new" is counted, so:
    - a crash of the process loses nothing: a committed visit is in the WAL file (the OS has
      it), and the next open replays it;
    - a crash of the machine (power, kernel) can lose the visits committed since the WAL was
      last synced, which is at the next commit on the main connection (an fsync of the WAL
      file covers the frames of both connections, written in commit order) or checkpoint.
      Such a lost visit makes the next feed count "new" from the visit before, so a few
      vacancies are marked new once more. Recovery keeps a prefix of the WAL: it can never
      drop a FULL commit (profile, feedback, vacancy, outbox event) while keeping a later visit.
    What a crash can never lose stays on the main connection. The record that the client's
    data was read is not this row: the gRPC layer writes it to the processing log
    (`services/common/processing_log.py`, its own file, also WAL + synchronous=NORMAL).
    """
    conn = sqlite3.connect(path, check_same_thread=False)
    configure_connection(conn)
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


class SqliteMatchingStore:
    """Implements ProfileStore, VacancyProjectionStore and FeedStateStore."""

    def __init__(self, path: Path, outbox: SqliteOutbox) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._outbox = outbox
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False)
        configure_connection(self._conn)
        for statement in _SCHEMA:
            self._conn.execute(statement)
        self._conn.commit()
        outbox.create_schema(self._conn)
        self._visits = _visit_connection(self.path)
        self._profiles = ProfileMatchIndex()
        self._vacancies = VacancyIndex()
        self._load()

    def _load(self) -> None:
        for (body,) in self._conn.execute("SELECT body FROM search_profile"):
            self._profiles.upsert(compile_profile(SearchProfile.model_validate_json(body)))
        for (body,) in self._conn.execute("SELECT body FROM open_vacancy"):
            self._vacancies.upsert(compile_vacancy(OpenVacancy.model_validate_json(body)))
        # The indexes live as long as the process: keep the collector from rescanning them.
        gc.collect()
        gc.freeze()

    def close(self) -> None:
        with self._lock:
            self._visits.close()
            self._conn.close()

    # -- ProfileStore ------------------------------------------------------------
    def get_profile(self, client_id: str) -> SearchProfile | None:
        with self._lock:
            row = self._conn.execute("SELECT body FROM search_profile WHERE client_id = ?", (client_id,)).fetchone()
        return SearchProfile.model_validate_json(row[0]) if row else None

    def save_profile(self, profile: SearchProfile) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                """INSERT INTO search_profile (client_id, body, updated_at) VALUES (?, ?, ?)
                   ON CONFLICT (client_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at""",
                (profile.client_id, profile.model_dump_json(), profile.updated_at.isoformat()),
            )
            self._profiles.upsert(compile_profile(profile))

    def delete_profile(self, client_id: str) -> bool:
        with self._lock, self._conn:
            deleted = self._conn.execute("DELETE FROM search_profile WHERE client_id = ?", (client_id,)).rowcount
            self._profiles.remove(client_id)
        return bool(deleted)

    def all_profiles(self) -> Iterator[SearchProfile]:
        with self._lock:
            rows = self._conn.execute("SELECT body FROM search_profile ORDER BY client_id").fetchall()
        for (body,) in rows:
            yield SearchProfile.model_validate_json(body)

    def profile_count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM search_profile").fetchone()[0])

    def find_matching(self, vacancy: VacancyCriteria, today: date) -> list[ProfileMatch]:
        with self._lock:
            return self._profiles.find_matching(vacancy, today)

    # -- VacancyProjectionStore ---------------------------------------------------
    def get_vacancy(self, vacancy_id: str) -> OpenVacancy | None:
        with self._lock:
            vac = self._vacancies.get(vacancy_id)
        return vac.vacancy if vac else None

    def vacancy_index(self) -> VacancyIndex:
        """The live index (for benchmarks and tests; use `matching_vacancies` from threads)."""
        return self._vacancies

    def matching_vacancies(self, profile: ProfileCriteria) -> Sequence[tuple[VacancyCriteria, RuleMatch]]:
        with self._lock:
            return self._vacancies.matches(profile)

    def open_vacancy_count(self) -> int:
        with self._lock:
            return len(self._vacancies)

    def match_set(self, vacancy_id: str) -> dict[str, float]:
        with self._lock:
            return dict(
                self._conn.execute("SELECT client_id, score FROM vacancy_match WHERE vacancy_id = ?", (vacancy_id,))
            )

    def _is_stale(self, conn: sqlite3.Connection, vacancy: OpenVacancy) -> bool:
        """A newer version, or a closure at or after this version, is stored already."""
        row = conn.execute("SELECT body FROM open_vacancy WHERE vacancy_id = ?", (vacancy.vacancy_id,)).fetchone()
        if row is not None and vacancy.is_older_than(OpenVacancy.model_validate_json(row[0])):
            return True
        closed = conn.execute(
            "SELECT closed_at FROM closed_vacancy WHERE vacancy_id = ?", (vacancy.vacancy_id,)
        ).fetchone()
        return closed is not None and (
            vacancy.source_updated_at is None or vacancy.source_updated_at <= datetime.fromisoformat(closed[0])
        )

    def apply_vacancy(
        self,
        vacancy: OpenVacancy,
        matches: list[ProfileMatch],
        unmatched: Sequence[str],
        events: Sequence[PendingEvent],
    ) -> bool:
        with self._lock, self._conn as conn:
            if self._is_stale(conn, vacancy):
                return False
            conn.execute("DELETE FROM closed_vacancy WHERE vacancy_id = ?", (vacancy.vacancy_id,))
            conn.execute(
                "INSERT INTO open_vacancy (vacancy_id, body) VALUES (?, ?) ON CONFLICT (vacancy_id) DO UPDATE SET body = excluded.body",
                (vacancy.vacancy_id, vacancy.model_dump_json()),
            )
            conn.execute("DELETE FROM vacancy_match WHERE vacancy_id = ?", (vacancy.vacancy_id,))
            conn.executemany(
                "INSERT INTO vacancy_match (vacancy_id, client_id, score) VALUES (?, ?, ?)",
                [(vacancy.vacancy_id, m.client_id, m.score) for m in matches],
            )
            if events:
                self._outbox.add_many(conn, events)
            self._vacancies.upsert(compile_vacancy(vacancy))
        return True

    def close_vacancy(
        self, vacancy_id: str, closed_at: datetime, clients: Sequence[str], events: Sequence[PendingEvent]
    ) -> bool:
        with self._lock, self._conn as conn:
            removed = conn.execute("DELETE FROM open_vacancy WHERE vacancy_id = ?", (vacancy_id,)).rowcount
            conn.execute("DELETE FROM vacancy_match WHERE vacancy_id = ?", (vacancy_id,))
            conn.execute(
                "INSERT INTO closed_vacancy (vacancy_id, closed_at) VALUES (?, ?) ON CONFLICT (vacancy_id) "
                "DO UPDATE SET closed_at = max(closed_at, excluded.closed_at)",
                (vacancy_id, closed_at.isoformat()),
            )
            if events:
                self._outbox.add_many(conn, events)
            self._vacancies.remove(vacancy_id)
        return bool(removed)

    # -- FeedStateStore -------------------------------------------------------------
    def record_visit(self, client_id: str, at: datetime) -> datetime | None:
        with self._lock, self._visits as conn:
            row = conn.execute("SELECT last_visit_at FROM feed_state WHERE client_id = ?", (client_id,)).fetchone()
            conn.execute(
                """INSERT INTO feed_state (client_id, last_visit_at) VALUES (?, ?)
                            ON CONFLICT (client_id) DO UPDATE SET last_visit_at = excluded.last_visit_at""",
                (client_id, at.isoformat()),
            )
        return datetime.fromisoformat(row[0]) if row else None

    def feedback_of(self, client_id: str) -> dict[str, set[FeedbackKind]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT vacancy_id, kind FROM feedback WHERE client_id = ?", (client_id,)
            ).fetchall()
        found: dict[str, set[FeedbackKind]] = {}
        for vacancy_id, kind in rows:
            found.setdefault(vacancy_id, set()).add(FeedbackKind(kind))
        return found

    def add_feedback(
        self, client_id: str, vacancy_id: str, kind: FeedbackKind, at: datetime, events: Sequence[PendingEvent] = ()
    ) -> bool:
        with self._lock, self._conn as conn:
            added = conn.execute(
                "INSERT OR IGNORE INTO feedback (client_id, vacancy_id, kind, recorded_at) VALUES (?, ?, ?, ?)",
                (client_id, vacancy_id, int(kind), at.isoformat()),
            ).rowcount
            if added and events:
                self._outbox.add_many(conn, events)
        return bool(added)

    # -- privacy ---------------------------------------------------------------------
    def erase_client(self, client_id: str, erased: ClientDataErased) -> dict[str, int]:
        """Remove everything about one client (profile, feedback, visits, match rows) and, in
        the same transaction, tell the other systems with a ClientDataErased event."""
        with self._lock, self._conn as conn:
            counts = {
                "search_profile": conn.execute("DELETE FROM search_profile WHERE client_id = ?", (client_id,)).rowcount,
                "feedback": conn.execute("DELETE FROM feedback WHERE client_id = ?", (client_id,)).rowcount,
                "feed_state": conn.execute("DELETE FROM feed_state WHERE client_id = ?", (client_id,)).rowcount,
                "vacancy_match": conn.execute("DELETE FROM vacancy_match WHERE client_id = ?", (client_id,)).rowcount,
            }
            self._outbox.add(
                conn,
                topic=PRIVACY,
                key=client_id,
                event_type=EVENT_TYPE_ERASED,
                subject=f"client/{client_id}",
                message=erased,
            )
            self._profiles.remove(client_id)
        return counts
