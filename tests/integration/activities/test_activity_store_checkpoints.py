"""The SQLite activities store leaves WAL checkpoints to a thread of its own: SQLite's automatic
one ran inside a LogActivity commit every ~1 400 calls and held the store's lock for 65-78 ms."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from test_activity_store_contract import activity

from services.activities.adapters.sqlite_store import SqliteActivitiesStore


def checkpoint_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "activities-checkpoint")


def test_logged_activities_reach_the_database_file_without_a_checkpoint_in_the_commit(tmp_path: Path) -> None:
    path = tmp_path / "activities.db"
    store = SqliteActivitiesStore(path)
    empty_size = path.stat().st_size
    assert store._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0  # no commit copies the WAL
    for n in range(300):
        store.add_activity(activity(n, client=f"c-{n % 7}"), [])
    # Only a checkpoint grows the database file (commits go to the WAL): the store's thread did it.
    deadline = time.monotonic() + 30
    while path.stat().st_size == empty_size and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size > empty_size
    store.close()
    reader = sqlite3.connect(path)
    try:
        assert reader.execute("SELECT COUNT(*) FROM activity").fetchone()[0] == 300
    finally:
        reader.close()


def test_closing_the_store_ends_its_checkpoint_thread(tmp_path: Path) -> None:
    before = checkpoint_threads()
    store = SqliteActivitiesStore(tmp_path / "activities.db")
    store.add_activity(activity(1), [])
    assert checkpoint_threads() == before + 1
    store.close()
    assert checkpoint_threads() == before
