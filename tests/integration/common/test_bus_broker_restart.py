"""Fault tests with a broker of our own (the shared session broker is never killed):
EmbeddedBroker lifecycle, and delivery that survives a crashed, empty-restarted broker."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.wrappers_pb2 import StringValue
from kafka import KafkaAdminClient
from polling import wait_for

from services.common.bus import (
    BrokerStartError,
    CloudEvent,
    EmbeddedBroker,
    EventConsumer,
    OutboxRelay,
    SqliteOutbox,
    SqliteProcessedEvents,
    ensure_topics,
)
from services.common.bus.broker import free_loopback_port, kafka_metadata_answers

REPO = Path(__file__).resolve().parents[3]
SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-faulttest"


@pytest.fixture(scope="module")
def own_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(log_path=tmp_path_factory.mktemp("broker") / "tansu.log")
    broker.start()
    yield broker
    broker.stop()


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); it is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


class TestEmbeddedBroker:
    def test_restart_comes_back_empty_on_the_same_port(self, own_broker: EmbeddedBroker) -> None:
        bootstrap = own_broker.bootstrap
        ensure_topics(bootstrap, ["restart.me"])
        assert own_broker.restart() == bootstrap
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            assert "restart.me" not in admin.list_topics()
        finally:
            admin.close()

    def test_ensure_topics_creates_missing_topics_and_accepts_existing_ones(self, own_broker: EmbeddedBroker) -> None:
        ensure_topics(own_broker.bootstrap, ["a.topic"], partitions=2)
        ensure_topics(own_broker.bootstrap, ["a.topic", "b.topic"])
        admin = KafkaAdminClient(bootstrap_servers=own_broker.bootstrap)
        try:
            assert {"a.topic", "b.topic"} <= set(admin.list_topics())
            [described] = admin.describe_topics(["a.topic"])
            assert len(described["partitions"]) == 2
        finally:
            admin.close()

    def test_stop_and_kill_are_idempotent_and_start_reuses_the_port(self, tmp_path: Path) -> None:
        broker = EmbeddedBroker()
        with broker:
            port = broker.port
            assert port is not None and kafka_metadata_answers("127.0.0.1", port)
            broker.kill()
            broker.kill()
            assert not broker.running
            assert broker.start() == f"127.0.0.1:{port}"
        broker.stop()
        assert not broker.running
        assert not kafka_metadata_answers("127.0.0.1", port, timeout=0.2)

    def test_a_fixed_port_that_is_taken_gives_a_clear_error(self, own_broker: EmbeddedBroker) -> None:
        with pytest.raises(BrokerStartError, match="already in use"):
            EmbeddedBroker(port=own_broker.port, startup_timeout=5).start()

    def test_a_missing_binary_gives_a_clear_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("CALF_TANSU_BIN", "/nonexistent/tansu")
        with pytest.raises(BrokerStartError, match="no Tansu broker binary"):
            EmbeddedBroker(port=free_loopback_port()).start()

    def test_the_broker_dies_with_the_process_that_started_it(self) -> None:
        parent = subprocess.Popen(
            [
                sys.executable,
                "-c",
                textwrap.dedent(
                    """
                import sys, time
                from services.common.bus import EmbeddedBroker
                broker = EmbeddedBroker()
                broker.start()
                print(broker.pid, flush=True)
                time.sleep(60)
                """
                ),
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert parent.stdout is not None
            broker_pid = int(parent.stdout.readline())
            assert process_alive(broker_pid)
        finally:
            parent.send_signal(signal.SIGKILL)
            parent.wait()
        assert wait_for(lambda: not process_alive(broker_pid), timeout=10)


class TestDeliveryThroughABrokerCrash:
    def test_every_event_arrives_once_with_sequences_without_gaps(
        self, own_broker: EmbeddedBroker, tmp_path: Path
    ) -> None:
        bootstrap = own_broker.bootstrap
        topic = f"crash.{uuid.uuid4().hex[:8]}"
        ensure_topics(bootstrap, [topic])
        outbox = SqliteOutbox(tmp_path / "producer.db", SOURCE)
        store = sqlite3.connect(outbox.db_path, check_same_thread=False)
        outbox.create_schema(store)
        relay = OutboxRelay(outbox, bootstrap)
        calls: list[CloudEvent] = []
        processed = SqliteProcessedEvents(tmp_path / "consumer.db")
        consumer = EventConsumer(bootstrap, [topic], "crash-test", calls.append, processed)
        total = 60

        def add_events() -> None:
            for number in range(1, total + 1):
                with store:
                    outbox.add(
                        store,
                        topic=topic,
                        key=f"client-{number % 4}",
                        event_type="nl.werk.crash-test.v1",
                        subject=str(number),
                        message=StringValue(value=f"event {number}"),
                    )
                time.sleep(0.02)

        relay.start()
        consumer.start()
        try:
            assert consumer.wait_until_assigned(30)
            writer = threading.Thread(target=add_events)
            writer.start()
            assert wait_for(lambda: len(calls) >= 15, timeout=30)
            own_broker.kill()  # crash: in-memory topics, offsets and groups are gone
            time.sleep(0.5)  # events keep being added while it is down
            own_broker.start()
            writer.join(30)
            assert relay.flush(60)
            arrived = wait_for(lambda: len({e.id for e in calls}) == total, timeout=60)
            missing = set(range(1, total + 1)) - {int(e.subject) for e in calls}
            assert arrived, f"never arrived: {sorted(missing)}"
        finally:
            consumer.stop()
            relay.stop()
            store.close()
            processed.close()
        assert relay.republished_count > 0  # the new broker really had lost the early events
        counts = Counter(event.id for event in calls)
        assert set(counts.values()) == {1}
        assert sorted(event.sequence for event in calls) == list(range(1, total + 1))
        assert {event.source for event in calls} == {SOURCE}


def add_events(outbox: SqliteOutbox, store: sqlite3.Connection, topic: str, count: int) -> None:
    with store:
        for number in range(1, count + 1):
            outbox.add(
                store,
                topic=topic,
                key=f"key-{number}",
                event_type="nl.werk.crash-test.v1",
                subject=str(number),
                message=StringValue(value=f"event {number}"),
            )


class TestRelayAgainstAnUnavailableBroker:
    @pytest.fixture
    def producer_side(self, tmp_path: Path) -> Iterator[tuple[SqliteOutbox, sqlite3.Connection]]:
        outbox = SqliteOutbox(tmp_path / "producer.db", SOURCE)
        store = sqlite3.connect(outbox.db_path)
        outbox.create_schema(store)
        yield outbox, store
        store.close()

    def consume_all(self, bootstrap: str, topic: str, tmp_path: Path, count: int) -> list[CloudEvent]:
        calls: list[CloudEvent] = []
        processed = SqliteProcessedEvents(tmp_path / f"consumer-{uuid.uuid4().hex[:6]}.db")
        consumer = EventConsumer(bootstrap, [topic], f"g-{uuid.uuid4().hex[:6]}", calls.append, processed)
        consumer.start()
        try:
            wait_for(lambda: len(calls) >= count, timeout=30)
        finally:
            consumer.stop()
            processed.close()
        return calls

    def test_an_idle_relay_sends_retained_events_again_after_an_empty_restart(
        self, own_broker: EmbeddedBroker, producer_side: tuple[SqliteOutbox, sqlite3.Connection], tmp_path: Path
    ) -> None:
        outbox, store = producer_side
        topic = f"idle.{uuid.uuid4().hex[:8]}"
        add_events(outbox, store, topic, 5)
        relay = OutboxRelay(outbox, own_broker.bootstrap, check_interval=0.2)
        relay.start()
        try:
            assert relay.flush(30)
            own_broker.restart()  # nothing new is added: only the periodic check can notice
            assert wait_for(lambda: relay.republished_count >= 5, timeout=30)
            assert relay.flush(30)
            calls = self.consume_all(own_broker.bootstrap, topic, tmp_path, 5)
        finally:
            relay.stop()
        assert sorted(event.sequence for event in calls) == [1, 2, 3, 4, 5]

    def test_events_added_while_the_broker_is_down_wait_and_then_go_out(
        self, own_broker: EmbeddedBroker, producer_side: tuple[SqliteOutbox, sqlite3.Connection], tmp_path: Path
    ) -> None:
        outbox, store = producer_side
        topic = f"down.{uuid.uuid4().hex[:8]}"
        own_broker.kill()
        relay = OutboxRelay(outbox, own_broker.bootstrap)
        relay.start()
        try:
            add_events(outbox, store, topic, 3)
            assert not relay.flush(0.5)  # nothing can be acked: rows stay pending
            own_broker.start()
            assert relay.flush(60)
            calls = self.consume_all(own_broker.bootstrap, topic, tmp_path, 3)
        finally:
            relay.stop()
            own_broker.start()
        assert sorted(event.sequence for event in calls) == [1, 2, 3]
