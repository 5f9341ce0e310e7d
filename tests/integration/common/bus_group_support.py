"""Helpers of the consumer-group tests: members in this process or as a child process, raw
events spread over the partitions, the group's committed offsets."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from google.protobuf.wrappers_pb2 import StringValue
from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from polling import wait_for

from services.common.bus import CloudEvent, EventConsumer, SqliteProcessedEvents, to_kafka

REPO = Path(__file__).resolve().parents[3]
SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-grouptest"
PARTITIONS = 4
# The session's consumer-group timing (tests/conftest.py: 3 s session, 1 s heartbeats, where
# the services' default is 6 s / 1 s). A join or rebalance takes about half a session on Tansu.
GROUP_TIMING = {
    "session_timeout_ms": int(os.environ["JOBMATCH_KAFKA_SESSION_TIMEOUT_MS"]),
    "heartbeat_interval_ms": int(os.environ["JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS"]),
}
SESSION_SECONDS = GROUP_TIMING["session_timeout_ms"] / 1000


def produce(broker: str, topic: str, count: int, *, first: int = 0) -> list[str]:
    """`count` CloudEvents, round-robin over the partitions; returns their ids in order."""
    producer = KafkaProducer(bootstrap_servers=broker, enable_idempotence=False, linger_ms=2)
    ids: list[str] = []
    try:
        for number in range(first, first + count):
            event = CloudEvent(
                id=str(uuid.uuid4()),
                source=SOURCE,
                type="nl.werk.group-test.v1",
                subject=str(number),
                time=datetime.now(UTC),
                sequence=number + 1,
                data=StringValue(value=str(number)).SerializeToString(),
                dataschema="proto:google.protobuf.StringValue",
            )
            headers, value = to_kafka(event)
            producer.send(topic, key=str(number).encode(), value=value, headers=headers, partition=number % PARTITIONS)
            ids.append(event.id)
        producer.flush(30)
    finally:
        producer.close()
    return ids


class Recorder:
    """Handler that records the id of every event it is called with."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, event: CloudEvent) -> None:
        with self._lock:
            self.ids.append(event.id)

    def snapshot(self) -> list[str]:
        with self._lock:
            return list(self.ids)


def start_member(broker: str, topic: str, group: str, db: Path, handler: Recorder) -> EventConsumer:
    consumer = EventConsumer(broker, [topic], group, handler, SqliteProcessedEvents(db), **GROUP_TIMING)
    consumer.start()
    return consumer


def stop_member(consumer: EventConsumer) -> None:
    consumer.stop()
    consumer.processed.close()


def settled(members: Iterable[EventConsumer], topic: str, timeout: float = 30) -> bool:
    """True once the members hold every partition of `topic` between them, none twice."""
    group = list(members)

    def split() -> bool:
        owned = [member.assignment() for member in group]
        every = [p for share in owned for p in share]
        return all(owned) and sorted(every) == [(topic, n) for n in range(PARTITIONS)]

    return wait_for(split, timeout, interval=0.05)


def handled_once(recorded: Iterable[str], expected: Iterable[str]) -> tuple[set[str], dict[str, int]]:
    """(missing ids, ids handled more than once) of a run."""
    counts = Counter(recorded)
    return set(expected) - set(counts), {i: n for i, n in counts.items() if n > 1}


def committed_total(broker: str, group: str, topic: str) -> int:
    """Sum of the group's committed offsets on `topic` (= events committed: offsets start at 0)."""
    reader = KafkaConsumer(bootstrap_servers=broker, group_id=group, enable_auto_commit=False)
    try:
        return sum(reader.committed(TopicPartition(topic, n)) or 0 for n in range(PARTITIONS))
    finally:
        reader.close(autocommit=False)


CHILD_MEMBER = textwrap.dedent(
    """
    import sys, threading
    from pathlib import Path
    from services.common.bus import EventConsumer, SqliteProcessedEvents

    broker, topic, group, db, out, session_ms, heartbeat_ms = sys.argv[1:8]
    lock = threading.Lock()
    handled = open(out, "a", buffering=1)

    def handler(event):
        with lock:
            handled.write(event.id + "\\n")

    consumer = EventConsumer(broker, [topic], group, handler, SqliteProcessedEvents(Path(db)),
                             session_timeout_ms=int(session_ms), heartbeat_interval_ms=int(heartbeat_ms))
    consumer.start()
    consumer.wait_until_assigned(60)
    print("assigned", flush=True)
    threading.Event().wait()
    """
)


def spawn_member(broker: str, topic: str, group: str, db: Path, out: Path) -> subprocess.Popen[str]:
    """A member in a process of its own (to SIGKILL it); its handled ids go to `out`."""
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            CHILD_MEMBER,
            broker,
            topic,
            group,
            str(db),
            str(out),
            str(GROUP_TIMING["session_timeout_ms"]),
            str(GROUP_TIMING["heartbeat_interval_ms"]),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "assigned", "child member never got partitions"
    return child


def ids_in(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []
