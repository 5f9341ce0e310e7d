"""Versioned indices behind aliases, the migration plan, and per-item bulk errors (no cluster needed)."""

from __future__ import annotations

import pytest

from services.common.search.bulk import BulkError, bulk_write, delete_op, index_op, item_failures
from services.common.search.indices import (
    IndexSpec,
    Step,
    create_body,
    migrate,
    plan_migration,
    swap_alias_actions,
)
from services.common.search.processing_log import INDEX_SPECS, list_request

SPEC = IndexSpec(
    name="things",
    version=2,
    mappings={"dynamic": "strict", "properties": {"a": {"type": "keyword"}}},
    settings={"number_of_shards": 1},
)


class TestIndexNames:
    def test_the_index_carries_the_version_and_the_alias_does_not(self) -> None:
        assert SPEC.index("jobmatch") == "jobmatch-things-v2"
        assert SPEC.alias("jobmatch") == "jobmatch-things"

    def test_the_mapping_records_its_version_in_meta(self) -> None:
        assert SPEC.mappings_with_meta() == {
            "dynamic": "strict",
            "properties": {"a": {"type": "keyword"}},
            "_meta": {"jobmatch_version": 2},
        }

    def test_a_new_index_is_created_as_the_write_index_of_its_alias(self) -> None:
        assert create_body(SPEC, "p", with_alias=True) == {
            "index": "p-things-v2",
            "mappings": SPEC.mappings_with_meta(),
            "settings": {"number_of_shards": 1},
            "aliases": {"p-things": {"is_write_index": True}},
        }
        assert "aliases" not in create_body(SPEC, "p", with_alias=False)


class TestMigrationPlan:
    def test_a_missing_alias_creates_the_index(self) -> None:
        assert plan_migration(SPEC, "p", []) == [Step("create", "p-things-v2")]

    def test_the_current_version_only_gets_its_mapping_again(self) -> None:
        assert plan_migration(SPEC, "p", ["p-things-v2"]) == [Step("put_mapping", "p-things-v2")]

    def test_an_older_version_is_reindexed_and_the_alias_swapped(self) -> None:
        assert plan_migration(SPEC, "p", ["p-things-v1"]) == [
            Step("create", "p-things-v2"),
            Step("reindex", "p-things-v2", source="p-things-v1"),
            Step("swap_alias", "p-things-v2", source="p-things-v1"),
        ]

    @pytest.mark.parametrize("current", [["p-things-v3"], ["p-things"], ["p-things-v1", "p-things-v2"]])
    def test_a_newer_unversioned_or_split_alias_is_refused(self, current: list[str]) -> None:
        with pytest.raises(ValueError):
            plan_migration(SPEC, "p", current)

    def test_the_alias_swap_is_one_atomic_remove_and_add(self) -> None:
        assert swap_alias_actions("p-things", "p-things-v1", "p-things-v2") == [
            {"remove": {"index": "p-things-v1", "alias": "p-things"}},
            {"add": {"index": "p-things-v2", "alias": "p-things", "is_write_index": True}},
        ]


class RecordingEngine:
    """Answers the engine calls `migrate` makes and records them (no engine needed for the plan)."""

    def __init__(self, aliases: dict[str, list[str]], documents: int = 7) -> None:
        self.aliases = aliases
        self.documents = documents
        self.calls: list[tuple[str, dict]] = []
        self.existing: set[str] = {i for v in aliases.values() for i in v}

    def alias_targets(self, alias: str) -> list[str]:
        return sorted(self.aliases.get(alias, []))

    def index_exists(self, index: str) -> bool:
        return index in self.existing

    def create_index(self, **body):  # type: ignore[no-untyped-def]
        self.calls.append(("create", body))
        self.existing.add(body["index"])

    def put_mapping(self, **body):  # type: ignore[no-untyped-def]
        self.calls.append(("put_mapping", body))

    def put_settings(self, **body):  # type: ignore[no-untyped-def]
        self.calls.append(("put_settings", body))

    def update_aliases(self, actions):  # type: ignore[no-untyped-def]
        self.calls.append(("update_aliases", {"actions": actions}))

    def count(self, *, index: str, query=None) -> int:  # type: ignore[no-untyped-def]
        return self.documents

    def start_reindex(self, **body):  # type: ignore[no-untyped-def]
        self.calls.append(("reindex", body))
        return "node:1"

    def running_tasks(self, actions: str) -> list[str]:
        return []  # the copy has finished

    def refresh(self, *, index: str) -> None:
        pass


class TestMigrate:
    def test_a_fresh_cluster_gets_the_index_with_its_alias(self) -> None:
        engine = RecordingEngine({})
        assert migrate(engine, [SPEC], "p") == ["created p-things-v2 (alias p-things)"]  # type: ignore[arg-type]
        assert engine.calls == [("create", create_body(SPEC, "p", with_alias=True))]

    def test_an_upgrade_blocks_writes_copies_with_a_task_then_moves_the_alias_and_lifts_the_block(self) -> None:
        engine = RecordingEngine({"p-things": ["p-things-v1"]})
        migrate(engine, [SPEC], "p")  # type: ignore[arg-type]
        assert [name for name, _ in engine.calls] == [
            "create",
            "put_settings",
            "reindex",
            "update_aliases",
            "put_settings",
        ]
        assert "aliases" not in engine.calls[0][1]  # the alias moves only after the reindex
        assert engine.calls[1][1] == {"index": "p-things-v1", "settings": {"index.blocks.write": True}}
        assert engine.calls[2][1] == {"source": "p-things-v1", "dest": "p-things-v2"}
        assert engine.calls[4][1] == {"index": "p-things-v1", "settings": {"index.blocks.write": False}}

    def test_running_it_again_on_a_current_cluster_only_reapplies_the_mapping(self) -> None:
        engine = RecordingEngine({"p-things": ["p-things-v2"]})
        migrate(engine, [SPEC], "p")  # type: ignore[arg-type]
        assert engine.calls == [
            (
                "put_mapping",
                {"index": "p-things-v2", "properties": {"a": {"type": "keyword"}}, "meta": {"jobmatch_version": 2}},
            )
        ]


class TestBulk:
    def test_operations_are_action_and_document_lines(self) -> None:
        assert index_op("i", "1", {"a": 1}, if_seq_no=4, if_primary_term=1) == [
            {"index": {"_index": "i", "_id": "1", "if_seq_no": 4, "if_primary_term": 1}},
            {"a": 1},
        ]
        assert delete_op("i", "1") == [{"delete": {"_index": "i", "_id": "1"}}]

    def test_failed_items_are_named_and_missing_deletes_are_not_failures(self) -> None:
        response = {
            "errors": True,
            "items": [
                {"index": {"_index": "i", "_id": "1", "status": 201}},
                {"index": {"_index": "i", "_id": "2", "status": 409, "error": {"reason": "version conflict"}}},
                {"delete": {"_index": "i", "_id": "3", "status": 404}},
                {"create": {"_index": "i", "_id": "4", "status": 400, "error": {"reason": "mapper_parsing_exception"}}},
            ],
        }
        failures = item_failures(response)
        assert [(f.id, f.status) for f in failures] == [("2", 409), ("4", 400)]

    def test_a_response_with_errors_raises_with_the_conflicts_apart(self) -> None:
        class Engine:
            def bulk(self, operations, refresh):  # type: ignore[no-untyped-def]
                return {
                    "errors": True,
                    "items": [{"index": {"_index": "i", "_id": "2", "status": 409, "error": {"reason": "conflict"}}}],
                }

        with pytest.raises(BulkError) as raised:
            bulk_write(Engine(), index_op("i", "2", {}))  # type: ignore[arg-type]
        assert [f.id for f in raised.value.conflicts] == ["2"]

    def test_nothing_to_write_sends_nothing(self) -> None:
        assert bulk_write(object(), []) == {"items": []}  # type: ignore[arg-type]


class TestProcessingLogIndex:
    def test_the_mapping_is_strict_and_subject_ids_are_keywords(self) -> None:
        (spec,) = INDEX_SPECS
        assert spec.mappings["dynamic"] == "strict"
        assert spec.mappings["properties"]["data_subject_id"] == {"type": "keyword"}
        assert spec.mappings["properties"]["write_seq"] == {"type": "long"}

    def test_a_subject_is_listed_in_write_order(self) -> None:
        assert list_request("c-1", 10, 20) == {
            "query": {"term": {"data_subject_id": "c-1"}},
            "sort": [{"write_seq": "asc"}],
            "from_": 20,
            "size": 10,
            "track_total_hits": False,
        }
