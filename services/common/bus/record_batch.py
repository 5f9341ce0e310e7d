"""Kafka record batches (message format v2) written in one pass, and the key partitioner.

The relay builds each partition's batch itself instead of going through KafkaProducer.send,
which spends ~100 us per record on the accumulator, its locks, a future per record and
record encoding through generic helpers (bench/relay_cpu.py). The bytes are the ones
kafka-python's DefaultRecordBatchBuilder writes for an uncompressed, non-transactional
batch without producer id; tests/unit/common/test_bus_record_batch.py reads them back with
kafka-python's own DefaultRecordBatch and checks the partitioner against its murmur2.
"""

from __future__ import annotations

import struct

from kafka.record.default_records import DefaultRecordBase
from kafka.record.util import calc_crc32c, encode_varint

_MASK = 0xFFFFFFFF
_M = 0x5BD1E995
_SEED = 0x9747B28C
_HEADER = DefaultRecordBase.HEADER_STRUCT
_CRC_AT = DefaultRecordBase.CRC_OFFSET
_CRC_FROM = DefaultRecordBase.ATTRIBUTES_OFFSET
_LENGTH_FROM = DefaultRecordBase.AFTER_LEN_OFFSET
_CRC = struct.Struct(">I")
_MAGIC = 2
_NO_PRODUCER = -1


def _zigzag_varint(value: int) -> bytes:
    out = bytearray()
    encode_varint(value, out.append)
    return bytes(out)


# Lengths and offset deltas of a few thousand fit this table: one list index per varint.
_SMALL_VARINTS = [_zigzag_varint(n) for n in range(16384)]
_SMALL = len(_SMALL_VARINTS)


def varint(value: int) -> bytes:
    """Kafka's zigzag varint of a non-negative int."""
    return _SMALL_VARINTS[value] if value < _SMALL else _zigzag_varint(value)


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (kafka.partitioner.default.murmur2, the Java client's), four bytes a step."""
    length = len(data)
    h = _SEED ^ length
    whole = length & ~3
    for (k,) in struct.iter_unpack("<I", data[:whole]):
        k = (k * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    extra = length & 3
    if extra >= 3:
        h ^= data[whole + 2] << 16
    if extra >= 2:
        h ^= data[whole + 1] << 8
    if extra >= 1:
        h ^= data[whole]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    h ^= h >> 15
    return h


def partition_for_key(key: bytes, partitions: int) -> int:
    """The partition kafka-python's DefaultPartitioner picks for `key` among partitions 0..n-1."""
    if partitions == 1:
        return 0
    return (murmur2(key) & 0x7FFFFFFF) % partitions


_PAIRS: dict[tuple[str, bytes], bytes] = {}
_NAMES: dict[str, bytes] = {}
_MOST_PAIRS = 4096  # values of repeated headers are few; this bounds a surprise


def _pair(name: str, value: bytes) -> bytes:
    return _name(name) + varint(len(value)) + value


def _name(name: str) -> bytes:
    encoded = _NAMES.get(name)
    if encoded is None:
        raw = name.encode()
        encoded = _NAMES[name] = varint(len(raw)) + raw
    return encoded


def encode_headers(headers: list[tuple[str, bytes]], repeated: frozenset[str]) -> bytes:
    """A record's header section; pairs named in `repeated` (the same for many records, e.g.
    ce_source) are encoded once and kept, the others each time."""
    parts = [varint(len(headers))]
    append = parts.append
    for pair in headers:
        name, value = pair
        if name in repeated:
            encoded = _PAIRS.get(pair)
            if encoded is None:
                if len(_PAIRS) >= _MOST_PAIRS:
                    _PAIRS.clear()
                encoded = _PAIRS[pair] = _pair(name, value)
            append(encoded)
        else:
            append(_NAMES.get(name) or _name(name))
            size = len(value)
            append(_SMALL_VARINTS[size] if size < _SMALL else _zigzag_varint(size))
            append(value)
    return b"".join(parts)


class RecordBatchWriter:
    """One partition's batch: records appended in order, offset delta = position in the batch."""

    __slots__ = ("_records", "count", "size")

    def __init__(self) -> None:
        self._records: list[bytes] = []
        self.count = 0
        self.size = _HEADER.size

    @staticmethod
    def record_size(key: bytes, value: bytes, header_section: bytes) -> int:
        """Upper bound of the bytes `append` adds (varints of at most 3 bytes per field)."""
        return len(key) + len(value) + len(header_section) + 16

    def append(self, key: bytes, value: bytes, header_section: bytes) -> None:
        # attributes 0, timestamp delta 0 (every record carries the batch's timestamp)
        body = b"".join(
            (b"\x00\x00", varint(self.count), varint(len(key)), key, varint(len(value)), value, header_section)
        )
        self._records.append(varint(len(body)))
        self._records.append(body)
        self.count += 1
        self.size += len(body) + 3

    def build(self, timestamp_ms: int) -> bytes:
        """The batch, base offset 0 (the broker assigns offsets), CRC-32C over attributes onward."""
        body = b"".join(self._records)
        buffer = bytearray(_HEADER.size)
        _HEADER.pack_into(
            buffer,
            0,
            0,  # base offset
            _HEADER.size + len(body) - _LENGTH_FROM,
            0,  # partition leader epoch (the broker's)
            _MAGIC,
            0,  # CRC, below
            0,  # attributes: no compression, create time, not transactional
            self.count - 1,  # last offset delta
            timestamp_ms,
            timestamp_ms,
            _NO_PRODUCER,
            _NO_PRODUCER,
            _NO_PRODUCER,
            self.count,
        )
        buffer += body
        _CRC.pack_into(buffer, _CRC_AT, calc_crc32c(memoryview(buffer)[_CRC_FROM:]))
        return bytes(buffer)
