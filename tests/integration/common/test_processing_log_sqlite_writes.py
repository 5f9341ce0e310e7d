"""The SQLite processing log: what a write stores, and the WAL checkpoints it leaves to a
thread of its own (issue 20, P7: SQLite's automatic checkpoint ran inside caseload calls)."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from services.common.processing_log import ProcessingRecord, SqliteProcessingLog


def record(subject: str, moment: datetime) -> ProcessingRecord:
    return ProcessingRecord(
        trace_id="0af7651916cd43dd8448eb211c80319c",
        span_id="b7ad6b7169203331",
        name="/jobmatch.activities.v1.ActivityService/GetCaseload",
        start_time=moment,
        end_time=moment + timedelta(milliseconds=12),
        status="ok",
        processing_activity_id="urn:jobmatch:verwerkingsactiviteit:caseload-overview",
        data_subject_id=subject,
        actor="cw-1",
        service="activities",
    )


def checkpoint_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "processing-log-checkpoint")


def test_each_column_holds_the_records_json_text_and_is_committed_when_the_write_returns(tmp_path: Path) -> None:
    log = SqliteProcessingLog(tmp_path / "log.db")
    records = [
        record("c-1", datetime(2026, 12, 2, 9, 30, 0, 123456, tzinfo=UTC)),
        record("c-2", datetime(2026, 12, 2, 9, 30, tzinfo=UTC)),
        record("c-3", datetime(2026, 12, 2, 10, 30, 1, tzinfo=timezone(timedelta(hours=1)))),
    ]
    log.write_many(records)
    other = sqlite3.connect(tmp_path / "log.db")
    try:
        stored = other.execute(f"SELECT {', '.join(SqliteProcessingLog._FIELDS)} FROM processing_log ORDER BY seq")
        assert [list(row) for row in stored] == [
            [r.model_dump(mode="json")[f] for f in SqliteProcessingLog._FIELDS] for r in records
        ]
    finally:
        other.close()
    assert log.list_for_subject("c-3") == [records[2]]
    log.close()


def test_the_logs_own_thread_copies_written_records_into_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    log = SqliteProcessingLog(path)
    empty_size = path.stat().st_size
    moment = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
    for batch in range(5):
        log.write_many([record(f"c-{batch}-{n}", moment) for n in range(500)])
    # Only a checkpoint grows the database file (the records go to the WAL first), and the
    # writer's own automatic checkpoint is off: the log's checkpoint thread must do it.
    deadline = time.monotonic() + 30
    while path.stat().st_size == empty_size and time.monotonic() < deadline:
        time.sleep(0.05)
    assert path.stat().st_size > empty_size
    log.close()
    reopened = SqliteProcessingLog(path)
    assert len(reopened.list_for_subject("c-4-499")) == 1
    reopened.close()


def test_closing_the_log_ends_its_checkpoint_thread(tmp_path: Path) -> None:
    before = checkpoint_threads()
    log = SqliteProcessingLog(tmp_path / "log.db")
    assert checkpoint_threads() == before  # a log nobody writes to has none
    log.write(record("c-1", datetime(2026, 12, 2, 9, 30, tzinfo=UTC)))
    assert checkpoint_threads() == before + 1
    log.close()
    assert checkpoint_threads() == before
