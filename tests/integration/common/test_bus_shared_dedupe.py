"""Processed-event ids in the search engine (osmem): the dedupe memory that every replica of a
consumer group shares, so an event redelivered to another replica is still handled once."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from bus_group_support import GROUP_TIMING, PARTITIONS, SOURCE, Recorder, committed_total, produce, settled
from google.protobuf.wrappers_pb2 import StringValue
from kafka import KafkaProducer
from polling import wait_for
from search_legs import osmem_leg

from services.common.bus import CloudEvent, EventConsumer, ensure_topics, to_kafka
from services.common.bus.handling import current_event_id
from services.common.search.engine import SearchEngine
from services.common.search.processed import INDEX_SPECS, SearchProcessedEvents

Engine = tuple[SearchEngine, str]


@pytest.fixture
def engine() -> Iterator[Engine]:
    with osmem_leg(list(INDEX_SPECS)) as leg:
        yield leg


class TestSearchProcessedEvents:
    def test_an_id_is_seen_only_after_it_was_marked_and_marking_twice_is_harmless(self, engine: Engine) -> None:
        processed = SearchProcessedEvents(*engine, "group-a")
        assert not processed.seen("ev-1")
        processed.mark("ev-1")
        processed.mark("ev-1")
        assert processed.seen("ev-1") and not processed.seen("ev-2")

    def test_a_mark_is_seen_at_once_by_another_replica_without_a_refresh(self, engine: Engine) -> None:
        # A realtime GET by id: the next replica's check must not wait for the refresh interval.
        SearchProcessedEvents(*engine, "group-a").mark("ev-1")
        assert SearchProcessedEvents(*engine, "group-a").seen("ev-1")

    def test_a_batch_is_checked_in_one_read_and_marked_in_one_write_as_one_by_one(self, engine: Engine) -> None:
        processed = SearchProcessedEvents(*engine, "group-a")
        processed.mark("ev-1")
        assert processed.seen_many(["ev-1", "ev-2", "ev-3"]) == {"ev-1"}
        processed.mark_many(["ev-1", "ev-2", "ev-2"])  # ev-1 marked before: its first mark stands
        assert SearchProcessedEvents(*engine, "group-a").seen_many(["ev-1", "ev-2", "ev-3"]) == {"ev-1", "ev-2"}
        assert processed.seen("ev-2") and not processed.seen("ev-3")

    def test_groups_keep_their_own_memory(self, engine: Engine) -> None:
        SearchProcessedEvents(*engine, "group-a").mark("ev-1")
        assert not SearchProcessedEvents(*engine, "group-b").seen("ev-1")

    def test_purge_forgets_only_ids_past_retention_and_only_of_its_own_group(self, engine: Engine) -> None:
        keeping = SearchProcessedEvents(*engine, "keep", retention_days=30)
        forgetting = SearchProcessedEvents(*engine, "forget", retention_days=0)
        keeping.mark("ev-1")
        forgetting.mark("ev-1")
        assert keeping.purge() == 0 and keeping.seen("ev-1")
        assert forgetting.purge() == 1 and not forgetting.seen("ev-1")
        assert keeping.seen("ev-1")


def send_copies(broker: str, topic: str, event_id: str, partitions: range) -> None:
    """The same CloudEvent (same id) once on each of `partitions`: as a relay that re-sends after
    a broker loss, or a producer retry, would deliver it again."""
    event = CloudEvent(
        id=event_id,
        source=SOURCE,
        type="nl.werk.group-test.v1",
        subject="s",
        time=datetime.now(UTC),
        sequence=1,
        data=StringValue(value="x").SerializeToString(),
        dataschema="proto:google.protobuf.StringValue",
    )
    headers, value = to_kafka(event)
    producer = KafkaProducer(bootstrap_servers=broker, enable_idempotence=False)
    try:
        for partition in partitions:
            producer.send(topic, key=b"s", value=value, headers=headers, partition=partition)
        producer.flush(30)
    finally:
        producer.close()


class BatchRecorder(Recorder):
    """A handler that also takes the events of a poll together (`handle_batch`), as matching's
    does; `poison` events fail however they come (alone or in a batch)."""

    def __init__(self, poison: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.poison = poison
        self.batches: list[list[str]] = []

    def __call__(self, event: CloudEvent) -> None:
        if event.id in self.poison:
            raise ValueError(f"cannot handle {event.id}")
        super().__call__(event)

    def handle_batch(self, events: Sequence[CloudEvent], within: Callable[[CloudEvent], Any]) -> None:
        self.batches.append([event.id for event in events])
        for event in events:
            with within(event):
                assert current_event_id() == event.id  # derived ids come from the event's own id
                self(event)


class TestTwoReplicasOnTheSearchStore:
    @pytest.mark.parametrize("calls", [Recorder(), BatchRecorder()], ids=["one by one", "batches"])
    def test_an_event_redelivered_to_every_partition_is_handled_once_across_both(
        self, broker: str, engine: Engine, calls: Recorder
    ) -> None:
        topic = f"test.shared-dedupe.{uuid.uuid4().hex[:10]}"
        ensure_topics(broker, [topic, topic + ".dlq"], partitions=PARTITIONS)
        group = f"group-{uuid.uuid4().hex[:8]}"
        # One recorder for both members: it counts handlings across the group.
        members = [
            EventConsumer(broker, [topic], group, calls, SearchProcessedEvents(*engine, group), **GROUP_TIMING)
            for _ in range(2)
        ]
        for member in members:
            member.start()
        try:
            assert settled(members, topic), "the group never split the partitions"
            event_id = str(uuid.uuid4())
            send_copies(broker, topic, event_id, range(1))
            assert wait_for(lambda: calls.snapshot() == [event_id], timeout=30)
            # Redeliveries land on both members (each owns 2 of the 4 partitions).
            send_copies(broker, topic, event_id, range(PARTITIONS))
            # Every copy read and committed (skipped ones too): nothing more can come.
            assert wait_for(lambda: committed_total(broker, group, topic) == 1 + PARTITIONS, timeout=30)
            assert calls.snapshot() == [event_id]
            assert sorted(len(m.assignment()) for m in members) == [2, 2]
        finally:
            for member in members:
                member.stop()


class TestBatchesOnTheSearchStore:
    def test_each_partition_s_events_come_in_order_in_batches_and_a_failing_batch_is_handled_one_by_one(
        self, broker: str, engine: Engine
    ) -> None:
        topic = f"test.batches.{uuid.uuid4().hex[:10]}"
        ensure_topics(broker, [topic, topic + ".dlq"], partitions=PARTITIONS)
        group = f"group-{uuid.uuid4().hex[:8]}"
        ids = produce(broker, topic, 40)
        poison = ids[21]
        calls = BatchRecorder(poison=frozenset({poison}))
        member = EventConsumer(
            broker,
            [topic],
            group,
            calls,
            SearchProcessedEvents(*engine, group),
            max_attempts=2,
            retry_backoff=0.01,
            **GROUP_TIMING,
        )
        member.start()
        try:
            assert wait_for(lambda: committed_total(broker, group, topic) == 40, timeout=60)
            # Every event but the poison one (dead-lettered after its attempts), each partition's
            # in the order produced. The events its batch handled before it are handled again
            # one by one (at least once: the handlers are idempotent), the others once.
            handled = list(dict.fromkeys(calls.snapshot()))
            assert sorted(handled) == sorted(i for i in ids if i != poison)
            for partition in range(PARTITIONS):
                produced = [i for n, i in enumerate(ids) if n % PARTITIONS == partition and i != poison]
                assert [i for i in handled if i in produced] == produced
            assert any(len(batch) > 1 for batch in calls.batches)  # batches, not one event at a time
            assert member.dead_lettered_count == 1
            assert SearchProcessedEvents(*engine, group).seen_many(ids) == set(ids)
        finally:
            member.stop()
