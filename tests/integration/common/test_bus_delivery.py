"""Outbox -> relay -> Kafka (the shared session broker) -> EventConsumer, end to end.

Each test uses its own topic and consumer group so tests never see each other's events.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from google.protobuf.struct_pb2 import Struct
from kafka import KafkaConsumer, KafkaProducer
from polling import wait_for

from services.common.bus import (
    CloudEvent,
    EventConsumer,
    SqliteProcessedEvents,
    ensure_topics,
    from_kafka,
    to_kafka,
)
from services.common.bus.tail import tail_events

REPO = Path(__file__).resolve().parents[3]
SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-bustest"
TYPE = "nl.werk.bus-test-happened.v1"


@pytest.fixture
def topic(broker: str) -> str:
    name = f"test.bus.{uuid.uuid4().hex[:10]}"
    ensure_topics(broker, [name, name + ".dlq"])
    return name


class Recorder:
    """A handler that records events and can be told to fail."""

    def __init__(self, fail: Callable[[CloudEvent, int], bool] = lambda event, calls: False) -> None:
        self.fail = fail
        self.calls: list[CloudEvent] = []
        self.handled: list[CloudEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: CloudEvent) -> None:
        with self._lock:
            self.calls.append(event)
            calls = sum(1 for seen in self.calls if seen.id == event.id)
        if self.fail(event, calls):
            raise RuntimeError(f"cannot handle {event.subject} yet")
        with self._lock:
            self.handled.append(event)


@pytest.fixture
def start_consumer(broker: str, tmp_path: Path) -> Iterator[Callable[..., EventConsumer]]:
    started: list[EventConsumer] = []

    def start(topic: str, handler: Recorder, **options: object) -> EventConsumer:
        processed = SqliteProcessedEvents(tmp_path / f"consumer-{len(started)}.db")
        consumer = EventConsumer(
            broker, [topic], f"group-{uuid.uuid4().hex[:8]}", handler, processed, retry_backoff=0.01, **options
        )  # type: ignore[arg-type]
        consumer.start()
        started.append(consumer)
        return consumer

    yield start
    for consumer in started:
        consumer.stop()
        consumer.processed.close()


def payload(**fields: object) -> Struct:
    message = Struct()
    message.update(fields)
    return message


def produce_raw(broker: str, topic: str, records: list[tuple[list[tuple[str, bytes]], bytes]]) -> None:
    producer = KafkaProducer(bootstrap_servers=broker, enable_idempotence=False)
    try:
        for headers, value in records:
            producer.send(topic, key=b"k", value=value, headers=headers).get(timeout=10)
    finally:
        producer.close()


def read_topic(broker: str, topic: str, count: int) -> list:
    consumer = KafkaConsumer(
        topic, bootstrap_servers=broker, group_id=None, auto_offset_reset="earliest", consumer_timeout_ms=10_000
    )
    try:
        found = []
        for record in consumer:
            found.append(record)
            if len(found) >= count:
                break
        return found
    finally:
        consumer.close()


def a_cloud_event(subject: str, sequence: int) -> CloudEvent:
    from datetime import UTC, datetime

    return CloudEvent(
        id=str(uuid.uuid4()),
        source=SOURCE,
        type=TYPE,
        subject=subject,
        time=datetime.now(UTC),
        sequence=sequence,
        data=payload(subject=subject).SerializeToString(),
        dataschema="proto:google.protobuf.Struct",
    )


PRODUCER_PROCESS = textwrap.dedent(
    """
    import sqlite3, sys
    from pathlib import Path
    from google.protobuf.struct_pb2 import Struct
    from services.common.bus import OutboxRelay, SqliteOutbox

    db, source, topic, bootstrap = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    outbox = SqliteOutbox(db, source)
    conn = sqlite3.connect(db)
    outbox.create_schema(conn)
    with conn:  # the business change and the event commit together
        conn.execute("CREATE TABLE vacancy (id TEXT PRIMARY KEY, title TEXT)")
        conn.execute("INSERT INTO vacancy VALUES ('vac-1', 'Verpleegkundige')")
        message = Struct()
        message.update({"vacancy_id": "vac-1", "title": "Verpleegkundige", "hours_max": 36})
        outbox.add(conn, topic=topic, key="vac-1", event_type="nl.werk.vacancy-published.v1",
                   subject="vac-1", message=message)
    relay = OutboxRelay(outbox, bootstrap)
    relay.start()
    ok = relay.flush(30)
    relay.stop()
    sys.exit(0 if ok else 3)
    """
)


class TestDeliveryAcrossProcesses:
    def test_an_event_added_in_another_process_arrives_with_all_attributes(
        self, broker: str, topic: str, tmp_path: Path, start_consumer: Callable[..., EventConsumer]
    ) -> None:
        done = subprocess.run(
            [sys.executable, "-c", PRODUCER_PROCESS, str(tmp_path / "vacancies.db"), SOURCE, topic, broker],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        handler = Recorder()
        start_consumer(topic, handler)
        assert wait_for(lambda: len(handler.handled) == 1, timeout=30)
        [event] = handler.handled
        assert event.source == SOURCE
        assert event.type == "nl.werk.vacancy-published.v1"
        assert event.subject == "vac-1"
        assert event.sequence == 1
        assert event.dataschema == "proto:google.protobuf.Struct"
        assert event.datacontenttype == "application/protobuf"
        body = Struct.FromString(event.data)
        assert dict(body) == {"vacancy_id": "vac-1", "title": "Verpleegkundige", "hours_max": 36.0}
        [record] = read_topic(broker, topic, 1)
        assert record.key == b"vac-1"
        assert {name for name, _ in record.headers} == {
            "ce_specversion",
            "ce_id",
            "ce_source",
            "ce_type",
            "ce_subject",
            "ce_time",
            "ce_sequence",
            "ce_sequencetype",
            "ce_dataschema",
            "content-type",
        }
        assert from_kafka(record.headers, record.value) == event


class TestRetriesAndDeadLetters:
    def test_a_handler_that_fails_once_gets_the_event_again(
        self, broker: str, topic: str, start_consumer: Callable[..., EventConsumer]
    ) -> None:
        flaky, steady = a_cloud_event("flaky", 1), a_cloud_event("steady", 2)
        produce_raw(broker, topic, [to_kafka(flaky), to_kafka(steady)])
        handler = Recorder(fail=lambda event, calls: event.subject == "flaky" and calls == 1)
        consumer = start_consumer(topic, handler)
        assert wait_for(lambda: len(handler.handled) == 2, timeout=30)
        assert [e.subject for e in handler.calls] == ["flaky", "flaky", "steady"]
        assert [e.subject for e in handler.handled] == ["flaky", "steady"]
        assert consumer.dead_lettered_count == 0

    def test_a_poison_event_goes_to_the_dead_letter_topic_and_the_next_one_is_handled(
        self, broker: str, topic: str, start_consumer: Callable[..., EventConsumer]
    ) -> None:
        poison, good = a_cloud_event("poison", 1), a_cloud_event("good", 2)
        produce_raw(broker, topic, [to_kafka(poison), (to_kafka(poison)[0], b"again"), to_kafka(good)])
        handler = Recorder(fail=lambda event, calls: event.subject == "poison")
        consumer = start_consumer(topic, handler, max_attempts=3)
        assert wait_for(lambda: len(handler.handled) == 1, timeout=30)
        assert [e.subject for e in handler.handled] == ["good"]
        # three attempts, then dead-lettered and marked: the redelivered copy is skipped
        assert [e.subject for e in handler.calls] == ["poison"] * 3 + ["good"]
        [dead] = read_topic(broker, topic + ".dlq", 1)
        headers = dict(dead.headers)
        assert headers["ce_id"] == poison.id.encode()
        assert b"handler failed 3 times" in headers["ce_deadletterreason"]
        assert b"cannot handle poison yet" in headers["ce_deadletterreason"]
        assert from_kafka(dead.headers, dead.value).data == poison.data
        assert consumer.dead_lettered_count == 1

    def test_an_undecodable_record_is_dead_lettered_with_the_reason(
        self, broker: str, topic: str, start_consumer: Callable[..., EventConsumer]
    ) -> None:
        good = a_cloud_event("good", 1)
        produce_raw(broker, topic, [([("ce_type", TYPE.encode())], b"no id"), to_kafka(good)])
        handler = Recorder()
        start_consumer(topic, handler)
        assert wait_for(lambda: len(handler.handled) == 1, timeout=30)
        [dead] = read_topic(broker, topic + ".dlq", 1)
        reason = dict(dead.headers)["ce_deadletterreason"].decode()
        assert reason.startswith("undecodable CloudEvent: missing header(s): ce_specversion, ce_id")
        assert dead.value == b"no id"

    def test_a_duplicate_event_id_reaches_the_handler_once(
        self, broker: str, topic: str, start_consumer: Callable[..., EventConsumer]
    ) -> None:
        event, last = a_cloud_event("once", 1), a_cloud_event("last", 2)
        produce_raw(broker, topic, [to_kafka(event), to_kafka(event), to_kafka(last)])
        handler = Recorder()
        start_consumer(topic, handler)
        assert wait_for(lambda: len(handler.handled) == 2, timeout=30)
        assert [e.subject for e in handler.calls] == ["once", "last"]


class TestTail:
    def test_tail_prints_headers_and_the_decoded_payload_as_json_lines(
        self, broker: str, topic: str, tmp_path: Path
    ) -> None:
        import io

        event = a_cloud_event("tailed", 1)
        produce_raw(broker, topic, [to_kafka(event), ([("x", b"y")], b"\x00\x01")])
        out = io.StringIO()
        assert tail_events(broker, [topic], out=out, max_events=2, idle_timeout=20) == 2
        first, second = (json.loads(line) for line in out.getvalue().splitlines())
        assert first["headers"]["ce_id"] == event.id
        assert first["data"] == {"subject": "tailed"}
        assert second["data_base64"] == "AAE="
        assert "missing header" in second["error"]


class TestConsumerStartingFirst:
    def test_a_topic_created_after_the_consumer_started_is_picked_up(
        self, broker: str, start_consumer: Callable[..., EventConsumer]
    ) -> None:
        topic = f"test.bus.late.{uuid.uuid4().hex[:10]}"
        handler = Recorder()
        consumer = start_consumer(topic, handler)
        assert not consumer.wait_until_assigned(0.3)  # nothing to read yet
        ensure_topics(broker, [topic])
        produce_raw(broker, topic, [to_kafka(a_cloud_event("late", 1))])
        assert consumer.wait_until_assigned(30)
        assert wait_for(lambda: len(handler.handled) == 1, timeout=30)
