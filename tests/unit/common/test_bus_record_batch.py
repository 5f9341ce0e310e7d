"""The relay's own record batches read back by kafka-python 3.0.12, and its partitioner equals
kafka-python's DefaultPartitioner (so a key stays on the partition it had with KafkaProducer)."""

from __future__ import annotations

import random

from kafka.partitioner.default import DefaultPartitioner
from kafka.partitioner.default import murmur2 as kafka_murmur2
from kafka.record.default_records import DefaultRecordBatch

from services.common.bus.record_batch import (
    RecordBatchWriter,
    encode_headers,
    murmur2,
    partition_for_key,
    varint,
)
from services.common.bus.record_batch import _zigzag_varint as kafka_varint


def records_read_back(batch: bytes) -> list[tuple[int, int, bytes | None, bytes | None, list[tuple[str, bytes]]]]:
    read = DefaultRecordBatch(batch)
    assert read.validate_crc(), "kafka-python rejects the batch's CRC-32C"
    return [(r.offset, r.timestamp, r.key, r.value, list(r.headers)) for r in read]


def test_a_batch_reads_back_in_kafka_python_with_keys_values_headers_and_offsets_in_order() -> None:
    writer = RecordBatchWriter()
    written = []
    rng = random.Random(5)
    for n in range(300):
        key = f"vacancy-{n}".encode()
        value = rng.randbytes(rng.choice([0, 5, 200, 20_000]))
        headers = [("ce_id", f"id-{n}".encode()), ("ce_source", b"urn:x"), ("empty", b"")]
        writer.append(key, value, encode_headers(headers, frozenset({"ce_source"})))
        written.append((n, 1_764_662_400_123, key, value, headers))

    batch = writer.build(1_764_662_400_123)

    assert records_read_back(batch) == written
    header = DefaultRecordBatch(batch)
    assert (header.magic, header.compression_type, header.is_transactional) == (2, 0, False)
    assert (header.producer_id, header.base_sequence) == (-1, -1)
    assert len(batch) <= writer.size


def test_a_record_without_headers_or_value_bytes_reads_back_empty() -> None:
    writer = RecordBatchWriter()
    writer.append(b"k", b"", encode_headers([], frozenset()))
    assert records_read_back(writer.build(7)) == [(0, 7, b"k", b"", [])]


def test_varints_are_kafkas_zigzag_varints_below_and_above_the_table() -> None:
    for value in (0, 1, 63, 64, 127, 128, 8191, 8192, 16383, 16384, 1 << 20, (1 << 31) - 1):
        assert varint(value) == kafka_varint(value)


def test_murmur2_equals_kafka_pythons_for_keys_of_every_length_up_to_64() -> None:
    rng = random.Random(11)
    for length in range(65):
        for _ in range(20):
            key = rng.randbytes(length)
            assert murmur2(key) == kafka_murmur2(key)


def test_the_partition_of_a_key_is_the_one_kafka_pythons_default_partitioner_picks() -> None:
    class Cluster:  # the two lookups DefaultPartitioner makes
        def __init__(self, partitions: int) -> None:
            self.partitions = set(range(partitions))

        def topics(self) -> set[str]:
            return {"t"}

        def partitions_for_topic(self, topic: str) -> set[int]:
            return self.partitions

        def available_partitions_for_topic(self, topic: str) -> set[int]:
            return self.partitions

    partitioner = DefaultPartitioner()
    for partitions in (1, 2, 3, 12):
        cluster = Cluster(partitions)
        for n in range(200):
            key = f"client-{n}".encode()
            expected = partitioner.partition("t", None, key, None, None, cluster)
            assert partition_for_key(key, partitions) == expected
