"""Event bus platform: CloudEvents over Kafka with a transactional SQLite outbox.

Producers: `SqliteOutbox.add()` inside the store's transaction + one `OutboxRelay` thread.
Consumers: `EventConsumer` (a consumer-group member) with `SqliteProcessedEvents` for
dedupe; events a handler emits take `derived_event_id(incoming.id, effect_key)`. Local broker:
`EmbeddedBroker` (Tansu). See README.md in this folder for the guarantees.
"""

from __future__ import annotations

from . import topics
from .broker import BrokerStartError, EmbeddedBroker, ensure_topics, free_loopback_port
from .cloudevents import (
    DEAD_LETTER_REASON_HEADER,
    CloudEvent,
    InvalidEvent,
    from_kafka,
    to_kafka,
)
from .consumer import EventConsumer, EventHandler, SqliteProcessedEvents
from .ids import derived_event_id
from .outbox import OutboxEntry, SqliteOutbox
from .relay import OutboxRelay
from .tail import tail_events
from .topics import ACTIVITIES, ALL_TOPICS, MATCHING, PRIVACY, VACANCIES, dead_letter

__all__ = [
    "ACTIVITIES",
    "ALL_TOPICS",
    "DEAD_LETTER_REASON_HEADER",
    "MATCHING",
    "PRIVACY",
    "VACANCIES",
    "BrokerStartError",
    "CloudEvent",
    "EmbeddedBroker",
    "EventConsumer",
    "EventHandler",
    "InvalidEvent",
    "OutboxEntry",
    "OutboxRelay",
    "SqliteOutbox",
    "SqliteProcessedEvents",
    "dead_letter",
    "derived_event_id",
    "ensure_topics",
    "free_loopback_port",
    "from_kafka",
    "tail_events",
    "to_kafka",
    "topics",
]
