"""The events a memory store was asked to store with its changes, in order."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from google.protobuf.message import Message

from services.common.bus.outbox import PendingEvent, validate_pending


@dataclass(frozen=True)
class StoredEvent:
    event_id: str
    event_type: str
    key: str
    topic: str
    subject: str


@dataclass
class MemoryOutbox:
    events: list[StoredEvent] = field(default_factory=list)

    def add_many(self, pending: Sequence[PendingEvent]) -> None:
        """Idempotent on the event id, as the SQLite and engine outboxes are: a redelivery that
        decides the same event again does not store it twice."""
        known = {e.event_id for e in self.events}
        for item in pending:
            validate_pending(item)
            event_id = item.event_id or str(uuid.uuid4())
            if event_id in known:
                continue
            known.add(event_id)
            self.events.append(StoredEvent(event_id, item.event_type, item.key, item.topic, item.subject))

    def add(self, *, topic: str, key: str, event_type: str, subject: str, message: Message) -> None:
        self.events.append(StoredEvent(str(uuid.uuid4()), event_type, key, topic, subject))
