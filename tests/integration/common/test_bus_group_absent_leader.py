"""A consumer group whose leader leaves in the middle of a rebalance (services/common/bus/absent_leader.py),
on the session broker (Tansu 0.6, kafka-python 3).

As in the scale suite's failure: the member that leads the group is stuck in a handler when another
member joins, so it cannot take part in the rebalance its heartbeats announce; once it has not
polled for max_poll_interval_ms, kafka-python sends LeaveGroup for it. Tansu then kept it as the
leader of every later generation: the other member was never assigned a partition again (for
over 4 minutes in the scale suite, nor within the minute this test waits, without the fix).
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from bus_group_support import (
    GROUP_TIMING,
    PARTITIONS,
    Recorder,
    produce,
    settled,
    start_member,
    stop_member,
)
from polling import wait_for

from services.common.bus import CloudEvent, EventConsumer, SqliteProcessedEvents, ensure_topics

# How long the stuck leader may go without polling before kafka-python makes it leave. Long
# enough that the newcomer is in the group before then even on a loaded machine (it takes well
# under a second), because a leader that leaves a group nobody else has joined leaves no trace.
LEADER_MAX_POLL_MS = 6000


class HeldHandler:
    """Records events; the first one keeps the consumer thread until `release()` (a handler
    waiting on a dependency that does not answer)."""

    def __init__(self) -> None:
        self.recorded = Recorder()
        self.holding = threading.Event()
        self._released = threading.Event()

    def __call__(self, event: CloudEvent) -> None:
        if not self.holding.is_set():
            self.holding.set()
            self._released.wait(120)
        self.recorded(event)

    def release(self) -> None:
        self._released.set()


@pytest.fixture
def topic(broker: str) -> str:
    name = f"test.absent-leader.{uuid.uuid4().hex[:10]}"
    ensure_topics(broker, [name, name + ".dlq"], partitions=PARTITIONS)
    return name


@pytest.mark.slow
def test_when_the_leader_leaves_in_the_middle_of_a_rebalance_the_member_still_there_gets_the_partitions(
    broker: str, topic: str, tmp_path: Path
) -> None:
    group = f"group-{uuid.uuid4().hex[:8]}"
    held = HeldHandler()
    leader = EventConsumer(
        broker,
        [topic],
        group,
        held,
        SqliteProcessedEvents(tmp_path / "leader.db"),
        max_poll_interval_ms=LEADER_MAX_POLL_MS,
        **GROUP_TIMING,
    )
    leader.start()
    newcomer_calls = Recorder()
    newcomer = None
    try:
        assert leader.wait_until_assigned(30)  # alone in the group: it leads it
        expected = produce(broker, topic, 1)
        assert held.holding.wait(30), "the leader never got the first event"
        newcomer = start_member(broker, topic, group, tmp_path / "newcomer.db", newcomer_calls)
        # The leader cannot rejoin and leaves once its poll interval is up: the newcomer is the
        # only member, and gets every partition once the group has a leader that takes part.
        assert wait_for(lambda: len(newcomer.assignment()) == PARTITIONS, timeout=60), (
            "the newcomer was never assigned the partitions: the group still waits for its departed leader"
        )
        held.release()  # the old leader polls again, finds itself out of the group, and rejoins
        assert settled([leader, newcomer], topic, timeout=60), "the two members never split the partitions"
        expected += produce(broker, topic, 8, first=1)
        handled = lambda: set(held.recorded.snapshot()) | set(newcomer_calls.snapshot())  # noqa: E731
        assert wait_for(lambda: set(expected) <= handled(), timeout=30), "events went unhandled"
    finally:
        held.release()
        stop_member(leader)
        if newcomer is not None:
            stop_member(newcomer)
