"""SqliteProcessedEvents: the dedupe memory of a consumer, in the service's own DB file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from services.common.bus import SqliteProcessedEvents


class TestProcessedEvents:
    def test_an_id_is_seen_only_after_it_was_marked(self, tmp_path: Path) -> None:
        processed = SqliteProcessedEvents(tmp_path / "svc.db")
        try:
            assert not processed.seen("ev-1")
            processed.mark("ev-1")
            processed.mark("ev-1")  # marking twice is harmless
            assert processed.seen("ev-1")
            assert not processed.seen("ev-2")
        finally:
            processed.close()

    def test_the_memory_survives_a_restart(self, tmp_path: Path) -> None:
        first = SqliteProcessedEvents(tmp_path / "svc.db")
        first.mark("ev-1")
        first.close()
        second = SqliteProcessedEvents(tmp_path / "svc.db")
        try:
            assert second.seen("ev-1")
        finally:
            second.close()

    def test_it_shares_the_file_with_the_service_store(self, tmp_path: Path) -> None:
        store = sqlite3.connect(tmp_path / "svc.db")
        store.execute("CREATE TABLE vacancy (id TEXT)")
        store.commit()
        processed = SqliteProcessedEvents(tmp_path / "svc.db")
        try:
            processed.mark("ev-1")
            tables = {row[0] for row in store.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            assert {"vacancy", "processed_event"} <= tables
        finally:
            processed.close()
            store.close()

    def test_purge_forgets_only_ids_past_retention(self, tmp_path: Path) -> None:
        keeping = SqliteProcessedEvents(tmp_path / "keep.db", retention_days=30)
        forgetting = SqliteProcessedEvents(tmp_path / "forget.db", retention_days=0)
        try:
            keeping.mark("ev-1")
            forgetting.mark("ev-1")
            assert keeping.purge() == 0 and keeping.seen("ev-1")
            assert forgetting.purge() == 1 and not forgetting.seen("ev-1")
        finally:
            keeping.close()
            forgetting.close()
