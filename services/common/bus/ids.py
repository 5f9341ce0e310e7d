"""Deterministic ids for the events a handler emits.

A handler that reacts to an incoming event may run again: on another replica after a
rebalance, or on this one after a crash between its work and the offset commit. If each run
gave its outgoing events fresh uuid4 ids, downstream consumers could not tell the second
announcement from a new one. Derive the id from what makes the effect unique instead: the
incoming event's id plus an effect key, and every run yields the same id. `SqliteOutbox`
stores an id once (a second add of the same id is a no-op) and consumers dedupe on it.
"""

from __future__ import annotations

import uuid

# Fixed for good: changing it changes every derived id.
EVENT_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:jobmatch:cloudevents:derived-event-id")


def derived_event_id(incoming_event_id: str, effect_key: str) -> str:
    """uuid5 of (incoming event id, effect key), as a string.

    The effect key names one effect of handling the incoming event, unique among its effects,
    e.g. f"{event_type}:{client_id}" for "this vacancy matched this client". Same inputs, same
    id, on every replica and every retry; different inputs, different ids.
    """
    if not incoming_event_id:
        raise ValueError("incoming_event_id is required")
    if not effect_key:
        raise ValueError("effect_key is required")
    return str(uuid.uuid5(EVENT_ID_NAMESPACE, f"{incoming_event_id}\n{effect_key}"))
