"""The shared search-engine plumbing on osmem (an OpenSearch-API server) through the real
client: migration upgrades and the start-up check of index versions. (Counters and the
processing log have contract suites of their own.)"""

from __future__ import annotations

import pytest
from search_legs import osmem_cluster, osmem_leg

from services.common.search.client import Connection, create_engine
from services.common.search.engine import SearchEngine
from services.common.search.indices import IndexSpec, ReindexWatch, migrate, require_current

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
        self, engine: SearchEngine
    ) -> None:
        migrate(engine, [V1], "p")
        engine.index(index="p-things", id="1", document={"a": "x"})
        assert migrate(engine, [V2], "p", ReindexWatch(poll_seconds=0.05)) == [
            "created p-things-v2",
            "reindexed p-things-v1 -> p-things-v2 (1 documents)",
            "alias p-things: p-things-v1 -> p-things-v2",
        ]
        assert engine.alias_targets("p-things") == ["p-things-v2"]
        assert engine.get(index="p-things", id="1")["_source"] == {"a": "x"}
        engine.index(index="p-things", id="2", document={"a": "y", "b": 3})  # the new field is known now
        assert migrate(engine, [V2], "p") == ["p-things-v2 is current (mapping applied)"]
        assert engine.index_exists("p-things-v1")  # kept for a roll-back
        engine.index(index="p-things-v1", id="3", document={"a": "z"})  # and writable again


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
