"""The shared Elasticsearch plumbing run against the in-memory fake client: migration upgrades,
counters under a race, and the processing log."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.common.search.counters import COUNTERS_INDEX, Counters
from services.common.search.fake import FakeElasticsearch
from services.common.search.indices import IndexSpec, migrate
from services.common.search.processing_log import INDEX_SPECS, ElasticsearchProcessingLog
from services.common.processing_log import ProcessingRecord

V1 = IndexSpec("things", 1, {"dynamic": "strict", "properties": {"a": {"type": "keyword"}}})
V2 = IndexSpec("things", 2, {"dynamic": "strict", "properties": {"a": {"type": "keyword"}, "b": {"type": "long"}}})


class TestMigrationOnAFakeCluster:
    def test_an_upgrade_keeps_the_documents_and_moves_the_alias_and_a_second_run_changes_nothing(self) -> None:
        es = FakeElasticsearch()
        migrate(es, [V1], "p")
        es.index(index="p-things", id="1", document={"a": "x"})
        assert migrate(es, [V2], "p") == ["created p-things-v2", "reindexed p-things-v1 -> p-things-v2 (1 documents)",
                                          "alias p-things: p-things-v1 -> p-things-v2"]
        assert es.aliases["p-things"] == {"p-things-v2"}
        assert es.get(index="p-things", id="1")["_source"] == {"a": "x"}
        es.index(index="p-things", id="2", document={"a": "y", "b": 3})  # the new field is known now
        assert migrate(es, [V2], "p") == ["p-things-v2 is current (mapping applied)"]
        assert "p-things-v1" in es.store  # kept for a roll-back


class TestCounters:
    def test_reservations_are_consecutive_and_never_overlap(self) -> None:
        es = FakeElasticsearch()
        migrate(es, [COUNTERS_INDEX], "p")
        counters = Counters(es, "p")
        assert counters.reserve("c", 3) == 1
        assert counters.reserve("c", 2) == 4
        assert counters.current("c") == 5 and counters.current("other") == 0

    def test_a_writer_that_loses_the_race_retries_on_the_new_value(self) -> None:
        es = FakeElasticsearch()
        migrate(es, [COUNTERS_INDEX], "p")
        counters = Counters(es, "p")
        counters.reserve("c", 1)
        real_get = es.get

        def get_then_someone_else_reserves(index: str, id: str):  # type: ignore[no-untyped-def]
            found = real_get(index=index, id=id)
            es.get = real_get  # type: ignore[method-assign]
            Counters(es, "p").reserve("c", 10)  # the other writer, between our read and our write
            return found

        es.get = get_then_someone_else_reserves  # type: ignore[method-assign]
        assert counters.reserve("c", 1) == 12
        assert counters.current("c") == 12

    def test_reserving_nothing_is_refused(self) -> None:
        with pytest.raises(ValueError):
            Counters(FakeElasticsearch(), "p").reserve("c", 0)


def record(subject: str, n: int) -> ProcessingRecord:
    moment = datetime(2026, 11, 25, 9, 0, n, tzinfo=UTC)
    return ProcessingRecord(trace_id=f"t{n}", span_id="s", name="/x", start_time=moment, end_time=moment, status="ok",
                            processing_activity_id="tailored-vacancy-feed", data_subject_id=subject, actor="c-1",
                            service="matching")


class TestProcessingLogOnAFakeCluster:
    def test_records_list_per_subject_in_write_order_and_erase_per_subject(self) -> None:
        es = FakeElasticsearch()
        migrate(es, list(INDEX_SPECS), "p")
        log = ElasticsearchProcessingLog(es, "p")
        log.write_many([record("c-1", 3), record("c-2", 1), record("c-1", 1)])
        log.write(record("c-1", 2))
        assert [r.trace_id for r in log.list_for_subject("c-1")] == ["t3", "t1", "t2"]
        assert [r.trace_id for r in log.list_for_subject("c-1", limit=1, offset=1)] == ["t1"]
        assert log.erase_subject("c-1") == 3
        assert log.list_for_subject("c-1") == [] and len(log.list_for_subject("c-2")) == 1


class TestServicesRefuseToStartOnOldIndices:
    def test_missing_or_older_indices_are_named_and_current_ones_pass(self) -> None:
        from services.common.search.indices import require_current

        es = FakeElasticsearch()
        with pytest.raises(RuntimeError, match="p-things -> missing"):
            require_current(es, [V1], "p")
        migrate(es, [V1], "p")
        require_current(es, [V1], "p")
        with pytest.raises(RuntimeError, match=r"p-things -> p-things-v1 \(expected p-things-v2\)"):
            require_current(es, [V2], "p")


class TestIsolatedTestIndices:
    def test_a_leg_gets_fresh_indices_under_its_own_prefix_and_removes_them_by_name(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        from services.common.search import testing

        fake = FakeElasticsearch()
        monkeypatch.setattr(testing, "create_client", lambda url: fake)
        with testing.isolated_indices("http://fake:9200", [V1]) as (client, prefix):
            assert client is fake and prefix.startswith("jobmatch-test-")
            assert fake.indices.exists(index=f"{prefix}-things-v1")
        assert fake.store == {}
