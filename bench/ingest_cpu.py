"""Where the ingest benchmark's CPU goes: per thread group of this process and the broker.

All of them share the machine's cores, so the rate alone cannot say which part limits it;
CPU time per vacancy can, and hardly moves when colleagues load the machine. Read from
/proc (Linux): utime + stime of every thread of this process, of the Tansu child and of
the relay process when the relay runs in one.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(stat_path: Path) -> float:
    try:
        fields = stat_path.read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):  # the thread or process ended
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK  # utime, stime


def _group(name: str | None) -> str:
    """The part of the pipeline a thread belongs to, from the names its creator gives it."""
    if name is None:
        return "native"  # threads of grpc's core (polling, timers): no Python thread object
    if name.startswith("rpc"):
        return "servicer"  # the gRPC server's worker pool: decode, check, store, answer
    if name.startswith("outbox-relay["):
        return "relay"  # read the outbox, build and send record batches, mark published
    if "kafka" in name or "network-thread" in name or name.startswith("outbox-relay-"):
        return "kafka_io"  # kafka-python's I/O threads (admin; the producer's sender with an idempotent relay)
    if name == "MainThread":
        return "client"  # the benchmark's own stream: send batches, read results
    return "other"


def _broker_pids() -> list[int]:
    """Children of this process running Tansu (the embedded broker)."""
    pids = []
    for children in Path("/proc/self/task").glob("*/children"):
        for pid in children.read_text().split():
            try:
                if "tansu" in Path(f"/proc/{pid}/comm").read_text():
                    pids.append(int(pid))
            except FileNotFoundError:
                continue
    return pids


@dataclass
class CpuSnapshot:
    by_group: dict[str, float]

    @classmethod
    def take(cls, processes: dict[str, int] | None = None) -> CpuSnapshot:
        """`processes`: other processes to count, by group name (e.g. a relay process)."""
        names = {t.native_id: t.name for t in threading.enumerate()}
        groups: dict[str, float] = {}
        for task in Path("/proc/self/task").iterdir():
            group = _group(names.get(int(task.name)))
            groups[group] = groups.get(group, 0.0) + _cpu_seconds(task / "stat")
        groups["broker"] = sum(_cpu_seconds(Path(f"/proc/{pid}/stat")) for pid in _broker_pids())
        for group, pid in (processes or {}).items():
            groups[group] = _cpu_seconds(Path(f"/proc/{pid}/stat"))
        return cls(groups)

    def us_per_item_since(self, before: CpuSnapshot, items: int) -> dict[str, float]:
        """CPU µs per item of each group between the two snapshots (threads that ended in
        between are not counted: the benchmark's threads live through the measured run)."""
        return {
            group: round(max(0.0, seconds - before.by_group.get(group, 0.0)) / items * 1e6, 1)
            for group, seconds in sorted(self.by_group.items())
        }
