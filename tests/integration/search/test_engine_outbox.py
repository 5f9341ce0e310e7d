"""The search path's outbox (services/common/search/outbox.py) on a real OpenSearch-API server
(osmem), relayed to the session's Tansu broker by the same OutboxRelay as the SQLite path."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from polling import wait_for

from services.common.bus import ensure_topics, kafka_clients
from services.common.bus.cloudevents import from_kafka
from services.common.bus.outbox import OutboxEntry, PendingEvent
from services.common.bus.relay import OutboxRelay
from services.common.bus.tail import read_topic_events
from services.common.search.engine import SearchEngine
from services.common.search.indices import IndexSpec
from services.common.search.outbox import PENDING_FIELDS, EngineOutbox, outbox_index_spec
from tests.search_legs import osmem_leg

SOURCE_A = "urn:nld:oin:00000001234567890000:systeem:test:replica-a"
SOURCE_B = "urn:nld:oin:00000001234567890000:systeem:test:replica-b"
THINGS = IndexSpec("things", 1, {"dynamic": "strict", "properties": {"name": {"type": "keyword"}, **PENDING_FIELDS}})


@pytest.fixture
def leg() -> Iterator[tuple[SearchEngine, str]]:
    with osmem_leg([outbox_index_spec("test"), THINGS]) as engine_and_prefix:
        yield engine_and_prefix


def _event(n: int, topic: str = "jobmatch.test.v1", event_id: str | None = None) -> PendingEvent:
    return PendingEvent(
        topic=topic,
        key=f"thing-{n}",
        event_type="nl.werk.thing-changed.v1",
        subject=f"thing/{n}",
        data=f"payload {n}".encode(),
        schema="jobmatch.test.v1.ThingChanged",
        event_id=event_id,
    )


def _write_thing(engine: SearchEngine, prefix: str, outbox: EngineOutbox, n: int, events: list[PendingEvent]) -> str:
    index = THINGS.alias(prefix)
    engine.index(index=index, id=f"thing-{n}", document=outbox.embed({"name": f"thing {n}"}, events))
    return index


def test_settled_events_are_pending_once_with_gap_free_sequence(leg: tuple[SearchEngine, str]) -> None:
    engine, prefix = leg
    outbox = EngineOutbox(engine, prefix, "test", SOURCE_A)
    for n in range(3):
        index = _write_thing(engine, prefix, outbox, n, [_event(n, event_id=f"e{n}")])
        assert outbox.settle(index, f"thing-{n}") == 1
        assert outbox.settle(index, f"thing-{n}") == 0  # settled: nothing left in the document
    assert "pending_events" not in {k for k, v in engine.get(index=index, id="thing-0")["_source"].items() if v}
    pending = outbox.pending(outbox.connect())
    assert [(e.event.id, e.event.source, e.event.sequence) for e in pending] == [
        ("e0", SOURCE_A, 1),
        ("e1", SOURCE_A, 2),
        ("e2", SOURCE_A, 3),
    ]
    assert pending[0].event.data == b"payload 0" and pending[0].key == "thing-0"


def test_the_same_event_staged_by_two_replicas_enters_the_outbox_once(leg: tuple[SearchEngine, str]) -> None:
    engine, prefix = leg
    replica_a, replica_b = (
        EngineOutbox(engine, prefix, "test", SOURCE_A),
        EngineOutbox(engine, prefix, "test", SOURCE_B),
    )
    assert replica_a.stage([_event(1, event_id="same"), _event(2, event_id="a-only")]) == 2
    assert replica_b.stage([_event(1, event_id="same"), _event(3, event_id="b-only")]) == 1
    pending = replica_a.pending(replica_a.connect())
    assert sorted((e.event.id, e.event.source, e.event.sequence) for e in pending) == [
        ("a-only", SOURCE_A, 2),
        ("b-only", SOURCE_B, 1),
        ("same", SOURCE_A, 1),
    ]


def test_a_restarted_replica_numbers_on_after_its_last_stored_event(leg: tuple[SearchEngine, str]) -> None:
    engine, prefix = leg
    EngineOutbox(engine, prefix, "test", SOURCE_A).stage([_event(n) for n in range(4)])
    again = EngineOutbox(engine, prefix, "test", SOURCE_A)  # a new process of the same replica
    again.stage([_event(9, event_id="after-restart")])
    sequences = {e.event.id: e.event.sequence for e in again.pending(again.connect())}
    assert sequences["after-restart"] == 5 and sorted(sequences.values()) == [1, 2, 3, 4, 5]


def test_overwriting_a_commit_document_keeps_its_unsettled_events(leg: tuple[SearchEngine, str]) -> None:
    engine, prefix = leg
    outbox = EngineOutbox(engine, prefix, "test", SOURCE_A)
    index = _write_thing(engine, prefix, outbox, 1, [_event(1, event_id="first")])
    stored = engine.get(index=index, id="thing-1")["_source"]
    engine.index(
        index=index,
        id="thing-1",
        document=outbox.embed(
            {"name": "renamed"}, [_event(1, event_id="second"), _event(1, event_id="first")], already=stored
        ),
    )
    assert outbox.settle(index, "thing-1") == 2
    assert [e.event.id for e in outbox.pending(outbox.connect())] == ["first", "second"]


def test_the_sweep_settles_what_a_dead_writer_left_pending(leg: tuple[SearchEngine, str]) -> None:
    engine, prefix = leg
    now = datetime(2026, 12, 1, 12, tzinfo=UTC)
    outbox = EngineOutbox(engine, prefix, "test", SOURCE_A, clock=lambda: now)
    index = _write_thing(engine, prefix, outbox, 1, [_event(1, event_id="orphan")])  # the writer dies here
    assert outbox.sweep([index], older_than_s=5) == 0  # too young: its writer may still settle it
    later = EngineOutbox(engine, prefix, "test", SOURCE_B, clock=lambda: now + timedelta(seconds=6))
    assert later.sweep([index], older_than_s=5) == 1
    assert [e.event.id for e in later.pending(later.connect())] == ["orphan"]


def test_bad_events_are_refused_before_anything_is_written(leg: tuple[SearchEngine, str]) -> None:
    engine, prefix = leg
    outbox = EngineOutbox(engine, prefix, "test", SOURCE_A)
    with pytest.raises(ValueError, match="event_type"):
        outbox.embed({"name": "x"}, [PendingEvent("t", "k", "not a type", "s", b"", "x.Y")])
    assert outbox.pending_count(outbox.connect()) == 0


def test_the_relay_publishes_staged_events_in_order_and_only_while_it_leads(
    leg: tuple[SearchEngine, str], broker: str
) -> None:
    engine, prefix = leg
    topic = f"jobmatch.outbox-test-{uuid.uuid4().hex[:8]}.v1"
    outbox = EngineOutbox(engine, prefix, "test", SOURCE_A)
    outbox.stage([_event(n, topic=topic, event_id=f"r{n}") for n in range(20)])
    leading = {"now": False}
    relay = OutboxRelay(outbox, broker, leads=lambda: leading["now"], poll_interval=0.05)
    relay.start()
    try:
        assert not relay.flush(timeout=1.0)  # not leading: nothing goes out
        leading["now"] = True
        assert relay.flush(timeout=20.0)
    finally:
        relay.stop()
    consumer = kafka_clients.consumer(
        broker, auto_offset_reset="earliest", enable_auto_commit=False, consumer_timeout_ms=3000, group_id=None
    )
    consumer.subscribe([topic])
    try:
        records = list(consumer)
    finally:
        consumer.close()
    received = [from_kafka(record.headers, record.value) for record in records]
    per_partition: dict[int, list[int]] = {}
    for record, event in zip(records, received, strict=True):
        per_partition.setdefault(record.partition, []).append(event.sequence)
    assert all(seq == sorted(seq) for seq in per_partition.values())  # staged order within a partition
    assert sorted(e.sequence for e in received) == list(range(1, 21))
    assert len({e.id for e in received}) == 20


def test_an_event_keeps_the_trace_context_it_was_decided_in(leg: tuple[SearchEngine, str]) -> None:
    engine, prefix = leg
    outbox = EngineOutbox(engine, prefix, "test", SOURCE_A)
    traced = PendingEvent(
        topic="jobmatch.test.v1",
        key="k",
        event_type="nl.werk.thing-changed.v1",
        subject="s",
        data=b"x",
        schema="jobmatch.test.v1.ThingChanged",
        event_id="traced",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        tracestate="jm=1",
    )
    index = _write_thing(engine, prefix, outbox, 1, [traced])
    outbox.settle(index, "thing-1")
    (entry,) = outbox.pending(outbox.connect())
    assert (entry.event.traceparent, entry.event.tracestate) == (traced.traceparent, "jm=1")


class ReadCountingOutbox(EngineOutbox):
    reads = 0

    def pending(self, conn: object, limit: int = 500) -> list[OutboxEntry]:
        entries = super().pending(conn, limit)
        self.reads += 1
        return entries


def test_events_this_process_stages_are_published_without_waiting_for_the_poll(
    leg: tuple[SearchEngine, str], broker: str
) -> None:
    engine, prefix = leg
    topic = f"jobmatch.outbox-test-{uuid.uuid4().hex[:8]}.v1"
    ensure_topics(broker, [topic])
    outbox = ReadCountingOutbox(engine, prefix, "test", SOURCE_A)
    relay = OutboxRelay(outbox, broker, poll_interval=3600.0)  # polls once an hour
    relay.start()
    try:
        assert wait_for(lambda: outbox.reads >= 1, timeout=20)  # its first round found nothing: it waits now
        outbox.stage([_event(0, topic=topic, event_id="w0")])
        assert wait_for(lambda: relay.published_count == 1, timeout=20)
        outbox.stage([_event(n, topic=topic, event_id=f"w{n}") for n in (1, 2)])
        assert wait_for(lambda: relay.published_count == 3, timeout=20)
    finally:
        relay.stop()
    assert [event.subject for _, event in read_topic_events(broker, topic)] == ["thing/0", "thing/1", "thing/2"]
