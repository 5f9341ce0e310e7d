"""The outbox relay alone: CPU per event to publish a filled SQLite outbox to the embedded broker.

`python -m bench.relay_cpu [--events N] [--partitions P] [--profile]` prints JSON. The outbox is
filled before the relay starts, so the figure is the relay's own cost per event (read rows,
build records, send, read acks, mark published), not its waiting: relay thread CPU and the
CPU of kafka-python's I/O threads, per event. `--profile` runs the relay's cycles in this
thread under cProfile instead and prints the top functions to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.ingest_cpu import CpuSnapshot
from services.common.bus.broker import EmbeddedBroker, ensure_topics
from services.common.bus.outbox import PendingEvent, SqliteOutbox
from services.common.bus.relay import OutboxRelay

TOPIC = "bench.relay.v1"
SOURCE = "urn:nld:oin:00000001234567890000:systeem:bench-relay"
DATA_BYTES = 700  # about a VacancyPublished message


def fill(outbox: SqliteOutbox, events: int) -> None:
    conn = sqlite3.connect(outbox.db_path)
    outbox.create_schema(conn)
    payload = os.urandom(DATA_BYTES)
    for start in range(0, events, 1000):
        with conn:
            outbox.add_many(
                conn,
                [
                    PendingEvent(
                        topic=TOPIC,
                        key=str(uuid.uuid4()),
                        event_type="nl.werk.vacancy-published.v1",
                        subject="vacancy",
                        data=payload,
                        schema="jobmatch.events.v1.VacancyPublished",
                        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" if n % 2 else None,
                    )
                    for n in range(start, min(events, start + 1000))
                ],
            )
    conn.close()


def run(events: int, partitions: int, profile: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="jobmatch-relay-bench-") as tmp, EmbeddedBroker() as broker:
        ensure_topics(broker.bootstrap, [TOPIC], partitions=partitions)
        outbox = SqliteOutbox(Path(tmp) / "outbox.db", SOURCE)
        # Warm-up: connections, metadata and the first batches outside the measurement.
        fill(outbox, 1000)
        relay = OutboxRelay(outbox, broker.bootstrap)
        conn = outbox.connect()
        while relay._cycle(conn):
            pass
        fill(outbox, events)
        started = time.perf_counter()
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            while relay._cycle(conn):
                pass
            profiler.disable()
            pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(30)
            cpu = {"relay": time.thread_time()}
        else:
            before = CpuSnapshot.take()
            thread_cpu = [0.0]

            def cycles() -> None:
                start_cpu = time.thread_time()
                while relay._cycle(conn):
                    pass
                thread_cpu[0] = time.thread_time() - start_cpu

            worker = threading.Thread(target=cycles, name="outbox-relay[bench]")
            worker.start()
            worker.join()
            after = CpuSnapshot.take().us_per_item_since(before, events)
            cpu = {"relay": round(thread_cpu[0] / events * 1e6, 1), "kafka_io": after.get("kafka_io", 0.0)}
        seconds = time.perf_counter() - started
        pending = outbox.pending_count(conn)
        relay._reset_clients()
        conn.close()
    return {
        "metric": "relay.cpu_us_per_event",
        "events": events,
        "partitions": partitions,
        "cpu_us_per_event": cpu,
        "events_per_s": round(events / seconds),
        "left_pending": pending,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, default=1)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    print(json.dumps(run(args.events, args.partitions, args.profile)))


if __name__ == "__main__":
    main()
