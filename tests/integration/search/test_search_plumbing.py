"""The shared search-engine plumbing on osmem (an OpenSearch-API server) through the real
client: migration upgrades, counters under a race, the processing log, and the start-up check
of index versions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from search_legs import osmem_cluster, osmem_leg

from services.common.processing_log import ProcessingRecord
from services.common.search.client import Connection, create_engine
from services.common.search.counters import COUNTERS_INDEX, Counters
from services.common.search.engine import SearchEngine
from services.common.search.indices import IndexSpec, ReindexWatch, migrate, require_current
from services.common.search.processing_log import INDEX_SPECS, SearchProcessingLog

V1 = IndexSpec("things", 1, {"dynamic": "strict", "properties": {"a": {"type": "keyword"}}})
V2 = IndexSpec("things", 2, {"dynamic": "strict", "properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}})


@pytest.fixture
def engine():  # type: ignore[no-untyped-def]
    with osmem_cluster() as url:
        engine = create_engine(Connection(url=url, kind="opensearch"))
        yield engine
        engine.close()


class TestMigration:
    def test_an_upgrade_keeps_the_documents_and_moves_the_alias_and_a_second_run_changes_nothing(
            self, engine: SearchEngine) -> None:
        migrate(engine, [V1], "p")
        engine.index(index="p-things", id="1", document={"a": "x"})
        assert migrate(engine, [V2], "p", ReindexWatch(poll_seconds=0.05)) == [
            "created p-things-v2", "reindexed p-things-v1 -> p-things-v2 (1 documents)",
            "alias p-things: p-things-v1 -> p-things-v2"]
        assert engine.alias_targets("p-things") == ["p-things-v2"]
        assert engine.get(index="p-things", id="1")["_source"] == {"a": "x"}
        engine.index(index="p-things", id="2", document={"a": "y", "b": 3})  # the new field is known now
        assert migrate(engine, [V2], "p") == ["p-things-v2 is current (mapping applied)"]
        assert engine.index_exists("p-things-v1")  # kept for a roll-back
        engine.index(index="p-things-v1", id="3", document={"a": "z"})  # and writable again


class TestCounters:
    def test_reservations_are_consecutive_and_never_overlap(self) -> None:
        with osmem_leg([COUNTERS_INDEX], "p") as (engine, prefix):
            counters = Counters(engine, prefix)
            assert counters.reserve("c", 3) == 1
            assert counters.reserve("c", 2) == 4
            assert counters.current("c") == 5 and counters.current("other") == 0

    def test_a_writer_that_loses_the_race_retries_on_the_new_value(self) -> None:
        with osmem_leg([COUNTERS_INDEX], "p") as (engine, prefix):
            Counters(engine, prefix).reserve("c", 1)
            raced: list[int] = []

            class OtherWriterBetweenReadAndWrite:
                """The real engine; right after our first read, another writer reserves 10."""

                def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
                    return getattr(engine, name)

                def get(self, *, index: str, id: str):  # type: ignore[no-untyped-def]
                    found = engine.get(index=index, id=id)
                    if not raced:
                        raced.append(Counters(engine, prefix).reserve("c", 10))
                    return found

            assert Counters(OtherWriterBetweenReadAndWrite(), prefix).reserve("c", 1) == 12  # type: ignore[arg-type]
            assert raced == [2] and Counters(engine, prefix).current("c") == 12

    def test_reserving_nothing_is_refused(self) -> None:
        with osmem_leg([COUNTERS_INDEX], "p") as (engine, prefix), pytest.raises(ValueError):
            Counters(engine, prefix).reserve("c", 0)


def record(subject: str, n: int) -> ProcessingRecord:
    moment = datetime(2026, 11, 25, 9, 0, n, tzinfo=UTC)
    return ProcessingRecord(trace_id=f"t{n}", span_id="s", name="/x", start_time=moment, end_time=moment, status="ok",
                            processing_activity_id="tailored-vacancy-feed", data_subject_id=subject, actor="c-1",
                            service="matching")


class TestProcessingLog:
    def test_records_list_per_subject_in_write_order_and_erase_per_subject(self) -> None:
        with osmem_leg(list(INDEX_SPECS), "p") as (engine, prefix):
            log = SearchProcessingLog(engine, prefix)
            log.write_many([record("c-1", 3), record("c-2", 1), record("c-1", 1)])
            log.write(record("c-1", 2))
            assert [r.trace_id for r in log.list_for_subject("c-1")] == ["t3", "t1", "t2"]
            assert [r.trace_id for r in log.list_for_subject("c-1", limit=1, offset=1)] == ["t1"]
            assert log.erase_subject("c-1") == 3
            assert log.list_for_subject("c-1") == [] and len(log.list_for_subject("c-2")) == 1


class TestServicesRefuseToStartOnOldIndices:
    def test_missing_or_older_indices_are_named_and_current_ones_pass(self, engine: SearchEngine) -> None:
        with pytest.raises(RuntimeError, match="p-things -> missing"):
            require_current(engine, [V1], "p")
        migrate(engine, [V1], "p")
        require_current(engine, [V1], "p")
        with pytest.raises(RuntimeError, match=r"p-things -> p-things-v1 \(expected p-things-v2\)"):
            require_current(engine, [V2], "p")


class TestIsolatedTestIndices:
    def test_each_osmem_leg_gets_fresh_migrated_indices_of_its_own(self) -> None:
        with osmem_leg([V1]) as (first, prefix):
            assert prefix == "jobmatch-test" and first.alias_targets(f"{prefix}-things") == [f"{prefix}-things-v1"]
            first.index(index=f"{prefix}-things", id="1", document={"a": "x"}, refresh=True)
            with osmem_leg([V1]) as (second, _):
                assert second.count(index=f"{prefix}-things") == 0
            assert first.count(index=f"{prefix}-things") == 1
