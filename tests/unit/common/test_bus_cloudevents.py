"""CloudEvents <-> Kafka binary-mode headers: round trip and clear errors on bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from services.common.bus.cloudevents import CloudEvent, InvalidEvent, from_kafka, to_kafka
from services.common.bus.topics import ACTIVITIES, ALL_TOPICS, CASELOAD, MATCHING, PRIVACY, VACANCIES, dead_letter

SOURCE = "urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies"


def an_event(**changes: object) -> CloudEvent:
    values: dict[str, object] = {
        "id": "0b6f3c2e-8f57-4a8e-9a43-0d8e0a1f2b3c",
        "source": SOURCE,
        "type": "nl.werk.vacancy-published.v1",
        "subject": "vac-123",
        "time": datetime(2026, 11, 25, 7, 40, 25, 123456, tzinfo=UTC),
        "sequence": 42,
        "data": b"\x0a\x07vac-123",
        "dataschema": "proto:jobmatch.events.v1.VacancyPublished",
    }
    values.update(changes)
    return CloudEvent(**values)  # type: ignore[arg-type]


def headers_of(event: CloudEvent) -> dict[str, bytes]:
    return dict(to_kafka(event)[0])


class TestBinaryModeHeaders:
    def test_every_attribute_becomes_a_ce_header(self) -> None:
        headers = headers_of(an_event())
        assert headers == {
            "ce_specversion": b"1.0",
            "ce_id": b"0b6f3c2e-8f57-4a8e-9a43-0d8e0a1f2b3c",
            "ce_source": SOURCE.encode(),
            "ce_type": b"nl.werk.vacancy-published.v1",
            "ce_subject": b"vac-123",
            "ce_time": b"2026-11-25T07:40:25.123456Z",
            "ce_sequence": b"42",
            "ce_sequencetype": b"Integer",
            "ce_dataschema": b"proto:jobmatch.events.v1.VacancyPublished",
            "content-type": b"application/protobuf",
        }

    def test_the_value_is_the_payload_bytes(self) -> None:
        assert to_kafka(an_event())[1] == b"\x0a\x07vac-123"

    def test_round_trip_gives_the_same_event(self) -> None:
        event = an_event()
        assert from_kafka(*to_kafka(event)) == event

    def test_dataschema_header_is_left_out_when_unset(self) -> None:
        event = an_event(dataschema=None)
        assert "ce_dataschema" not in headers_of(event)
        assert from_kafka(*to_kafka(event)) == event

    def test_time_with_another_offset_is_written_in_utc(self) -> None:
        amsterdam = timezone(timedelta(hours=1))
        event = an_event(time=datetime(2026, 11, 25, 8, 40, 25, tzinfo=amsterdam))
        assert headers_of(event)["ce_time"] == b"2026-11-25T07:40:25.000000Z"
        assert from_kafka(*to_kafka(event)).time == datetime(2026, 11, 25, 7, 40, 25, tzinfo=UTC)

    def test_time_with_an_offset_from_another_producer_is_read(self) -> None:
        headers, value = to_kafka(an_event())
        headers = [(k, b"2026-11-25T08:40:25+01:00" if k == "ce_time" else v) for k, v in headers]
        assert from_kafka(headers, value).time == datetime(2026, 11, 25, 7, 40, 25, tzinfo=UTC)

    def test_a_naive_time_is_refused_when_building_an_event(self) -> None:
        with pytest.raises(ValueError, match="timezone"):
            an_event(time=datetime(2026, 11, 25, 7, 40))


class TestBadHeaders:
    @pytest.mark.parametrize("missing", ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_sequence"])
    def test_a_missing_required_header_is_named_in_the_reason(self, missing: str) -> None:
        headers, value = to_kafka(an_event())
        with pytest.raises(InvalidEvent) as caught:
            from_kafka([(k, v) for k, v in headers if k != missing], value)
        assert missing in caught.value.reason

    def test_no_headers_at_all_is_invalid(self) -> None:
        with pytest.raises(InvalidEvent, match="missing header"):
            from_kafka(None, b"payload")

    @pytest.mark.parametrize(
        ("header", "bad", "reason"),
        [
            ("ce_specversion", b"0.3", "specversion"),
            ("ce_time", b"yesterday", "ce_time"),
            ("ce_time", b"2026-11-25T07:40:25", "ce_time"),
            ("ce_sequence", b"-3", "ce_sequence"),
            ("ce_sequence", b"0", "ce_sequence"),
            ("ce_sequence", b"forty-two", "ce_sequence"),
            ("ce_sequencetype", b"String", "sequencetype"),
            ("ce_id", b"\xff\xfe", "UTF-8"),
        ],
    )
    def test_a_malformed_header_is_refused_with_a_reason(self, header: str, bad: bytes, reason: str) -> None:
        headers, value = to_kafka(an_event())
        with pytest.raises(InvalidEvent) as caught:
            from_kafka([(k, bad if k == header else v) for k, v in headers], value)
        assert reason in caught.value.reason


class TestTopics:
    def test_all_topics_lists_each_service_topic_and_the_caseload_topic_once(self) -> None:
        assert ALL_TOPICS == (VACANCIES, MATCHING, ACTIVITIES, PRIVACY, CASELOAD)
        assert (PRIVACY, CASELOAD) == ("jobmatch.privacy.v1", "jobmatch.caseload.v1")

    def test_dead_letter_topic_appends_the_suffix(self) -> None:
        assert dead_letter(VACANCIES) == "jobmatch.vacancies.v1.dlq"
