"""The ingest benchmark splits its CPU by thread group (bench/ingest_cpu.py): a thread's
work must land in the group its name says, not in another."""

from __future__ import annotations

import threading
import time

from bench.ingest_cpu import CpuSnapshot


def test_cpu_of_a_grpc_worker_thread_counts_as_the_servicers() -> None:
    burned, release = threading.Event(), threading.Event()

    def work() -> None:
        deadline = time.thread_time() + 0.2
        while time.thread_time() < deadline:
            pass
        burned.set()
        release.wait()  # alive until read: the accounting reads live threads only

    before = CpuSnapshot.take()
    worker = threading.Thread(target=work, name="rpc_0")
    worker.start()
    try:
        assert burned.wait(30)
        per_item = CpuSnapshot.take().us_per_item_since(before, items=1000)
    finally:
        release.set()
        worker.join()
    assert per_item["servicer"] >= 150.0  # at least 0.15 of its 0.2 s over 1 000 items (100 Hz ticks)
    assert per_item.get("relay", 0.0) == 0.0
