"""The embedded SQLite `VacancyStore`: one file, WAL, one transaction per batch.

Each write stores the vacancy, its change-stream entry and its event (through the shared
outbox) in the same transaction. Search: FTS5 for text, indexed columns for filters, a
bounding box plus exact haversine for the radius (see `sqlite_search`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf.timestamp_pb2 import Timestamp

from jobmatch.events.v1 import vacancy_events_pb2 as events_pb
from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.common.bus import topics
from services.common.bus.outbox import SqliteOutbox, immediate_transaction

from ..domain.ingest import IngestPlan, KnownSource, PreparedItem
from ..domain.model import EXPIRED, ChangeType, SourceReference, Vacancy
from ..domain.search import SearchCriteria, SearchPage, SearchPosition
from ..service_layer.ports import VacancyChange
from ..service_layer.proto_codec import content_to_proto, timestamp, vacancy_from_proto
from . import sqlite_search
from .outbox_batch import OutboxBatch, wrap_vacancy
from .sqlite_schema import ADDED_COLUMNS, SCHEMA

PUBLISHED = "nl.werk.vacancy-published.v1"
PUBLISHED_SCHEMA = events_pb.VacancyPublished.DESCRIPTOR.full_name
UPDATED_SCHEMA = events_pb.VacancyUpdated.DESCRIPTOR.full_name
UPDATED = "nl.werk.vacancy-updated.v1"
CLOSED = "nl.werk.vacancy-closed.v1"
_CHECKPOINT_WAL_BYTES = 64 << 20  # checkpoint after this much WAL (any page size)
_LOOKUP_CHUNK = 500  # stay below SQLite's bound-parameter limit

_INSERT_VACANCY = """INSERT INTO vacancies (id, vacancy_id, source, external_id, fingerprint, is_open, title,
    description, esco_uri, isco_code, province_code, latitude, longitude, workplace_type, hours_min,
    hours_max, contract_type, education_level, driving_licence, date_posted, valid_through, created_at, doc)
    VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
_UPDATE_VACANCY = """UPDATE vacancies SET fingerprint = ?, title = ?, description = ?, esco_uri = ?,
    isco_code = ?, province_code = ?, latitude = ?, longitude = ?, workplace_type = ?, hours_min = ?,
    hours_max = ?, contract_type = ?, education_level = ?, driving_licence = ?, date_posted = ?,
    valid_through = ?, doc = ? WHERE id = ?"""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def _filter_columns(item: PreparedItem) -> tuple[object, ...]:
    c = item.content
    loc = c.location
    return (
        item.fingerprint,
        c.title,
        c.description,
        c.occupation.esco_uri,
        c.occupation.isco_code,
        loc.province_code,
        loc.latitude,
        loc.longitude,
        c.workplace_type,
        c.hours_min,
        c.hours_max,
        c.contract_type,
        c.education_level,
        int(c.driving_licence_required),
        c.date_posted,
        c.valid_through,
    )


class SqliteVacancyStore:
    def __init__(self, path: Path, outbox: SqliteOutbox) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._outbox = outbox
        self._lock = threading.RLock()
        # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        # 16 KiB pages (a new file only; an existing one keeps its size): a batch's commit
        # appends a quarter of the WAL frames, each a write of its own (ingest's commit ~20 ->
        # ~11 µs a vacancy, the relay's marking too); a stored vacancy (~2.5 KB with its text)
        # no longer fills most of a page.
        self._conn.execute("PRAGMA page_size = 16384")
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA busy_timeout = 10000")
        # Bulk ingest writes many pages per batch: keep hot B-tree pages in memory and
        # checkpoint the WAL less often (every 64 MiB), so pages written by several batches
        # are copied once.
        self._conn.execute("PRAGMA cache_size = -65536")
        (page_size,) = self._conn.execute("PRAGMA page_size").fetchone()
        self._conn.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_WAL_BYTES // page_size}")
        self._conn.execute("PRAGMA temp_store = MEMORY")
        for statement in SCHEMA:
            self._conn.execute(statement)
        existing = {row[1] for row in self._conn.execute("PRAGMA table_info(vacancies)")}
        for name, definition in ADDED_COLUMNS:
            if name not in existing:
                self._conn.execute(f"ALTER TABLE vacancies ADD COLUMN {name} {definition}")
        outbox.create_schema(self._conn)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, immediate_transaction(self._conn) as conn:
            yield conn

    # -- ingest -----------------------------------------------------------------
    def known_sources(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], KnownSource]:
        found: dict[tuple[str, str], KnownSource] = {}
        by_source: dict[str, list[str]] = {}
        for source, external_id in keys:
            by_source.setdefault(source, []).append(external_id)
        with self._lock:
            for source, external_ids, start in (
                (source, ids, start) for source, ids in by_source.items() for start in range(0, len(ids), _LOOKUP_CHUNK)
            ):
                chunk = external_ids[start : start + _LOOKUP_CHUNK]
                # source = ? AND external_id IN (...): index lookups on the primary key.
                rows = self._conn.execute(
                    f"""SELECT s.source, s.external_id, s.vacancy_id, s.content_hash, s.canonical, v.is_open,
                               v.closed_reason
                        FROM vacancy_sources s JOIN vacancies v ON v.vacancy_id = s.vacancy_id
                        WHERE s.source = ? AND s.external_id IN ({",".join("?" * len(chunk))})""",
                    [source, *chunk],
                ).fetchall()
                for source, external_id, vacancy_id, content_hash, canonical, is_open, closed_reason in rows:
                    found[(source, external_id)] = KnownSource(
                        vacancy_id, content_hash, bool(canonical), bool(is_open), closed_reason
                    )
        return found

    def open_by_fingerprint(self, fingerprints: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        found: dict[str, list[tuple[str, str]]] = {}
        unique = list(dict.fromkeys(fingerprints))
        with self._lock:
            for start in range(0, len(unique), _LOOKUP_CHUNK):
                chunk = unique[start : start + _LOOKUP_CHUNK]
                rows = self._conn.execute(
                    f"""SELECT fingerprint, vacancy_id, source FROM vacancies
                        WHERE is_open = 1 AND fingerprint IN ({",".join("?" * len(chunk))})""",
                    chunk,
                ).fetchall()
                for fingerprint, vacancy_id, source in rows:
                    found.setdefault(fingerprint, []).append((vacancy_id, source))
        return found

    def apply_ingest(self, plan: IngestPlan, now: datetime) -> None:
        if plan.is_empty():
            return
        stamp = _iso(now)
        events = OutboxBatch(self._outbox, topics.VACANCIES)
        with self._transaction() as conn:
            self._insert_new(conn, plan, now, stamp, events)
            self._apply_changes(conn, plan, now, stamp, events)
            events.write(conn)
            if plan.links:
                conn.executemany(
                    """INSERT INTO vacancy_sources (source, external_id, vacancy_id, content_hash, canonical)
                       VALUES (?, ?, ?, ?, 0) ON CONFLICT (source, external_id)
                       DO UPDATE SET content_hash = excluded.content_hash""",
                    [(*link.item.content.key, link.vacancy_id, link.item.content_hash) for link in plan.links],
                )

    def _insert_new(
        self, conn: sqlite3.Connection, plan: IngestPlan, now: datetime, stamp: str, events: OutboxBatch
    ) -> None:
        if not plan.new:
            return
        (last_id,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM vacancies").fetchone()
        rows, sources, changes = [], [], []
        moment = timestamp(now)
        for offset, new in enumerate(plan.new, start=1):
            item, row_id = new.item, last_id + offset
            doc = self._document(new.vacancy_id, item, moment, moment).SerializeToString()
            rows.append((row_id, new.vacancy_id, *item.content.key, *_filter_columns(item), stamp, doc))
            sources.append((*item.content.key, new.vacancy_id, item.content_hash))
            changes.append((new.vacancy_id, "published", stamp))
            events.add(new.vacancy_id, PUBLISHED, wrap_vacancy(doc), PUBLISHED_SCHEMA)
        conn.executemany(_INSERT_VACANCY, rows)
        # The text index from the rows just written, in one statement: SQLite tokenises the
        # whole batch in one step, which releases the GIL for all of it (a step per row took
        # the GIL back per row, and waited for it while the next batch was being checked).
        conn.execute(
            "INSERT INTO vacancy_text (rowid, title, description) SELECT id, title, description FROM vacancies"
            " WHERE id > ? ORDER BY id",
            (last_id,),
        )
        # A former link (of a closed vacancy) becomes the source of its own vacancy.
        conn.executemany(
            """INSERT INTO vacancy_sources (source, external_id, vacancy_id, content_hash, canonical)
               VALUES (?, ?, ?, ?, 1) ON CONFLICT (source, external_id) DO UPDATE
               SET vacancy_id = excluded.vacancy_id, content_hash = excluded.content_hash, canonical = 1""",
            sources,
        )
        conn.executemany("INSERT INTO vacancy_changes (vacancy_id, change_type, changed_at) VALUES (?, ?, ?)", changes)

    def _apply_changes(
        self, conn: sqlite3.Connection, plan: IngestPlan, now: datetime, stamp: str, events: OutboxBatch
    ) -> None:
        moment = timestamp(now)
        for changed in plan.changed:
            row = conn.execute(
                "SELECT id, title, description, created_at, doc FROM vacancies WHERE vacancy_id = ?",
                (changed.vacancy_id,),
            ).fetchone()
            row_id, old_title, old_description, created_at, old_doc = row
            old = pb.Vacancy.FromString(old_doc)
            msg = self._document(
                changed.vacancy_id, changed.item, timestamp(datetime.fromisoformat(created_at)), moment
            )
            # The stored status decides, not the one seen at look-up: a withdrawal may have come between.
            was_open = old.status == pb.VACANCY_STATUS_OPEN
            reopen = changed.reopen and not was_open and old.closed_reason == EXPIRED
            if not (was_open or reopen):
                msg.status, msg.closed_reason = old.status, old.closed_reason
            doc = msg.SerializeToString()
            conn.execute(_UPDATE_VACANCY, (*_filter_columns(changed.item), doc, row_id))
            if reopen:
                conn.execute("UPDATE vacancies SET is_open = 1, closed_reason = '' WHERE id = ?", (row_id,))
            conn.execute(
                "INSERT INTO vacancy_text (vacancy_text, rowid, title, description) VALUES ('delete', ?, ?, ?)",
                (row_id, old_title, old_description),
            )
            conn.execute(
                "INSERT INTO vacancy_text (rowid, title, description) VALUES (?, ?, ?)",
                (row_id, changed.item.content.title, changed.item.content.description),
            )
            conn.execute(
                "UPDATE vacancy_sources SET content_hash = ? WHERE source = ? AND external_id = ?",
                (changed.item.content_hash, *changed.item.content.key),
            )
            if was_open or reopen:
                change, event_type, schema = (
                    ("published", PUBLISHED, PUBLISHED_SCHEMA) if reopen else ("updated", UPDATED, UPDATED_SCHEMA)
                )
                conn.execute(
                    "INSERT INTO vacancy_changes (vacancy_id, change_type, changed_at) VALUES (?, ?, ?)",
                    (changed.vacancy_id, change, stamp),
                )
                events.add(changed.vacancy_id, event_type, wrap_vacancy(doc), schema)

    @staticmethod
    def _document(vacancy_id: str, item: PreparedItem, created: Timestamp, now: Timestamp) -> pb.Vacancy:
        msg = content_to_proto(item.content)
        msg.vacancy_id = vacancy_id
        msg.status = pb.VACANCY_STATUS_OPEN
        msg.created_at.CopyFrom(created)
        msg.updated_at.CopyFrom(now)
        return msg

    # -- lifecycle ----------------------------------------------------------------
    def get(self, vacancy_id: str) -> Vacancy | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT doc, fingerprint FROM vacancies WHERE vacancy_id = ?", (vacancy_id,)
            ).fetchone()
            if row is None:
                return None
            return self._with_links([(vacancy_id, row[0], row[1])])[0]

    def _with_links(self, rows: Sequence[tuple[str, bytes, str]]) -> list[Vacancy]:
        """Vacancies from (vacancy_id, doc, fingerprint) rows, with their linked sources."""
        ids = [row[0] for row in rows]
        links: dict[str, list[SourceReference]] = {}
        for start in range(0, len(ids), _LOOKUP_CHUNK):
            chunk = ids[start : start + _LOOKUP_CHUNK]
            for vacancy_id, source, external_id in self._conn.execute(
                f"""SELECT vacancy_id, source, external_id FROM vacancy_sources
                    WHERE canonical = 0 AND vacancy_id IN ({",".join("?" * len(chunk))})
                    ORDER BY source, external_id""",
                chunk,
            ):
                links.setdefault(vacancy_id, []).append(SourceReference(source=source, external_id=external_id))
        result = []
        for vacancy_id, doc, fingerprint in rows:
            vacancy = vacancy_from_proto(pb.Vacancy.FromString(doc), fingerprint)
            if vacancy_id in links:
                vacancy = vacancy.model_copy(update={"linked_sources": tuple(links[vacancy_id])})
            result.append(vacancy)
        return result

    def close(self, vacancy_id: str, reason: str, now: datetime) -> Vacancy | None:
        with self._transaction() as conn:
            row = conn.execute("SELECT id, is_open, doc FROM vacancies WHERE vacancy_id = ?", (vacancy_id,)).fetchone()
            if row is None:
                return None
            if row[1]:
                self._close_row(conn, vacancy_id, row[0], row[2], reason, now)
        return self.get(vacancy_id)

    def _close_row(
        self, conn: sqlite3.Connection, vacancy_id: str, row_id: int, doc: bytes, reason: str, now: datetime
    ) -> None:
        msg = pb.Vacancy.FromString(doc)
        msg.status, msg.closed_reason = pb.VACANCY_STATUS_CLOSED, reason
        msg.updated_at.CopyFrom(timestamp(now))
        conn.execute(
            "UPDATE vacancies SET is_open = 0, closed_reason = ?, doc = ? WHERE id = ?",
            (reason, msg.SerializeToString(), row_id),
        )
        conn.execute(
            "INSERT INTO vacancy_changes (vacancy_id, change_type, changed_at) VALUES (?, 'removed', ?)",
            (vacancy_id, _iso(now)),
        )
        self._outbox.add(
            conn,
            topic=topics.VACANCIES,
            key=vacancy_id,
            event_type=CLOSED,
            subject=vacancy_id,
            message=events_pb.VacancyClosed(vacancy_id=vacancy_id, reason=reason, closed_at=timestamp(now)),
        )

    def expire(self, today: str, now: datetime) -> list[str]:
        with self._transaction() as conn:
            rows = conn.execute(
                """SELECT vacancy_id, id, doc FROM vacancies
                   WHERE is_open = 1 AND valid_through != '' AND valid_through < ? ORDER BY id""",
                (today,),
            ).fetchall()
            for vacancy_id, row_id, doc in rows:
                self._close_row(conn, vacancy_id, row_id, doc, EXPIRED, now)
        return [row[0] for row in rows]

    # -- reading ------------------------------------------------------------------
    def search(self, criteria: SearchCriteria, page_size: int, after: SearchPosition | None) -> SearchPage:
        with self._lock:
            return sqlite_search.search(self._conn, criteria, page_size, after, self._with_links)

    def changes_after(self, sequence: int, limit: int) -> list[VacancyChange]:
        with self._lock:
            rows = self._conn.execute(
                """SELECT c.sequence, c.change_type, c.vacancy_id, c.changed_at, v.doc, v.fingerprint
                   FROM vacancy_changes c JOIN vacancies v ON v.vacancy_id = c.vacancy_id
                   WHERE c.sequence > ? ORDER BY c.sequence LIMIT ?""",
                (sequence, limit),
            ).fetchall()
            vacancies = self._with_links([(row[2], row[4], row[5]) for row in rows])
        return [
            VacancyChange(row[0], _change_type(row[1]), row[2], datetime.fromisoformat(row[3]), vacancy)
            for row, vacancy in zip(rows, vacancies, strict=True)
        ]

    def open_vacancies_after(self, position: int, limit: int) -> list[tuple[int, Vacancy]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, vacancy_id, doc, fingerprint FROM vacancies WHERE is_open = 1 AND id > ? ORDER BY id LIMIT ?",
                (position, limit),
            ).fetchall()
            vacancies = self._with_links([(row[1], row[2], row[3]) for row in rows])
        return [(row[0], vacancy) for row, vacancy in zip(rows, vacancies, strict=True)]

    def last_change_sequence(self) -> int:
        with self._lock:
            (last,) = self._conn.execute("SELECT COALESCE(MAX(sequence), 0) FROM vacancy_changes").fetchone()
        return int(last)

    def close_store(self) -> None:
        with self._lock:
            self._conn.close()


def _change_type(value: str) -> ChangeType:
    if value not in ("published", "updated", "removed"):
        raise ValueError(f"unknown change type in store: {value!r}")
    return value  # type: ignore[return-value]
