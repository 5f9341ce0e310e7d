"""SqliteOutbox on a real SQLite file: gapless sequences inside the caller's transaction,
publishing bookkeeping, retention. No broker needed."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from google.protobuf.wrappers_pb2 import StringValue

from services.common.bus.cloudevents import to_kafka
from services.common.bus.outbox import PendingEvent, SqliteOutbox

SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-test"
TYPE = "nl.werk.test-happened.v1"


class MovableClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def outbox(tmp_path: Path, clock: MovableClock) -> SqliteOutbox:
    return SqliteOutbox(tmp_path / "store.db", SOURCE, retention_days=7, clock=clock)


@pytest.fixture
def store_conn(outbox: SqliteOutbox) -> Iterator[sqlite3.Connection]:
    """The service store's own connection (legacy transaction mode, as most stores use)."""
    conn = sqlite3.connect(outbox.db_path)
    outbox.create_schema(conn)
    yield conn
    conn.close()


@pytest.fixture
def relay_conn(outbox: SqliteOutbox, store_conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    conn = outbox.connect()
    yield conn
    conn.close()


def add(outbox: SqliteOutbox, conn: sqlite3.Connection, text: str, topic: str = "t") -> int:
    return outbox.add(
        conn, topic=topic, key=f"key-{text}", event_type=TYPE, subject=text, message=StringValue(value=text)
    ).sequence


class TestSequence:
    def test_sequence_starts_at_one_and_has_no_gaps(self, outbox: SqliteOutbox, store_conn: sqlite3.Connection) -> None:
        with store_conn:
            first = [add(outbox, store_conn, "a"), add(outbox, store_conn, "b")]
        with store_conn:
            second = [add(outbox, store_conn, "c")]
        assert first + second == [1, 2, 3]

    def test_a_rolled_back_transaction_gives_its_numbers_back(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        with store_conn:
            add(outbox, store_conn, "kept")
        with pytest.raises(RuntimeError), store_conn:
            add(outbox, store_conn, "business change failed")
            raise RuntimeError("store refused the change")
        with store_conn:
            after = add(outbox, store_conn, "next")
        assert after == 2
        assert [e.event.subject for e in outbox.pending(relay_conn)] == ["kept", "next"]

    def test_a_batch_gets_consecutive_numbers_after_single_adds(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        batch = [
            PendingEvent(
                "t",
                f"key-{n}",
                TYPE,
                f"batch-{n}",
                StringValue(value=str(n)).SerializeToString(),
                "google.protobuf.StringValue",
            )
            for n in range(3)
        ]
        with store_conn:
            add(outbox, store_conn, "single")
            events = outbox.add_many(store_conn, batch)
        assert [e.sequence for e in events] == [2, 3, 4]
        assert [e.event.subject for e in outbox.pending(relay_conn)] == ["single", "batch-0", "batch-1", "batch-2"]
        assert {e.event.dataschema for e in outbox.pending(relay_conn)} == {"proto:google.protobuf.StringValue"}

    def test_sources_sharing_a_file_count_separately(
        self, tmp_path: Path, store_conn: sqlite3.Connection, outbox: SqliteOutbox
    ) -> None:
        other = SqliteOutbox(outbox.db_path, SOURCE.replace("jobmatch-test", "jobmatch-other"))
        with store_conn:
            add(outbox, store_conn, "a")
            assert add(other, store_conn, "b") == 1


class TestAddedEvent:
    def test_the_event_carries_id_time_payload_and_schema(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, clock: MovableClock
    ) -> None:
        with store_conn:
            event = outbox.add(
                store_conn, topic="t", key="vac-1", event_type=TYPE, subject="vac-1", message=StringValue(value="hallo")
            )
        assert uuid.UUID(event.id).version == 4
        assert event.source == SOURCE
        assert event.time == clock.now
        assert event.dataschema == "proto:google.protobuf.StringValue"
        assert StringValue.FromString(event.data).value == "hallo"
        assert event.datacontenttype == "application/protobuf"

    def test_the_stored_row_reads_back_as_the_same_event(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        with store_conn:
            event = outbox.add(
                store_conn, topic="t", key="vac-1", event_type=TYPE, subject="vac-1", message=StringValue(value="hallo")
            )
        [entry] = outbox.pending(relay_conn)
        assert (entry.topic, entry.key, entry.event) == ("t", "vac-1", event)

    def test_uncommitted_events_are_invisible_to_the_relay(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        add(outbox, store_conn, "not yet")
        assert store_conn.in_transaction
        assert outbox.pending(relay_conn) == []
        store_conn.commit()
        assert len(outbox.pending(relay_conn)) == 1


class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"event_type": "VacancyPublished"}, "event_type"),
            ({"event_type": "nl.werk.vacancy-published"}, "event_type"),
            ({"topic": ""}, "topic"),
            ({"key": ""}, "key"),
        ],
    )
    def test_bad_arguments_are_refused_and_store_nothing(
        self,
        outbox: SqliteOutbox,
        store_conn: sqlite3.Connection,
        relay_conn: sqlite3.Connection,
        changes: dict[str, str],
        message: str,
    ) -> None:
        arguments = {"topic": "t", "key": "k", "event_type": TYPE, "subject": "s"} | changes
        with pytest.raises(ValueError, match=message), store_conn:
            outbox.add(store_conn, message=StringValue(value="x"), **arguments)
        assert outbox.pending_count(relay_conn) == 0
        with store_conn:
            assert add(outbox, store_conn, "first real one") == 1

    def test_autocommit_without_a_transaction_is_refused(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection
    ) -> None:
        autocommit = sqlite3.connect(outbox.db_path, isolation_level=None)
        try:
            with pytest.raises(RuntimeError, match="transaction"):
                add(outbox, autocommit, "x")
            autocommit.execute("BEGIN")
            assert add(outbox, autocommit, "inside") == 1
            autocommit.execute("COMMIT")
        finally:
            autocommit.close()

    def test_a_source_that_is_not_a_urn_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(ValueError, match="URN"):
            SqliteOutbox(tmp_path / "x.db", "jobmatch-vacancies")


class TestPublishingAndRetention:
    def test_published_rows_leave_the_pending_list_in_order(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        with store_conn:
            for text in "abc":
                add(outbox, store_conn, text)
        first, _second, _third = outbox.pending(relay_conn)
        outbox.mark_published(relay_conn, [(first.event.id, 0, 10)], "cluster-1")
        assert [e.event.sequence for e in outbox.pending(relay_conn)] == [2, 3]
        assert outbox.acked_high_water(relay_conn) == {("t", 0): 10}

    def test_runs_of_acks_mark_each_row_with_its_own_offset_and_leave_the_rest_pending(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        with store_conn:
            for text in "abcdef":
                add(outbox, store_conn, text)
        # a, b, c at offsets 40..42 of partition 0; d alone at offset 7 of partition 1; e, f unacked
        outbox.mark_published_runs(relay_conn, [(1, 3, 0, 40), (4, 4, 1, 7)], "cluster-1")
        assert [e.event.subject for e in outbox.pending(relay_conn)] == ["e", "f"]
        marked = relay_conn.execute(
            "SELECT subject, kafka_partition, kafka_offset, kafka_cluster_id FROM event_outbox "
            "WHERE published_at IS NOT NULL ORDER BY sequence"
        ).fetchall()
        assert marked == [
            ("a", 0, 40, "cluster-1"),
            ("b", 0, 41, "cluster-1"),
            ("c", 0, 42, "cluster-1"),
            ("d", 1, 7, "cluster-1"),
        ]
        assert outbox.acked_high_water(relay_conn) == {("t", 0): 42, ("t", 1): 7}

    def test_published_topics_are_those_with_acked_rows_of_this_source(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        other = SqliteOutbox(outbox.db_path, SOURCE + "-other")
        with store_conn:
            for topic in ("b", "a", "c", "b", "d", "e"):
                add(outbox, store_conn, topic, topic=topic)
            other.add(store_conn, topic="z", key="k", event_type=TYPE, subject="z", message=StringValue(value="z"))
        assert outbox.published_topics(relay_conn) == set()
        outbox.mark_published_runs(relay_conn, [(1, 4, 0, 0)], "c")  # b, a, c, b; d and e stay pending
        other.mark_published_runs(relay_conn, [(1, 1, 0, 0)], "c")
        assert outbox.published_topics(relay_conn) == {"a", "b", "c"}
        outbox.republish_topic(relay_conn, "a")
        assert outbox.published_topics(relay_conn) == {"b", "c"}

    def test_pending_records_carry_the_same_record_as_the_pending_events(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        traced = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        with store_conn:
            outbox.add_many(
                store_conn,
                [
                    PendingEvent(topic="t", key="k1", event_type=TYPE, subject="plain", data=b"\x01", schema="x.Y"),
                    PendingEvent(
                        topic="u",
                        key="k2",
                        event_type=TYPE,
                        subject="traced",
                        data=b"",
                        schema="x.Y",
                        traceparent=traced,
                        tracestate="vendor=1",
                    ),
                ],
            )
        expected = []
        for entry in outbox.pending(relay_conn):
            headers, value = to_kafka(entry.event)
            expected.append((entry.event.id, entry.event.sequence, (entry.topic, entry.key.encode(), value, headers)))
        assert outbox.pending_records(relay_conn) == expected

    def test_rows_acked_by_another_broker_incarnation_become_pending_again(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        with store_conn:
            add(outbox, store_conn, "a")
            add(outbox, store_conn, "b")
        a, b = outbox.pending(relay_conn)
        outbox.mark_published(relay_conn, [(a.event.id, 0, 0)], "old")
        outbox.mark_published(relay_conn, [(b.event.id, 0, 0)], "new")
        assert outbox.republish_unless_cluster(relay_conn, "new") == 1
        assert [e.event.subject for e in outbox.pending(relay_conn)] == ["a"]

    def test_republishing_a_topic_resets_only_that_topic(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection, relay_conn: sqlite3.Connection
    ) -> None:
        with store_conn:
            add(outbox, store_conn, "a", topic="lost")
            add(outbox, store_conn, "b", topic="kept")
        outbox.mark_published(relay_conn, [(e.event.id, 0, 0) for e in outbox.pending(relay_conn)], "c")
        assert outbox.republish_topic(relay_conn, "lost") == 1
        assert [e.topic for e in outbox.pending(relay_conn)] == ["lost"]

    def test_published_rows_are_purged_after_retention_but_the_sequence_goes_on(
        self,
        outbox: SqliteOutbox,
        store_conn: sqlite3.Connection,
        relay_conn: sqlite3.Connection,
        clock: MovableClock,
    ) -> None:
        with store_conn:
            add(outbox, store_conn, "old")
            add(outbox, store_conn, "unpublished")
        old = outbox.pending(relay_conn)[0]
        outbox.mark_published(relay_conn, [(old.event.id, 0, 0)], "c")
        clock.now += timedelta(days=6)
        assert outbox.purge(relay_conn) == 0
        clock.now += timedelta(days=2)
        assert outbox.purge(relay_conn) == 1
        assert [e.event.subject for e in outbox.pending(relay_conn)] == ["unpublished"]
        with store_conn:
            assert add(outbox, store_conn, "new") == 3

    def test_the_file_runs_in_wal_mode(self, outbox: SqliteOutbox, store_conn: sqlite3.Connection) -> None:
        assert store_conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


class TestTransactionalInbox:
    def test_events_emitted_while_handling_mark_the_incoming_event_in_the_same_transaction(
        self, outbox: SqliteOutbox, store_conn: sqlite3.Connection
    ) -> None:
        from services.common.bus.handling import handling

        with handling("incoming-1"), pytest.raises(RuntimeError), store_conn:
            add(outbox, store_conn, "rolled back")
            raise RuntimeError("handler failed after emitting")
        assert store_conn.execute("SELECT COUNT(*) FROM processed_event").fetchone() == (0,)
        with handling("incoming-1"), store_conn:
            add(outbox, store_conn, "committed")
        assert store_conn.execute("SELECT event_id FROM processed_event").fetchall() == [("incoming-1",)]

    def test_outside_a_handler_nothing_is_marked(self, outbox: SqliteOutbox, store_conn: sqlite3.Connection) -> None:
        with store_conn:
            add(outbox, store_conn, "from an RPC")
        assert store_conn.execute("SELECT COUNT(*) FROM processed_event").fetchone() == (0,)
