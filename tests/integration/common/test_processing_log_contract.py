"""Contract of the ProcessingLog port, run against every adapter: SQLite; osmem (every run);
real Elasticsearch where one is available (skipped with the reason otherwise)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from search_legs import SEARCH_LEGS, search_leg

from services.common.processing_log import ProcessingRecord, SqliteProcessingLog
from services.common.search.processing_log import INDEX_SPECS, SearchProcessingLog


@pytest.fixture(params=["sqlite", *SEARCH_LEGS])
def log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    if request.param in SEARCH_LEGS:
        with search_leg(request.param, list(INDEX_SPECS)) as (engine, prefix):
            yield SearchProcessingLog(engine, prefix)
        return
    sqlite_log = SqliteProcessingLog(tmp_path / "processing_log.db")
    yield sqlite_log
    sqlite_log.close()


def record(subject: str, n: int, status: str = "ok") -> ProcessingRecord:
    moment = datetime(2026, 11, 25, 9, 0, n, tzinfo=UTC)
    return ProcessingRecord(
        trace_id=f"t{n}",
        span_id="s",
        name="/x",
        start_time=moment,
        end_time=moment,
        status=status,
        processing_activity_id="tailored-vacancy-feed",  # type: ignore[arg-type]
        data_subject_id=subject,
        actor="c-1",
        service="matching",
    )


class TestProcessingLogContract:
    def test_records_list_per_subject_in_write_order(self, log) -> None:  # type: ignore[no-untyped-def]
        log.write_many([record("c-1", 3), record("c-2", 1), record("c-1", 1)])
        log.write(record("c-1", 2, "denied"))
        assert [(r.trace_id, r.status) for r in log.list_for_subject("c-1")] == [
            ("t3", "ok"),
            ("t1", "ok"),
            ("t2", "denied"),
        ]
        assert log.list_for_subject("c-1")[0] == record("c-1", 3)

    def test_pages_by_limit_and_offset(self, log) -> None:  # type: ignore[no-untyped-def]
        log.write_many([record("c-1", n) for n in range(5)])
        assert [r.trace_id for r in log.list_for_subject("c-1", limit=2, offset=1)] == ["t1", "t2"]
        assert log.list_for_subject("c-1", limit=2, offset=5) == []

    def test_erasing_a_subject_removes_only_its_records(self, log) -> None:  # type: ignore[no-untyped-def]
        log.write_many([record("c-1", 1), record("c-2", 2), record("c-1", 3)])
        assert log.erase_subject("c-1") == 2
        assert log.list_for_subject("c-1") == [] and [r.trace_id for r in log.list_for_subject("c-2")] == ["t2"]
        assert log.erase_subject("c-unknown") == 0

    def test_one_record_for_several_subjects_lists_like_a_record_written_for_each(self, log) -> None:  # type: ignore[no-untyped-def]
        log.write_for_subjects(record("c-1", 4), ["c-1", "c-2", "c-3"])
        for subject in ("c-1", "c-2", "c-3"):
            assert log.list_for_subject(subject) == [record(subject, 4)]
