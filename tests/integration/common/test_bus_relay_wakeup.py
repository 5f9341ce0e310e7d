"""The relay publishes what its own process adds at once, not at its next poll.

The relays here poll once an hour, so an event that arrives within a test's wait can only
have come through the wake-up (except in the test of the poll itself). A relay is woken
from inside the adding transaction, before the commit: these tests hold that transaction
open until the relay has looked, to show it waits for the commit rather than missing it.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from polling import wait_for

from services.common.bus import OutboxRelay, SqliteOutbox, ensure_topics
from services.common.bus.outbox import PendingRecord
from services.common.bus.tail import read_topic_events

SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-wakeup"
TYPE = "nl.werk.wakeup-tested.v1"
AN_HOUR = 3600.0


class WatchedOutbox(SqliteOutbox):
    """The SQLite outbox, counting the relay's reads and its waits for open writers."""

    def __init__(self, db_path: Path) -> None:
        super().__init__(db_path, SOURCE)
        self.reads = 0
        self.writer_waits = 0
        self._lock = threading.Lock()

    def pending_records(self, conn: sqlite3.Connection, limit: int = 500) -> list[PendingRecord]:
        entries = super().pending_records(conn, limit)
        with self._lock:
            self.reads += 1
        return entries

    def wait_for_writers(self, conn: sqlite3.Connection) -> None:
        with self._lock:
            self.writer_waits += 1
        super().wait_for_writers(conn)


@pytest.fixture
def topic(broker: str) -> str:
    name = f"test.wakeup.{uuid.uuid4().hex[:10]}"
    ensure_topics(broker, [name])
    return name


@pytest.fixture
def outbox(tmp_path: Path) -> WatchedOutbox:
    return WatchedOutbox(tmp_path / "store.db")


@pytest.fixture
def store_conn(outbox: WatchedOutbox) -> Iterator[sqlite3.Connection]:
    """The store's connection: legacy transactions (`with conn:`), as the matching store uses."""
    conn = sqlite3.connect(outbox.db_path, check_same_thread=False)
    outbox.create_schema(conn)
    yield conn
    conn.close()


@pytest.fixture
def idle_relay(outbox: WatchedOutbox, store_conn: sqlite3.Connection, broker: str) -> Iterator[OutboxRelay]:
    """A relay that polls once an hour and has already read the (empty) outbox once."""
    relay = OutboxRelay(outbox, broker, poll_interval=AN_HOUR)
    relay.start()
    assert wait_for(lambda: outbox.reads >= 1, timeout=30)
    yield relay
    relay.stop()


def add(outbox: SqliteOutbox, conn: sqlite3.Connection, topic: str, subject: str) -> None:
    outbox.add(conn, topic=topic, key=subject, event_type=TYPE, subject=subject, message=StringValue(value=subject))


def subjects_on(broker: str, topic: str) -> list[str]:
    return [event.subject for _, event in read_topic_events(broker, topic)]


class TestWokenByItsOwnProcess:
    def test_an_event_added_and_committed_is_published_without_waiting_for_the_poll(
        self, idle_relay: OutboxRelay, outbox: WatchedOutbox, store_conn: sqlite3.Connection, broker: str, topic: str
    ) -> None:
        with store_conn:
            add(outbox, store_conn, topic, "vac-1")
        assert wait_for(lambda: idle_relay.published_count == 1, timeout=20)
        assert subjects_on(broker, topic) == ["vac-1"]

    def test_a_relay_that_looks_before_the_commit_waits_for_it_and_then_publishes(
        self, idle_relay: OutboxRelay, outbox: WatchedOutbox, store_conn: sqlite3.Connection, broker: str, topic: str
    ) -> None:
        reads_before = outbox.reads
        with store_conn:
            add(outbox, store_conn, topic, "vac-1")
            # The relay reads while the transaction is open: it cannot see the row yet.
            assert wait_for(lambda: outbox.reads > reads_before, timeout=20)
            assert wait_for(lambda: outbox.writer_waits == 1, timeout=20)
            assert idle_relay.published_count == 0
        assert wait_for(lambda: idle_relay.published_count == 1, timeout=20)
        assert subjects_on(broker, topic) == ["vac-1"]

    def test_a_rolled_back_event_is_not_published_and_the_next_one_is(
        self, idle_relay: OutboxRelay, outbox: WatchedOutbox, store_conn: sqlite3.Connection, broker: str, topic: str
    ) -> None:
        with pytest.raises(RuntimeError), store_conn:
            add(outbox, store_conn, topic, "rolled back")
            assert wait_for(lambda: outbox.writer_waits == 1, timeout=20)
            raise RuntimeError("the business change failed")
        with store_conn:
            add(outbox, store_conn, topic, "kept")
        assert wait_for(lambda: idle_relay.published_count == 1, timeout=20)
        assert subjects_on(broker, topic) == ["kept"]

    def test_events_added_while_the_relay_publishes_are_published_in_sequence_order(
        self, idle_relay: OutboxRelay, outbox: WatchedOutbox, store_conn: sqlite3.Connection, broker: str, topic: str
    ) -> None:
        subjects = [f"vac-{n:03d}" for n in range(60)]
        for subject in subjects:
            with store_conn:
                add(outbox, store_conn, topic, subject)
        assert wait_for(lambda: idle_relay.published_count == len(subjects), timeout=30)
        assert subjects_on(broker, topic) == subjects

    def test_stopping_ends_the_wait_between_polls(self, idle_relay: OutboxRelay) -> None:
        idle_relay.stop(timeout=10)
        assert not idle_relay.is_alive()


class TestThePollStays:
    def test_an_event_another_process_adds_is_published_at_the_next_poll(
        self, outbox: WatchedOutbox, store_conn: sqlite3.Connection, broker: str, topic: str
    ) -> None:
        relay = OutboxRelay(outbox, broker, poll_interval=0.05)
        relay.start()
        try:
            assert wait_for(lambda: outbox.reads >= 1, timeout=30)
            # Another process's outbox on the same file: nothing wakes this relay.
            other = SqliteOutbox(outbox.db_path, SOURCE)
            with store_conn:
                add(other, store_conn, topic, "from elsewhere")
            assert wait_for(lambda: relay.published_count == 1, timeout=20)
            assert outbox.writer_waits == 0
        finally:
            relay.stop()
        assert subjects_on(broker, topic) == ["from elsewhere"]
