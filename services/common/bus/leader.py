"""Single-writer jobs: a periodic job that must run on one replica of a service, not on N.

The lease is Kafka group membership: the replica that owns partition 0 of a topic in the
service's consumer group runs the job (`EventConsumer.owns`, see group.py for why at most one
replica owns it at a time and how ownership moves within one session timeout). A service that
consumes nothing (vacancies) joins a group of its own with a `GroupLease`: a member that is
assigned partitions of its own topic but never reads them (they are paused), so it costs one
heartbeat a second and no fetches.

A lease is not a lock: the owner can be cut off halfway through a round, and the next owner
runs it again. Jobs run this way must be idempotent (the sweeps are: expiry closes a vacancy
only while it is open, period signals are created once per client, period and kind).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from . import kafka_clients
from .absent_leader import watch_for_absent_leader
from .consumer import _close_quietly
from .group import GroupListener, PartitionOwnership, UncommittedOffsets, finish_joining, request_timeout_ms

log = logging.getLogger(__name__)


class Ownership(Protocol):
    def owns(self, topic: str, partition: int = 0) -> bool: ...


def owner_of(member: Ownership | None, topic: str, partition: int = 0) -> Callable[[], bool]:
    """Whether this replica leads now: it owns `topic[partition]`. Without a member (no broker
    configured) the process is the only replica, so it always leads."""
    if member is None:
        return lambda: True
    return lambda: member.owns(topic, partition)


class SingleWriter:
    """A job (for `BackgroundWork.every`) that runs only while `leads()` is true."""

    def __init__(self, name: str, leads: Callable[[], bool], job: Callable[[], object]) -> None:
        self.name = name
        self.leads = leads
        self.job = job
        self.runs = 0
        self.skipped = 0
        self._leading = False

    def __call__(self) -> object:
        leading = self.leads()
        if leading != self._leading:  # log the hand-overs, not every round
            log.info("%s %s on this replica", self.name, "runs" if leading else "no longer runs")
            self._leading = leading
        if not leading:
            self.skipped += 1
            return None
        self.runs += 1
        return self.job()


class _PausingListener(GroupListener):
    """Owns what the group assigns, but never fetches it: the member exists for its lease."""

    def _assigned(self, assigned: Any) -> None:
        super()._assigned(assigned)
        self.consumer.pause(*assigned)


class GroupLease(threading.Thread):
    """Membership of consumer group `group_id` on `topic` without reading it; `owns(topic, 0)`
    is the lease. Rejoins after broker trouble as `EventConsumer` does."""

    def __init__(
        self,
        bootstrap_servers: str,
        topic: str,
        group_id: str,
        *,
        session_timeout_ms: int = 6000,
        heartbeat_interval_ms: int = 1000,
    ) -> None:
        super().__init__(name=f"group-lease[{group_id}]", daemon=True)
        self.bootstrap_servers = bootstrap_servers
        self.topic = topic
        self.group_id = group_id
        self.session_timeout_ms = session_timeout_ms
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self._ownership = PartitionOwnership(session_timeout_ms / 1000)
        self._stopping = threading.Event()

    def owns(self, topic: str, partition: int = 0) -> bool:
        return self._ownership.owns(topic, partition)

    def wait_until_assigned(self, timeout: float = 30.0) -> bool:
        return self._ownership.assigned.wait(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)

    def run(self) -> None:
        backoff = 0.1
        while not self._stopping.is_set():
            client = None
            try:
                client = kafka_clients.consumer(
                    self.bootstrap_servers,
                    group_id=self.group_id,
                    client_id=f"lease-{self.group_id}",
                    enable_auto_commit=False,
                    session_timeout_ms=self.session_timeout_ms,
                    heartbeat_interval_ms=self.heartbeat_interval_ms,
                    auto_offset_reset="latest",
                    reconnect_backoff_max_ms=1000,
                    metadata_max_age_ms=2000,
                    request_timeout_ms=request_timeout_ms(self.session_timeout_ms),
                    allow_auto_create_topics=False,
                )
                self._ownership.follow(client)
                watch_for_absent_leader(client)  # see absent_leader.py
                client.subscribe(
                    [self.topic],
                    listener=_PausingListener(client, self.group_id, self._ownership, UncommittedOffsets()),
                )
                while not self._stopping.is_set():
                    client.poll(timeout_ms=200)  # heartbeats and rebalances; paused: no records
                    backoff = 0.1
            except Exception as exc:  # noqa: BLE001 - broker gone, coordinator lost, ...: join again
                log.warning(
                    "group lease %s restarting in %.1fs: %s: %s", self.group_id, backoff, type(exc).__name__, exc
                )
                self._stopping.wait(backoff)
                backoff = min(backoff * 2, 2.0)
            finally:
                self._ownership.clear()
                if client is not None:
                    finish_joining(client, self.session_timeout_ms / 1000)
                    _close_quietly(client)  # leaves the group: the lease moves at once
