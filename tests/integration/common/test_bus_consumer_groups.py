"""EventConsumer replicas in one consumer group on the session broker (Tansu, kafka-python 3):
the experiments behind the group design, kept as tests.

Each member here has a dedupe table of its own, so an event handled twice across the group
is not hidden by dedupe: these tests prove the split and the committed offsets themselves.
"""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from bus_group_support import (
    PARTITIONS,
    SESSION_SECONDS,
    Recorder,
    committed_total,
    handled_once,
    ids_in,
    produce,
    settled,
    spawn_member,
    start_member,
    stop_member,
)
from polling import wait_for

from services.common.bus import EventConsumer, ensure_topics


@pytest.fixture
def topic(broker: str) -> str:
    name = f"test.group.{uuid.uuid4().hex[:10]}"
    ensure_topics(broker, [name, name + ".dlq"], partitions=PARTITIONS)
    return name


@pytest.fixture
def group() -> str:
    return f"group-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def members(broker: str, topic: str, group: str, tmp_path: Path) -> Iterator[list[tuple[EventConsumer, Recorder]]]:
    """Two members of one group, each with its own dedupe table, settled on 2 + 2 partitions."""
    started = []
    for name in ("a", "b"):
        recorder = Recorder()
        started.append((start_member(broker, topic, group, tmp_path / f"{name}.db", recorder), recorder))
    try:
        assert settled([member for member, _ in started], topic), "the group never split the partitions"
        yield started
    finally:
        for member, _ in started:
            stop_member(member)


class TestTwoMembersOfOneGroup:
    def test_they_split_the_four_partitions_and_handle_every_event_once_between_them(
        self, broker: str, topic: str, members: list[tuple[EventConsumer, Recorder]]
    ) -> None:
        (a, a_calls), (b, b_calls) = members
        assert len(a.assignment()) == len(b.assignment()) == PARTITIONS // 2
        expected = produce(broker, topic, 40)
        assert wait_for(lambda: len(a_calls.ids) + len(b_calls.ids) >= 40, timeout=30)
        time.sleep(0.5)  # a second delivery, if any, would arrive now
        missing, twice = handled_once(a_calls.snapshot() + b_calls.snapshot(), expected)
        assert not missing and not twice
        assert len(a_calls.ids) == len(b_calls.ids) == 20  # 10 events per partition

    def test_exactly_one_is_leader_and_leadership_moves_when_the_leader_leaves(
        self, topic: str, members: list[tuple[EventConsumer, Recorder]]
    ) -> None:
        (a, _), (b, _) = members
        leaders = [m for m in (a, b) if m.owns(topic, 0)]
        assert len(leaders) == 1
        [leader] = leaders
        follower = b if leader is a else a
        both: list[float] = []
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.is_set():
                if a.owns(topic, 0) and b.owns(topic, 0):
                    both.append(time.monotonic())
                time.sleep(0.01)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            leader.stop()  # leaves the group: a rebalance gives partition 0 to the follower
            assert wait_for(lambda: follower.owns(topic, 0), timeout=30)
            assert not leader.owns(topic, 0)
            assert len(follower.assignment()) == PARTITIONS
        finally:
            sampling.set()
            sampler.join()
        assert not both, "two leaders at the same time"


class TestAMemberThatComesBack:
    def test_a_restarted_member_resumes_at_the_committed_offsets_of_the_group(
        self,
        broker: str,
        topic: str,
        group: str,
        tmp_path: Path,
        members: list[tuple[EventConsumer, Recorder]],
    ) -> None:
        (a, a_calls), (b, b_calls) = members
        expected = produce(broker, topic, 20)
        assert wait_for(lambda: len(a_calls.ids) + len(b_calls.ids) >= 20, timeout=30)
        stop_member(b)  # clean stop: its partitions go to a
        expected += produce(broker, topic, 20, first=20)
        assert wait_for(lambda: len(a_calls.ids) + len(b_calls.ids) >= 40, timeout=30)
        # A new process of b, with a fresh dedupe table: only offsets can keep it from re-handling.
        again = Recorder()
        b2 = start_member(broker, topic, group, tmp_path / "b-again.db", again)
        try:
            assert settled([a, b2], topic)
            expected += produce(broker, topic, 20, first=40)
            assert wait_for(lambda: len(a_calls.ids) + len(b_calls.ids) + len(again.ids) >= 60, timeout=30)
            time.sleep(0.5)
        finally:
            stop_member(b2)
        missing, twice = handled_once(a_calls.snapshot() + b_calls.snapshot() + again.snapshot(), expected)
        assert not missing and not twice
        assert len(again.ids) == 10  # its two partitions' share of the last 20, nothing older

    def test_the_partitions_of_a_killed_member_move_to_the_survivor_after_one_session_timeout(
        self, broker: str, topic: str, group: str, tmp_path: Path
    ) -> None:
        survivor_calls = Recorder()
        survivor = start_member(broker, topic, group, tmp_path / "survivor.db", survivor_calls)
        out = tmp_path / "child-handled.txt"
        child = spawn_member(broker, topic, group, tmp_path / "child.db", out)
        try:
            assert wait_for(lambda: len(survivor.assignment()) == PARTITIONS // 2, timeout=30)
            expected = produce(broker, topic, 20)
            assert wait_for(lambda: committed_total(broker, group, topic) == 20, timeout=30, interval=0.2)
            child.send_signal(signal.SIGKILL)  # no LeaveGroup: the group waits a session timeout
            child.wait()
            killed_at = time.monotonic()
            expected += produce(broker, topic, 20, first=20)
            assert wait_for(lambda: len(survivor.assignment()) == PARTITIONS, timeout=30)
            moved_after = time.monotonic() - killed_at
            assert wait_for(lambda: len(survivor_calls.ids) + len(ids_in(out)) >= 40, timeout=30)
            time.sleep(0.5)
        finally:
            child.kill()
            child.wait()
            stop_member(survivor)
        print(f"partitions of the killed member moved after {moved_after:.1f}s")
        missing, twice = handled_once(survivor_calls.snapshot() + ids_in(out), expected)
        assert not missing and not twice
        # Not before the session expired (less the rebalance slack): no LeaveGroup came.
        assert moved_after >= SESSION_SECONDS * 2 / 3


class TestAMemberStoppedWhileJoining:
    def test_it_does_not_hold_up_the_next_member_of_the_group(
        self, broker: str, topic: str, group: str, tmp_path: Path
    ) -> None:
        """Stopped at once, its JoinGroup is still in flight. Closed mid-join, Tansu answered that
        join after the LeaveGroup and kept a member nobody ran: the next member waited over 60 s
        for partitions (the `test_apply_from_feed` failure). It now finishes the join, then leaves."""
        # Apps that stop while joining (a join takes about half a session), as tests do.
        for attempt, pause in enumerate(SESSION_SECONDS * share for share in (0.05, 0.13, 0.25)):
            early = start_member(broker, topic, group, tmp_path / f"early-{attempt}.db", Recorder())
            time.sleep(pause)
            stop_member(early)
        recorder = Recorder()
        member = start_member(broker, topic, group, tmp_path / "next.db", recorder)
        try:
            ids = produce(broker, topic, 8)
            # Well inside the 60 s a ghost member held the group; a normal join takes half a session.
            assert wait_for(lambda: set(ids) <= set(recorder.snapshot()), 30), "the next member got no events"
        finally:
            stop_member(member)
