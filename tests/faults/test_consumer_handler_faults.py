"""Fault 3: the matching service's vacancy consumer fails inside its handler.

- a transient failure (its database is locked by another writer for longer than the busy
  timeout): the event is retried, then handled; nothing goes to the dead-letter topic;
- poison (a VacancyPublished payload that is not protobuf, a record that is no CloudEvent):
  it goes to `jobmatch.vacancies.v1.dlq` with the reason, and the consumer goes on with the
  next good event.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime

from faults_support import read_topic, wait_until

from jobmatch.events.v1 import vacancy_events_pb2 as vev
from jobmatch.vacancies.v1 import vacancy_pb2
from services.common.bus import DEAD_LETTER_REASON_HEADER, VACANCIES, CloudEvent, dead_letter, to_kafka
from services.common.reference import occupations

PUBLISHED = "nl.werk.vacancy-published.v1"
SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies"


def good_vacancy(vacancy_id: str) -> vacancy_pb2.Vacancy:
    cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
    return vacancy_pb2.Vacancy(
        vacancy_id=vacancy_id,
        source="faults",
        external_id=vacancy_id,
        title="Kok (m/v/x)",
        employer="Restaurant De Gouden Lepel",
        occupation=vacancy_pb2.Occupation(esco_uri=cook.uri, isco_code=cook.isco_code),
        location=vacancy_pb2.Location(
            place_name="Utrecht",
            latitude=52.09,
            longitude=5.12,
            has_coordinates=True,
            province_code="09",
            country_code="NL",
        ),
        hours_min=24,
        hours_max=36,
        date_posted=datetime.now(UTC).date().isoformat(),
        status=vacancy_pb2.VACANCY_STATUS_OPEN,
    )


class Publisher:
    def __init__(self, bootstrap: str) -> None:
        from kafka import KafkaProducer

        self.producer = KafkaProducer(bootstrap_servers=bootstrap, batch_size=1, linger_ms=0)
        self.sequence = 0

    def event(self, key: str, data: bytes) -> str:
        self.sequence += 1
        event = CloudEvent(
            id=str(uuid.uuid4()),
            source=SOURCE,
            type=PUBLISHED,
            subject=key,
            time=datetime.now(UTC),
            sequence=self.sequence,
            data=data,
            dataschema="proto:jobmatch.events.v1.VacancyPublished",
        )
        headers, value = to_kafka(event)
        self.producer.send(VACANCIES, key=key.encode(), value=value, headers=headers).get(timeout=30)
        return event.id

    def raw(self, key: str, value: bytes, headers: list[tuple[str, bytes]]) -> None:
        self.producer.send(VACANCIES, key=key.encode(), value=value, headers=headers).get(timeout=30)

    def close(self) -> None:
        self.producer.close()


def projected(matching, vacancy_id: str) -> bool:
    return bool(matching.query("SELECT 1 FROM open_vacancy WHERE vacancy_id = ?", (vacancy_id,)))


class TestHandlerFailures:
    def test_a_handler_that_fails_for_a_while_is_retried_not_skipped(self, fault_broker, services) -> None:
        matching = services("matching")
        publisher = Publisher(fault_broker.bootstrap)
        vacancy_id = f"v-retry-{uuid.uuid4().hex[:8]}"
        blocker = sqlite3.connect(matching.db_path, isolation_level=None, timeout=30)
        try:
            blocker.execute("BEGIN IMMEDIATE")  # another writer holds the file: the handler's write fails
            event_id = publisher.event(
                vacancy_id, vev.VacancyPublished(vacancy=good_vacancy(vacancy_id)).SerializeToString()
            )
            assert wait_until(lambda: failed_attempts(matching, event_id) >= 1, 60), "the handler never failed"
            assert not projected(matching, vacancy_id)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
            publisher.close()
        assert wait_until(lambda: projected(matching, vacancy_id), 60), "the failed event was skipped"
        dead = read_topic(fault_broker.bootstrap, dead_letter(VACANCIES), idle=1.0, timeout=10)
        assert event_id not in {r.event_id for r in dead}
        print(
            json.dumps(
                {
                    "fault": "handler-fails-transiently",
                    "failed_attempts": failed_attempts(matching, event_id),
                    "handled": True,
                    "dead_lettered": False,
                }
            )
        )

    def test_poison_goes_to_the_dead_letter_topic_with_the_reason_and_the_next_event_is_handled(
        self, fault_broker, services
    ) -> None:
        matching = services("matching")
        publisher = Publisher(fault_broker.bootstrap)
        good_id = f"v-good-{uuid.uuid4().hex[:8]}"
        try:
            poison_id = publisher.event("v-poison", b"\x0a\xff\xff\xff\x0f")  # a field longer than the payload
            publisher.raw("v-no-cloudevent", b"hello", [("content-type", b"text/plain")])
            good_event = publisher.event(
                good_id, vev.VacancyPublished(vacancy=good_vacancy(good_id)).SerializeToString()
            )
        finally:
            publisher.close()
        assert wait_until(lambda: projected(matching, good_id), 90), "the consumer stopped at the poison"

        def both_dead(records) -> bool:
            return poison_id in {r.event_id for r in records} and any(r.key == b"v-no-cloudevent" for r in records)

        dead = read_topic(fault_broker.bootstrap, dead_letter(VACANCIES), until=both_dead, timeout=30)
        assert both_dead(dead)
        reasons = {
            r.event_id or r.key.decode(): r.header(DEAD_LETTER_REASON_HEADER)
            for r in dead
            if r.event_id == poison_id or r.key == b"v-no-cloudevent"
        }
        assert "DecodeError" in reasons[poison_id] and "5 times" in reasons[poison_id]
        assert "undecodable CloudEvent" in reasons["v-no-cloudevent"]
        [poison_record] = [r for r in dead if r.event_id == poison_id]
        assert poison_record.value == b"\x0a\xff\xff\xff\x0f"  # the original bytes, to replay after a fix
        handled = {row[0] for row in matching.query("SELECT event_id FROM processed_event")}
        assert {poison_id, good_event} <= handled  # the poison is done with: not read again after a restart
        print(
            json.dumps(
                {"fault": "poison-events", "dead_lettered": 2, "next_event_handled": True, "reasons": reasons},
                ensure_ascii=False,
            )
        )


def failed_attempts(service, event_id: str) -> int:
    return sum(
        1
        for r in service.log_records()
        if "handler failed for event" in r.get("message", "") and event_id in r["message"]
    )
