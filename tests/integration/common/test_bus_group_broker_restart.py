"""A consumer group through a broker crash, on a broker of its own (the session broker is never
killed): Tansu comes back empty, the relay sends its retained events again, both members
rejoin the group and every event is handled once across them.

The two members share one dedupe table here, as replicas must (the broker lost the committed
offsets, so every partition is read again from the start by whichever member owns it now).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from bus_group_support import PARTITIONS, settled, start_member, stop_member
from google.protobuf.wrappers_pb2 import StringValue
from polling import wait_for

from services.common.bus import CloudEvent, EmbeddedBroker, OutboxRelay, SqliteOutbox, ensure_topics

SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-grouprestart"
TOTAL = 60


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(log_path=tmp_path_factory.mktemp("broker") / "tansu.log")
    broker.start()
    yield broker
    broker.stop()


class Calls:
    def __init__(self) -> None:
        self.events: list[CloudEvent] = []
        self._lock = threading.Lock()

    def __call__(self, event: CloudEvent) -> None:
        with self._lock:
            self.events.append(event)


def test_after_a_broker_restart_the_group_rejoins_and_every_event_is_handled_once(
    own_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    bootstrap = own_broker.bootstrap
    topic = f"group.crash.{uuid.uuid4().hex[:8]}"
    ensure_topics(bootstrap, [topic, topic + ".dlq"], partitions=PARTITIONS)
    outbox = SqliteOutbox(tmp_path / "producer.db", SOURCE)
    store = sqlite3.connect(outbox.db_path, check_same_thread=False)
    outbox.create_schema(store)
    relay = OutboxRelay(outbox, bootstrap)
    calls = Calls()
    group = f"group-{uuid.uuid4().hex[:8]}"
    shared = tmp_path / "shared-dedupe.db"
    a = start_member(bootstrap, topic, group, shared, calls)  # type: ignore[arg-type]
    b = start_member(bootstrap, topic, group, shared, calls)  # type: ignore[arg-type]

    def add_events() -> None:
        for number in range(1, TOTAL + 1):
            with store:
                outbox.add(
                    store,
                    topic=topic,
                    key=f"client-{number % 8}",
                    event_type="nl.werk.crash-test.v1",
                    subject=str(number),
                    message=StringValue(value=f"event {number}"),
                )
            time.sleep(0.03)

    relay.start()
    try:
        assert settled([a, b], topic)
        writer = threading.Thread(target=add_events)
        writer.start()
        assert wait_for(lambda: len(calls.events) >= 15, timeout=30)
        own_broker.kill()  # topics, committed offsets and the group itself are gone
        time.sleep(0.5)
        own_broker.start()
        restarted = time.monotonic()
        writer.join(30)
        assert relay.flush(60)
        arrived = wait_for(lambda: len({e.id for e in calls.events}) == TOTAL, timeout=60)
        all_handled_after = time.monotonic() - restarted
        missing = set(range(1, TOTAL + 1)) - {int(e.subject) for e in calls.events}
        assert arrived, f"never arrived: {sorted(missing)}"
        assert settled([a, b], topic), "the group did not split the partitions again"
        rejoined_after = time.monotonic() - restarted
    finally:
        stop_member(a)
        stop_member(b)
        relay.stop()
        store.close()
    print(
        f"after the restart: every event handled within {all_handled_after:.1f}s, "
        f"group split again within {rejoined_after:.1f}s"
    )
    assert relay.republished_count > 0  # the new broker really had lost the early events
    twice = {event_id: n for event_id, n in Counter(e.id for e in calls.events).items() if n > 1}
    assert not twice
    assert sorted(e.sequence for e in calls.events) == list(range(1, TOTAL + 1))
