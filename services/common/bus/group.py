"""Consumer-group membership of an `EventConsumer`: which partitions this replica owns now,
and what happens when the group takes them away.

Kafka (and Tansu) split the partitions of the subscribed topics over the members of a group.
Before a rebalance every member gives up its partitions (eager protocol: `on_partitions_revoked`
on every member before `on_partitions_assigned` on any), so a partition has at most one owner
at a time. The listener commits what was processed but not yet committed (a commit that failed
after the handler) while this member is still the recognised owner, and keeps the ownership
that `EventConsumer.owns()` answers from (single-writer jobs: "the owner of partition 0 of
topic T runs the sweep").
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

try:  # kafka-python >= 3: the listener runs on the client's IO thread and may await commits
    from kafka.consumer.subscription_state import AsyncConsumerRebalanceListener as _ListenerBase

    _ASYNC_LISTENER = True
except ImportError:  # pragma: no cover - kafka-python 2: listener runs inside poll()
    from kafka import ConsumerRebalanceListener as _ListenerBase

    _ASYNC_LISTENER = False

log = logging.getLogger(__name__)

Partition = tuple[str, int]


class PartitionOwnership:
    """Partitions this member owns right now (thread-safe; written by the rebalance listener).

    `owns()` is also False once the member has not heard from the group coordinator for a
    session timeout: by then the coordinator has given its partitions to another member, even
    if this (paused or cut-off) process has not been told yet.
    """

    def __init__(self, session_timeout: float) -> None:
        self.session_timeout = session_timeout
        self._lock = threading.Lock()
        self._owned: set[Partition] = set()
        self._client: Any = None
        self.assigned = threading.Event()  # set while at least one partition is owned

    def follow(self, client: Any) -> None:
        """The Kafka client whose coordinator contact counts from now on."""
        with self._lock:
            self._client = client

    def owns(self, topic: str, partition: int = 0) -> bool:
        with self._lock:
            if (topic, partition) not in self._owned:
                return False
            client = self._client
        contact = coordinator_contact(client)
        return contact is not None and time.monotonic() - contact < self.session_timeout

    def owned(self) -> set[Partition]:
        with self._lock:
            return set(self._owned)

    def add(self, partitions: Iterable[Partition]) -> None:
        with self._lock:
            self._owned |= set(partitions)
            if self._owned:
                self.assigned.set()

    def remove(self, partitions: Iterable[Partition]) -> None:
        with self._lock:
            self._owned -= set(partitions)
            if not self._owned:
                self.assigned.clear()

    def clear(self) -> None:
        with self._lock:
            self._owned.clear()
            self.assigned.clear()


class UncommittedOffsets:
    """Next offsets per partition whose handler finished but whose commit did not (yet) succeed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offsets: dict[Any, Any] = {}

    def put(self, tp: Any, offset_and_metadata: Any) -> None:
        with self._lock:
            self._offsets[tp] = offset_and_metadata

    def committed(self, offsets: dict[Any, Any]) -> None:
        with self._lock:
            for tp, done in offsets.items():
                if self._offsets.get(tp) is done:
                    del self._offsets[tp]

    def take(self, partitions: Iterable[Any]) -> dict[Any, Any]:
        with self._lock:
            return {tp: self._offsets.pop(tp) for tp in list(partitions) if tp in self._offsets}


def _key(tp: Any) -> Partition:
    return (tp.topic, tp.partition)


class GroupListener(_ListenerBase):
    """Rebalance listener of one Kafka client of an EventConsumer.

    `rewind`: read the partitions of the first assignment from the beginning (a fresh client
    after the broker lost its log; dedupe skips what was handled already).
    """

    def __init__(
        self,
        consumer: Any,
        group_id: str,
        ownership: PartitionOwnership,
        uncommitted: UncommittedOffsets,
        *,
        rewind: bool = False,
    ) -> None:
        self.consumer = consumer
        self.group_id = group_id
        self.ownership = ownership
        self.uncommitted = uncommitted
        self.rewind = rewind

    async def _commit_async(self, offsets: dict[Any, Any]) -> None:
        coordinator = self.consumer._coordinator
        await coordinator._commit_offsets_sync_async(offsets, timeout_ms=5000)

    def _gone(self, partitions: Iterable[Any]) -> None:
        self.ownership.remove(_key(tp) for tp in partitions)

    def _assigned(self, assigned: Iterable[Any]) -> None:
        partitions = sorted(assigned)
        self.ownership.add(_key(tp) for tp in partitions)
        if self.rewind and partitions:
            self.rewind = False
            self.consumer.seek_to_beginning(*partitions)
        log.info("consumer %s was assigned %s", self.group_id, [f"{t}[{p}]" for t, p in map(_key, partitions)])

    if _ASYNC_LISTENER:

        async def on_partitions_revoked(self, revoked: Any) -> None:
            self._gone(revoked)  # first: from now on this member is no leader any more
            offsets = self.uncommitted.take(revoked)
            if offsets:
                try:
                    await self._commit_async(offsets)
                    log.info("consumer %s committed %d partition(s) before giving them up", self.group_id, len(offsets))
                except Exception as exc:  # noqa: BLE001 - the next owner re-reads them; dedupe skips them
                    log.warning("commit on revoke failed for %s: %s", self.group_id, exc)

        async def on_partitions_assigned(self, assigned: Any) -> None:
            self._assigned(assigned)

        async def on_partitions_lost(self, lost: Any) -> None:
            self._gone(lost)  # evicted: another member owns them now, committing would fail
            self.uncommitted.take(lost)

    else:  # pragma: no cover - kafka-python 2
        # The same hooks, synchronous: mypy sees both variants of a version switch, hence misc.

        def on_partitions_revoked(self, revoked: Any) -> None:  # type: ignore[misc]
            self._gone(revoked)
            offsets = self.uncommitted.take(revoked)
            if offsets:
                try:
                    self.consumer.commit(offsets)
                except Exception as exc:  # noqa: BLE001 - the next owner re-reads them; dedupe skips them
                    log.warning("commit on revoke failed for %s: %s", self.group_id, exc)

        def on_partitions_assigned(self, assigned: Any) -> None:  # type: ignore[misc]
            self._assigned(assigned)


def coordinator_contact(consumer: Any) -> float | None:
    """Monotonic time the group coordinator last answered (heartbeat or join); None: unknown."""
    heartbeat = getattr(getattr(consumer, "_coordinator", None), "heartbeat", None)
    if heartbeat is None:
        return None
    last = max(getattr(heartbeat, "last_receive", float("-inf")), getattr(heartbeat, "last_reset", float("-inf")))
    return last if last != float("-inf") else None


def request_timeout_ms(session_timeout_ms: int) -> int:
    """Request timeout of a group member's client: 5 s (a fetch Tansu never answers, seen after
    restarts, is given up quickly), but longer than Tansu may hold a SyncGroup that waits for the
    leader's assignment: 0.8 of a session timeout in 1 s steps, measured 5.01 s at a 6 s session.
    With 5 s every such sync timed out in the client, which closes the coordinator connection and
    looks the coordinator up again, instead of being told to rejoin."""
    return max(5000, session_timeout_ms + 2000)


def finish_joining(client: Any, timeout: float) -> None:
    """Before a member that is told to stop leaves its group: let a JoinGroup in flight finish.

    Tansu answers a join that was in flight when the member closed after the LeaveGroup, and
    keeps the member: the group then waits on a member nobody runs (reproduced: the next member
    got no partitions for over 60 s; tests/integration/common/test_bus_consumer_groups.py). A
    finished join is left cleanly. Records fetched meanwhile are neither handled nor committed.
    """
    from kafka.structs import MemberState

    coordinator = getattr(client, "_coordinator", None)
    deadline = time.monotonic() + timeout
    while (
        coordinator is not None
        and getattr(coordinator, "state", None) is MemberState.REBALANCING
        and time.monotonic() < deadline
    ):
        try:
            client.poll(timeout_ms=100, max_records=1, update_offsets=False)
        except Exception:  # noqa: BLE001 - leaving anyway
            return
