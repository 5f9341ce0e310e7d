"""How the relay hands records to Kafka: one ProduceRequest per broker per cycle, or KafkaProducer.

`BatchPublisher` (the default) builds every partition's record batch itself (record_batch.py)
and sends one ProduceRequest per leader through a kafka-python KafkaNetClient driven from the
relay's own thread (no sender thread, no accumulator, no future per record); the broker's
base offset of a batch gives each record's offset (base + position). It does not retry:
on any error the relay keeps the acked prefix, drops the clients and sends the rest again,
which is what it did with the producer too (max one request in flight, so no reordering).

`ProducerPublisher` keeps kafka-python's KafkaProducer for an idempotent producer
(KAFKA_IDEMPOTENT_PRODUCER=1): producer ids, epochs and per-partition sequence numbers are
the producer's business and are not rebuilt here.

Both return the acked prefix: (partition, offset) per record, in order, up to the first
record without an ack (and the error, if one stopped it), or fewer records than given when a
request was full (the rest go in the next cycle).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any, Protocol

from kafka import errors as kafka_errors
from kafka.protocol.producer import ProduceRequest
from kafka.structs import TopicPartition

from . import kafka_clients
from .cloudevents import REPEATED_HEADERS, KafkaRecord
from .record_batch import RecordBatchWriter, encode_headers, partition_for_key

Acked = list[tuple[int, int]]

_ACKS_ALL = -1
_PRODUCE_V2_RECORDS = 3  # the first Produce version that carries record batches v2


class Publisher(Protocol):
    def send(self, records: Sequence[KafkaRecord]) -> tuple[Acked, Exception | None]: ...
    def close(self) -> None: ...


class BatchPublisher:
    def __init__(
        self,
        bootstrap_servers: str,
        *,
        client_id: str,
        request_timeout_ms: int,
        max_request_bytes: int = 900_000,  # under the brokers' default 1 MB per batch and request
    ) -> None:
        self.request_timeout_ms = request_timeout_ms
        self.max_request_bytes = max_request_bytes
        self._client = kafka_clients.net_client(
            bootstrap_servers,
            client_id=client_id,
            request_timeout_ms=request_timeout_ms,
            reconnect_backoff_max_ms=1000,
            max_in_flight_requests_per_connection=1,
        )
        self._manager = self._client._manager
        self._manager.bootstrap(request_timeout_ms)

    def send(self, records: Sequence[KafkaRecord]) -> tuple[Acked, Exception | None]:
        if not records:
            return [], None
        done = self._manager.call_soon(self._send, records)
        # Requests time out on their own; this bounds metadata waits and connecting too.
        self._client.poll(timeout_ms=self.request_timeout_ms * 3, future=done)
        if not done.is_done:
            return [], kafka_errors.KafkaTimeoutError("no produce response in time")
        if done.failed():
            return [], done.exception
        acked: Acked
        acked, failure = done.value
        return acked, failure

    async def _send(self, records: Sequence[KafkaRecord]) -> tuple[Acked, Exception | None]:
        counts: dict[str, int] = {}
        writers: dict[tuple[str, int], RecordBatchWriter] = {}
        placed: list[tuple[tuple[str, int], int]] = []  # per record: its batch, its place in it
        budget = self.max_request_bytes
        for topic, key, value, headers in records:
            count = counts.get(topic) or await self._partition_count(topic, counts)
            where = (topic, partition_for_key(key, count))
            section = encode_headers(headers, REPEATED_HEADERS)
            size = RecordBatchWriter.record_size(key, value, section)
            writer = writers.get(where)
            if writer is None:
                size += RecordBatchWriter().size + len(topic) + 16
            if size > budget and placed:
                break  # full: this record and the rest wait for the next request
            budget -= size
            if writer is None:
                writer = writers[where] = RecordBatchWriter()
            placed.append((where, writer.count))
            writer.append(key, value, section)

        base_offsets, failure = await self._produce(writers)
        acked: Acked = []
        for where, position in placed:
            base = base_offsets.get(where)
            if base is None:
                break  # only the acked prefix: never a hole in the order
            acked.append((where[1], base + position))
        return acked, failure

    async def _partition_count(self, topic: str, counts: dict[str, int]) -> int:
        cluster = self._manager.cluster
        update = cluster.add_topic(topic)
        deadline = time.monotonic() + self.request_timeout_ms / 1000
        while True:
            await update
            partitions = cluster.partitions_for_topic(topic)
            if partitions:
                # DefaultPartitioner indexes the sorted ids; they are 0..n-1 on every broker we know.
                if sorted(partitions) != list(range(len(partitions))):
                    raise kafka_errors.KafkaError(f"partitions of {topic} are not 0..n-1: {sorted(partitions)}")
                counts[topic] = len(partitions)
                return len(partitions)
            if time.monotonic() >= deadline:
                raise kafka_errors.UnknownTopicOrPartitionError(f"no partitions known for {topic}")
            update = cluster.request_update()

    async def _produce(
        self, writers: dict[tuple[str, int], RecordBatchWriter]
    ) -> tuple[dict[tuple[str, int], int], Exception | None]:
        cluster = self._manager.cluster
        timestamp_ms = int(time.time() * 1000)
        Topic = ProduceRequest.TopicProduceData
        Partition = Topic.PartitionProduceData
        by_leader: dict[int, dict[str, list[Any]]] = {}
        for (topic, partition), writer in writers.items():
            leader = cluster.leader_for_partition(TopicPartition(topic, partition))
            if leader is None or leader == -1:
                cluster.request_update()
                raise kafka_errors.LeaderNotAvailableError(f"{topic}[{partition}]")
            batch = Partition(index=partition, records=writer.build(timestamp_ms))
            by_leader.setdefault(leader, {}).setdefault(topic, []).append(batch)
        pending = [
            self._manager.send(
                ProduceRequest(
                    transactional_id=None,
                    acks=_ACKS_ALL,
                    timeout_ms=self.request_timeout_ms,
                    topic_data=[Topic(name=name, partition_data=parts) for name, parts in topics.items()],
                    min_version=_PRODUCE_V2_RECORDS,
                    max_version=9,
                ),
                node_id=leader,
            )
            for leader, topics in by_leader.items()
        ]
        base_offsets: dict[tuple[str, int], int] = {}
        failure: Exception | None = None
        for request in pending:
            try:
                response = await request
            except Exception as exc:  # noqa: BLE001 - this broker's batches have no ack; the others may
                failure = failure or exc
                continue
            for topic_response in response.responses:
                for answer in topic_response.partition_responses:
                    if answer.error_code == 0:
                        base_offsets[(topic_response.name, answer.index)] = answer.base_offset
                        continue
                    error = kafka_errors.for_code(answer.error_code)
                    if getattr(error, "invalid_metadata", False):
                        cluster.request_update()
                    failure = failure or error(f"{topic_response.name}[{answer.index}]")
        return base_offsets, failure

    def close(self) -> None:
        self._client.close()


class ProducerPublisher:
    """Records through KafkaProducer.send (for an idempotent producer): a future per record."""

    def __init__(self, producer: Any, flush_timeout_s: float) -> None:
        self._producer = producer
        self._flush_timeout_s = flush_timeout_s

    def send(self, records: Sequence[KafkaRecord]) -> tuple[Acked, Exception | None]:
        futures = []
        failure: Exception | None = None
        try:
            for topic, key, value, headers in records:
                futures.append(self._producer.send(topic, key=key, value=value, headers=headers))
            self._producer.flush(timeout=self._flush_timeout_s)
        except Exception as exc:  # noqa: BLE001 - whatever failed, the acked prefix still counts
            failure = exc
        acked: Acked = []
        for future in futures:
            if not future.is_done or future.failed():
                failure = failure or (future.exception if future.is_done else TimeoutError("no ack"))
                break
            acked.append((future.value.partition, future.value.offset))
        return acked, failure

    def close(self) -> None:
        self._producer.close(timeout=0)
