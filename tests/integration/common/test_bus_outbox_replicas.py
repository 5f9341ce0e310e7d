"""The outbox with N replicas: a derived event id is stored once, and each replica publishes
under a source of its own, so `sequence` is unique and gap-free per source."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections import defaultdict
from pathlib import Path

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from pydantic import ValidationError

from services.common.bus import OutboxRelay, SqliteOutbox, derived_event_id, ensure_topics
from services.common.bus.handling import handling
from services.common.bus.outbox import PendingEvent
from services.common.bus.tail import read_topic_events
from services.common.settings import Settings

TYPE = "nl.werk.vacancy-matched.v1"
INCOMING = "7d1c1f0e-2a6b-4b7e-9d55-3f3c1f7a2b10"


def open_outbox(path: Path, source: str) -> tuple[SqliteOutbox, sqlite3.Connection]:
    outbox = SqliteOutbox(path, source)
    conn = sqlite3.connect(path, check_same_thread=False)
    outbox.create_schema(conn)
    return outbox, conn


def add(outbox: SqliteOutbox, conn: sqlite3.Connection, topic: str, subject: str, event_id: str | None = None):
    with conn:
        return outbox.add(
            conn,
            topic=topic,
            key=subject,
            event_type=TYPE,
            subject=subject,
            message=StringValue(value=subject),
            event_id=event_id,
        )


def count_rows(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM event_outbox").fetchone()[0]


class TestIdempotentOnEventId:
    def test_a_second_add_of_the_same_event_id_is_a_no_op_and_takes_no_sequence_number(self, tmp_path: Path) -> None:
        outbox, conn = open_outbox(tmp_path / "m.db", Settings().source_urn("jobmatch-matching"))
        event_id = derived_event_id(INCOMING, "vacancy-matched:c-1")
        first = add(outbox, conn, "t", "c-1", event_id)
        again = add(outbox, conn, "t", "c-1", event_id)  # the handler ran again (redelivery)
        after = add(outbox, conn, "t", "c-2")
        assert again == first
        assert (first.id, first.sequence, after.sequence) == (event_id, 1, 2)
        assert count_rows(conn) == 2

    def test_a_repeat_inside_one_batch_is_stored_once(self, tmp_path: Path) -> None:
        outbox, conn = open_outbox(tmp_path / "m.db", Settings().source_urn("jobmatch-matching"))
        event_id = derived_event_id(INCOMING, "vacancy-matched:c-1")
        item = PendingEvent("t", "c-1", TYPE, "c-1", b"", "google.protobuf.StringValue", event_id)
        other = PendingEvent("t", "c-2", TYPE, "c-2", b"", "google.protobuf.StringValue")
        with conn:
            events = outbox.add_many(conn, [item, other, item])
        assert [e.id for e in events][::2] == [event_id, event_id]
        assert [e.sequence for e in events] == [1, 2, 1]
        assert count_rows(conn) == 2

    def test_a_repeat_still_marks_the_incoming_event_handled(self, tmp_path: Path) -> None:
        outbox, conn = open_outbox(tmp_path / "m.db", Settings().source_urn("jobmatch-matching"))
        event_id = derived_event_id(INCOMING, "vacancy-matched:c-1")
        add(outbox, conn, "t", "c-1", event_id)
        conn.execute("DELETE FROM processed_event")
        conn.commit()
        with handling(INCOMING):
            add(outbox, conn, "t", "c-1", event_id)
        assert conn.execute("SELECT event_id FROM processed_event").fetchall() == [(INCOMING,)]


class TestASourcePerReplica:
    def test_a_replica_id_becomes_the_last_part_of_the_source_urn(self) -> None:
        assert Settings(oin="00000001234567890000").source_urn("jobmatch-matching") == (
            "urn:nld:oin:00000001234567890000:systeem:jobmatch-matching"
        )
        assert Settings(oin="00000001234567890000", replica_id="2").source_urn("jobmatch-matching") == (
            "urn:nld:oin:00000001234567890000:systeem:jobmatch-matching:replica-2"
        )

    def test_the_replica_id_is_read_from_the_environment(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("JOBMATCH_REPLICA_ID", "matching-7")
        assert Settings().source_urn("jobmatch-matching").endswith(":systeem:jobmatch-matching:replica-matching-7")

    @pytest.mark.parametrize("bad", ["", "a:b", "two words", "-x", "x" * 64, "ä"])
    def test_a_replica_id_that_would_not_keep_the_urn_simple_is_refused(self, bad: str) -> None:
        with pytest.raises(ValidationError):
            Settings(replica_id=bad)

    def test_two_replicas_publish_gap_free_sequences_each_under_their_own_source(
        self, broker: str, tmp_path: Path
    ) -> None:
        topic = f"test.replicas.{uuid.uuid4().hex[:8]}"
        ensure_topics(broker, [topic], partitions=4)
        replicas = []
        for replica_id in ("1", "2"):
            source = Settings(replica_id=replica_id).source_urn("jobmatch-matching")
            replicas.append(open_outbox(tmp_path / f"replica-{replica_id}.db", source))
        per_replica = 40

        def write(outbox: SqliteOutbox, conn: sqlite3.Connection) -> None:
            for n in range(per_replica):
                add(outbox, conn, topic, f"c-{n % 7}")

        writers = [threading.Thread(target=write, args=replica) for replica in replicas]
        relays = [OutboxRelay(outbox, broker) for outbox, _ in replicas]
        for thread in (*writers, *relays):
            thread.start()
        try:
            for writer in writers:
                writer.join(30)
            assert all(relay.flush(30) for relay in relays)
        finally:
            for relay in relays:
                relay.stop()
            for _, conn in replicas:
                conn.close()
        sequences: dict[str, list[int]] = defaultdict(list)
        for _, event in read_topic_events(broker, topic):
            sequences[event.source].append(event.sequence)
        assert sorted(sequences) == [
            "urn:nld:oin:00000000000000000000:systeem:jobmatch-matching:replica-1",
            "urn:nld:oin:00000000000000000000:systeem:jobmatch-matching:replica-2",
        ]
        for source, numbers in sequences.items():
            assert sorted(numbers) == list(range(1, per_replica + 1)), source
