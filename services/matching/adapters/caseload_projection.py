"""Matching's projection of the caseloads (which caseworker is assigned which client), kept
from the CaseloadAssigned / CaseloadUnassigned events activities publishes. Used by the access
rule and by ListMatchingProfiles. Both adapters are idempotent set operations: an event
delivered twice changes nothing."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from services.common.bus.outbox import configure_connection
from services.common.search.bulk import Refresh
from services.common.search.engine import NotFound, SearchEngine
from services.common.search.reading import get_source, search_all
from services.matching.adapters.elasticsearch_mappings import CASELOAD_PROJECTION

_SCHEMA = """CREATE TABLE IF NOT EXISTS caseload_projection (caseworker_id TEXT NOT NULL, client_id TEXT NOT NULL,
                 PRIMARY KEY (caseworker_id, client_id))"""


class SqliteCaseloadProjection:
    """A table in matching.db (its own connection; SQLite serialises the writers)."""

    def __init__(self, path: Path) -> None:
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, check_same_thread=False)
        configure_connection(self._conn)
        self._conn.execute(_SCHEMA)
        self._conn.commit()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def assign(self, caseworker_id: str, client_id: str) -> None:
        with self._lock, self._conn:
            self._conn.execute("INSERT OR IGNORE INTO caseload_projection VALUES (?, ?)", (caseworker_id, client_id))

    def unassign(self, caseworker_id: str, client_id: str) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "DELETE FROM caseload_projection WHERE caseworker_id = ? AND client_id = ?", (caseworker_id, client_id)
            )

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        with self._lock:
            return (
                self._conn.execute(
                    "SELECT 1 FROM caseload_projection WHERE caseworker_id = ? AND client_id = ?",
                    (caseworker_id, client_id),
                ).fetchone()
                is not None
            )

    def clients_of(self, caseworker_id: str) -> frozenset[str]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT client_id FROM caseload_projection WHERE caseworker_id = ?", (caseworker_id,)
            ).fetchall()
        return frozenset(r[0] for r in rows)


def _doc_id(caseworker_id: str, client_id: str) -> str:
    # \x1f (unit separator) cannot occur in either id, so the pair is unambiguous.
    return f"{caseworker_id}\x1f{client_id}"


class ElasticsearchCaseloadProjection:
    """One document per assignment, id (caseworker, client); reads by id are realtime."""

    def __init__(self, engine: SearchEngine, prefix: str, *, refresh: Refresh = True) -> None:
        self._es = engine
        self._index = CASELOAD_PROJECTION.alias(prefix)
        self._refresh = refresh

    def close(self) -> None:
        pass

    def assign(self, caseworker_id: str, client_id: str) -> None:
        self._es.index(
            index=self._index,
            id=_doc_id(caseworker_id, client_id),
            document={"caseworker_id": caseworker_id, "client_id": client_id},
            refresh=self._refresh,
        )

    def unassign(self, caseworker_id: str, client_id: str) -> None:
        try:
            self._es.delete(index=self._index, id=_doc_id(caseworker_id, client_id), refresh=self._refresh)
        except NotFound:
            pass  # not (or no longer) assigned

    def is_assigned(self, caseworker_id: str, client_id: str) -> bool:
        return get_source(self._es, self._index, _doc_id(caseworker_id, client_id)) is not None

    def clients_of(self, caseworker_id: str) -> frozenset[str]:
        hits = search_all(
            self._es,
            self._index,
            {"term": {"caseworker_id": caseworker_id}},
            [{"client_id": "asc"}],
            source=["client_id"],
        )
        return frozenset(hit["_source"]["client_id"] for hit in hits)
