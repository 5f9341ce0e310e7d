"""Two faults a long-running Kafka consumer cannot see by itself (met with Tansu).

`BrokerIncarnation`: the broker came back empty, so positions point into a log that no
longer exists. `StallWatch`: the client gets nothing although the log has more for it.
The consumer answers both with a fresh Kafka client.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any


class Stalled(Exception):
    pass


class StallWatch:
    """Notices a client that gets no records although the log has more for it.

    Seen with Tansu after a restart: a fetch that never returns. The cure is a new client.
    Checking the end offsets costs a request, so it is done at most once a second.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._since = time.monotonic()
        self._last_check = float("-inf")
        self._behind = False

    def progress(self) -> None:
        self._since = time.monotonic()

    def behind(self, consumer: Any, assigned: set[Any]) -> bool:
        if time.monotonic() - self._last_check < 1.0:
            return self._behind
        self._last_check = time.monotonic()
        try:
            ends = consumer.end_offsets(sorted(assigned))
            self._behind = any((ends.get(tp) or 0) > consumer.position(tp) for tp in assigned)
        except Exception:  # noqa: BLE001 - a partition revoked meanwhile, a request timed out: ask again later
            self._behind = False
        return self._behind

    def stalled(self) -> bool:
        return time.monotonic() - self._since >= self.timeout


class LogReplaced(Exception):
    def __init__(self, topics: set[str]) -> None:
        super().__init__(", ".join(sorted(topics)))
        self.topics = topics


class BrokerIncarnation:
    """Notices that the broker's log was replaced under a running consumer.

    After a restart of the memory-only broker the committed offsets are gone, but the
    client keeps each partition's in-memory position, so it would go on at its old
    offset in a new log and skip events. The metadata the client refreshes anyway tells
    us: a new cluster id (EmbeddedBroker gives each start one) or a new topic id.
    """

    def __init__(self) -> None:
        self.cluster_id: str | None = None
        self.topic_ids: dict[str, object] = {}

    def replaced_topics(self, consumer: Any, topics: Sequence[str]) -> set[str]:
        cluster = getattr(getattr(consumer, "_client", None), "cluster", None)
        if cluster is None:  # pragma: no cover - kafka-python internals changed
            return set()
        subscribed = set(topics)
        replaced: set[str] = set()
        cluster_id = getattr(cluster, "cluster_id", None)
        if cluster_id is not None:
            if self.cluster_id is not None and cluster_id != self.cluster_id:
                replaced |= subscribed
            self.cluster_id = cluster_id
        for topic in subscribed:
            topic_id = cluster.topic_id(topic)
            if topic_id is None:
                continue  # topic missing right now: wait until it is back
            if self.topic_ids.get(topic) not in (None, topic_id):
                replaced.add(topic)
            self.topic_ids[topic] = topic_id
        return replaced
