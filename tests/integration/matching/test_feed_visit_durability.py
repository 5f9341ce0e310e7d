"""Feed visits commit without an fsync of their own (see `_visit_connection` in the SQLite
store); these tests hold the half of the argument a test can reach: a crash of the process
loses neither a visit nor an accepted write, and accepted writes still fsync."""

from __future__ import annotations

import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from services.common.bus.outbox import SqliteOutbox
from services.matching.adapters.sqlite_store import SqliteMatchingStore
from services.matching.domain.model import FeedbackKind

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-matching"


def _open(path: Path) -> SqliteMatchingStore:
    return SqliteMatchingStore(path, SqliteOutbox(path, SOURCE))


def _visit_save_visit_then_die(path: Path) -> None:
    """A process that records a visit, a feedback and a second visit, then ends without closing anything."""
    store = _open(path)
    store.record_visit("c-1", NOW)
    store.add_feedback("c-1", "vac-1", FeedbackKind.SAVE, NOW)
    store.record_visit("c-2", NOW + timedelta(minutes=1))
    os._exit(0)


class TestFeedVisitDurability:
    def test_visits_and_feedback_committed_before_a_process_crash_are_there_after_it(self, tmp_path: Path) -> None:
        path = tmp_path / "matching.db"
        crashed = multiprocessing.get_context("fork").Process(target=_visit_save_visit_then_die, args=(path,))
        crashed.start()
        crashed.join(timeout=60)
        assert crashed.exitcode == 0

        store = _open(path)
        try:
            assert store.record_visit("c-1", NOW + timedelta(hours=1)) == NOW
            assert store.record_visit("c-2", NOW + timedelta(hours=1)) == NOW + timedelta(minutes=1)
            assert store.feedback_of("c-1") == {"vac-1": {FeedbackKind.SAVE}}
        finally:
            store.close()

    def test_only_visits_skip_the_fsync_profiles_feedback_and_events_still_commit_with_it(self, tmp_path: Path) -> None:
        store = _open(tmp_path / "matching.db")
        try:
            full, normal = 2, 1  # PRAGMA synchronous values
            assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == full
            assert store._visits.execute("PRAGMA synchronous").fetchone()[0] == normal
            assert store._visits.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            store.close()
