"""The relay's BatchPublisher on the session broker: what kafka-python 3.0.12 consumers read back
matches what it reports (partition = KafkaProducer's for the key, offset = base offset + place
in the batch), and a full request sends only a prefix."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest

from services.common.bus import ensure_topics, kafka_clients
from services.common.bus.cloudevents import KafkaRecord
from services.common.bus.publisher import BatchPublisher, ProducerPublisher

PARTITIONS = 3


def a_topic(broker: str) -> str:
    name = f"test.publisher.{uuid.uuid4().hex[:10]}"
    ensure_topics(broker, [name], partitions=PARTITIONS)
    return name


def records(topic: str, count: int, value_size: int = 10, first: int = 0) -> list[KafkaRecord]:
    return [
        (topic, f"client-{n % 17}".encode(), bytes([n % 256]) * value_size, [("ce_id", f"event-{n}".encode())])
        for n in range(first, first + count)
    ]


def read_back(broker: str, topic: str, count: int) -> dict[bytes, tuple[int, int, bytes]]:
    """ce_id -> (partition, offset, key) of every record on `topic` (at least `count` of them)."""
    from kafka import TopicPartition

    consumer = kafka_clients.consumer(broker, group_id=None, enable_auto_commit=False, fetch_max_wait_ms=100)
    try:
        partitions = [TopicPartition(topic, p) for p in range(PARTITIONS)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        found: dict[bytes, tuple[int, int, bytes]] = {}
        deadline = time.monotonic() + 30
        while len(found) < count and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=200).values():
                for record in batch:
                    found[dict(record.headers)["ce_id"]] = (record.partition, record.offset, record.key)
        return found
    finally:
        consumer.close()


@pytest.fixture
def publisher(broker: str) -> Any:
    publisher = BatchPublisher(broker, client_id="test-publisher", request_timeout_ms=5000)
    yield publisher
    publisher.close()


def test_every_record_lands_where_the_publisher_says_on_the_partition_kafka_producer_picks(
    broker: str, publisher: BatchPublisher
) -> None:
    topic, producer_topic = a_topic(broker), a_topic(broker)
    sent = records(topic, 120)

    acked, failure = publisher.send(sent)
    acked_again, _ = publisher.send(records(topic, 30, first=120))  # offsets go on after the first request

    assert failure is None and len(acked) == 120 and len(acked_again) == 30
    found = read_back(broker, topic, 150)
    assert [found[f"event-{n}".encode()][:2] for n in range(150)] == acked + acked_again
    producer = kafka_clients.producer(broker)
    try:
        futures = [producer.send(producer_topic, key=key) for _, key, _, _ in sent]
        producer.flush(10)
        assert [partition for partition, _ in acked] == [f.get(10).partition for f in futures]
    finally:
        producer.close()


def test_records_beyond_the_request_size_wait_for_the_next_request(broker: str, publisher: BatchPublisher) -> None:
    topic = a_topic(broker)
    publisher.max_request_bytes = 10_000
    sent = records(topic, 40, value_size=1000)

    requests: list[list[tuple[int, int]]] = []
    while sum(map(len, requests)) < len(sent) and len(requests) < 40:
        acked, failure = publisher.send(sent[sum(map(len, requests)) :])
        assert failure is None
        requests.append(acked)

    assert len(requests) > 1 and all(requests) and sum(map(len, requests)) == 40
    found = read_back(broker, topic, 40)
    assert [found[f"event-{n}".encode()][:2] for n in range(40)] == [ack for acked in requests for ack in acked]


def test_the_idempotent_producer_fallback_reports_the_same_places_as_consumers_read(broker: str) -> None:
    topic = a_topic(broker)
    producer = kafka_clients.producer(
        broker, enable_idempotence=True, acks="all", max_in_flight_requests_per_connection=1
    )
    publisher = ProducerPublisher(producer, flush_timeout_s=10)
    try:
        acked, failure = publisher.send(records(topic, 50))
    finally:
        publisher.close()

    assert failure is None and len(acked) == 50
    found = read_back(broker, topic, 50)
    assert [found[f"event-{n}".encode()][:2] for n in range(50)] == acked
