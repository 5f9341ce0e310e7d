"""Helpers shared by the vacancies integration tests (a unique module name: test dirs are not packages)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path

from services.vacancies.domain.model import Location, Occupation, VacancyContent

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "vacancies"
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"


class MovableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def vacancy(external_id: str, *, source: str = "werkbank", title: str = "Medewerker", place: str = "Utrecht",
            **fields: object) -> VacancyContent:
    """A valid vacancy in `place` (coordinates come from the shipped places)."""
    values: dict[str, object] = {
        "source": source, "external_id": external_id, "title": title, "employer": f"Werkgever {external_id}",
        "description": f"Vacature {title} in {place}.", "location": Location(place_name=place),
        "date_posted": "2026-11-20", "valid_through": "2026-12-31",
    }
    values.update(fields)
    return VacancyContent(**values)  # type: ignore[arg-type]


def software_job(external_id: str, **fields: object) -> VacancyContent:
    fields.setdefault("title", "Softwareontwikkelaar")
    return vacancy(external_id, occupation=Occupation(esco_uri=SOFTWARE_DEVELOPER), **fields)  # type: ignore[arg-type]


def read_all_events(bootstrap: str, topic: str, timeout: float = 30.0) -> list[tuple[str, object]]:
    """(key, CloudEvent) of every record on `topic`, read up to its current end offsets."""
    from kafka import KafkaConsumer, TopicPartition

    from services.common.bus.cloudevents import from_kafka

    consumer = KafkaConsumer(bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or {0})]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        found: list[tuple[str, object]] = []
        deadline = time.monotonic() + timeout
        while any(consumer.position(p) < end[p] for p in partitions):
            if time.monotonic() > deadline:
                raise TimeoutError(f"could not read {topic} up to its end offsets")
            for records in consumer.poll(timeout_ms=500).values():
                for record in records:
                    found.append((record.key.decode() if record.key else "", from_kafka(record.headers, record.value)))
        return found
    finally:
        consumer.close()
