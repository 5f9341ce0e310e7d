"""A consumer group whose leader left mid-rebalance, on Tansu: the members still there recover it.

What Tansu 0.6 does (reproduced in tests/integration/common/test_bus_group_absent_leader.py):
when the member that leads a group sends LeaveGroup while a generation it leads waits for its
SyncGroup (kafka-python leaves by itself when its poll loop was away longer than
max_poll_interval_ms, e.g. a handler stuck on a loaded machine; a replica that stops leaves too),
Tansu drops the member but keeps it as the group's leader. From then on every JoinGroup is answered
with that same generation under that same leader; each follower's SyncGroup waits for an assignment
nobody will send, is answered RebalanceInProgress after about 0.8 of a session timeout (or times
out in the client on a loaded machine), and the member joins again: for ever, for fresh members
too, even after every member left. Nobody owns a partition, so no replica leads and no single-writer
job runs (the scale suite: no activity events for minutes after a replica was killed).

Tansu gives up a leader only when it evicts it for a missed session timeout, and it evicts only
members it knows. So a member that is answered the same generation under the same other leader
three times without being assigned in between (the leader let two whole sync windows pass) sends
one JoinGroup under that leader's member id: Tansu takes it in as a member again, nobody heartbeats for it, and a session timeout later it
evicts it and with it the leadership; the next join elects a live member. A leader that is alive
but slow loses nothing: that join counts as its own, and its heartbeats keep it in the group.
On Kafka the situation does not arise (a leaving leader ends the generation), and a JoinGroup
under an id the group does not know is refused with UNKNOWN_MEMBER_ID: harmless.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

# Answers with the same generation and the same other leader, none of them followed by an
# assignment, before that leader is taken for gone. The first is the normal one. A second is common
# on a loaded machine (a live leader that starts slowly syncs a little after the first window:
# with 2, the scale suite's activities replicas asked to evict a live leader at start, for one
# needless rebalance); a third means the leader let two whole sync windows pass.
SAME_ANSWERS_BEFORE_EVICTING = 3


class AbsentLeaderWatch:
    """Watches the JoinGroup and SyncGroup answers of one kafka-python group member (on its IO
    thread, where kafka-python processes them) and has Tansu evict a leader that no longer takes part."""

    def __init__(self, client: Any) -> None:
        self._coordinator = client._coordinator
        self._answer: tuple[int, str] | None = None  # (generation, leader) of the last answer
        self._same_answers = 0
        self.evictions_asked = 0
        process_join = self._coordinator._process_join_group_response
        process_sync = self._coordinator._process_sync_group_response

        def joined(response: Any, send_time: float) -> Any:
            self._answered(response)
            return process_join(response, send_time)

        def synced(response: Any, send_time: float) -> Any:
            assignment = process_sync(response, send_time)  # raises when the sync failed
            # The generation's leader did assign: an answer like the last one is no sign of absence.
            self._answer, self._same_answers = None, 0
            return assignment

        self._coordinator._process_join_group_response = joined
        self._coordinator._process_sync_group_response = synced

    def _answered(self, response: Any) -> None:
        if response.error_code != 0 or not response.leader or response.leader == response.member_id:
            self._answer, self._same_answers = None, 0  # no answer yet, or this member leads
            return
        answer = (response.generation_id, response.leader)
        self._same_answers = self._same_answers + 1 if answer == self._answer else 1
        self._answer = answer
        # Every so many same answers, not once: should the first eviction not take, try again.
        if self._same_answers % SAME_ANSWERS_BEFORE_EVICTING == 0:
            self.evictions_asked += 1
            log.warning(
                "group %s: generation %d still waits for leader %s to assign partitions; joining "
                "once under its member id so the broker evicts it after a session timeout",
                self._coordinator.group_id,
                response.generation_id,
                response.leader,
            )
            self._coordinator._manager.call_soon(self._join_as, response.leader)

    async def _join_as(self, member_id: str) -> None:
        from kafka.protocol.consumer import JoinGroupRequest

        coordinator = self._coordinator
        config = coordinator.config
        request = JoinGroupRequest(
            group_id=coordinator.group_id,
            session_timeout_ms=config["session_timeout_ms"],
            rebalance_timeout_ms=config["max_poll_interval_ms"],
            member_id=member_id,
            group_instance_id=None,
            protocol_type=coordinator.protocol_type(),
            protocols=coordinator.group_protocols(),
            max_version=7,
        )
        try:
            # The broker may hold a join up to the rebalance timeout, as kafka-python allows its own.
            timeout_ms = max(config["request_timeout_ms"], config["max_poll_interval_ms"] + 5000)
            await coordinator._manager.send(
                request, node_id=_broker_connection(coordinator.coordinator_id), request_timeout_ms=timeout_ms
            )
        except Exception as exc:  # noqa: BLE001 - more of the same answers try again
            log.warning("group %s: joining as absent leader %s failed: %s", coordinator.group_id, member_id, exc)


def _broker_connection(coordinator_id: Any) -> Any:
    """The coordinator broker's ordinary connection. Not the coordinator connection: Tansu answers
    the requests of one connection in order, so there this join would wait behind the member's own
    SyncGroup, which Tansu holds, and which a loaded client gives up on, closing the connection
    and this request with it (seen in the scale suite: "Request timed out after 4999 ms")."""
    prefix = "coordinator-"  # kafka-python's name for the dedicated connection to broker N
    if isinstance(coordinator_id, str) and coordinator_id.startswith(prefix):
        broker = coordinator_id.removeprefix(prefix)
        return int(broker) if broker.isdigit() else broker
    return coordinator_id


# kafka-python 3.0's coordinator internals the watch hooks into (pinned in pyproject.toml).
_HOOKED = ("_process_join_group_response", "_process_sync_group_response", "_manager", "group_id", "config")


def watch_for_absent_leader(client: Any) -> AbsentLeaderWatch | None:
    """Recover `client`'s group from a leader that left mid-rebalance (see the module docstring).
    A kafka-python without the internals it hooks gets no watch (and a warning), not a crash."""
    coordinator = getattr(client, "_coordinator", None)
    missing = [name for name in _HOOKED if not hasattr(coordinator, name)]
    if missing:
        log.warning("no absent-leader watch: this kafka-python's group coordinator lacks %s", ", ".join(missing))
        return None
    return AbsentLeaderWatch(client)
