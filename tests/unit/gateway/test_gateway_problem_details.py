"""Problem details (RFC 9457) from what a service answered: status, both languages, fields."""

from __future__ import annotations

from services.gateway.domain.problems import HTTP_STATUS, MEDIA_TYPE, camel_case, problem


def test_a_refused_field_is_named_as_the_api_spells_it() -> None:
    assert camel_case("evidence.sha256_digest") == "evidence.sha256Digest"
    assert camel_case("type_description") == "typeDescription"
    assert camel_case("date") == "date"


def test_an_invalid_argument_is_a_400_with_the_services_texts_in_both_languages_and_its_fields() -> None:
    document = problem(
        "INVALID_ARGUMENT",
        language="en",
        instance="/api/v1/clients/c-1/activities",
        localized={"nl-NL": "Niet alle gegevens kloppen.", "en-GB": "Some data is not valid."},
        violations=[("contact_person", "Too long.")],
    )
    assert (document["status"], document["code"], document["type"]) == (
        400,
        "invalid-argument",
        "urn:nl:jobmatch:problem:invalid-argument",
    )
    assert (document["title"], document["detail"]) == ("Some data is not valid", "Some data is not valid.")
    assert document["localized"] == [
        {"locale": "nl-NL", "title": "Niet alle gegevens kloppen", "detail": "Niet alle gegevens kloppen."},
        {"locale": "en-GB", "title": "Some data is not valid", "detail": "Some data is not valid."},
    ]
    assert document["invalidParams"] == [{"name": "contactPerson", "reason": "Too long."}]
    assert MEDIA_TYPE == "application/problem+json"


def test_a_service_that_said_nothing_still_gets_a_plain_bilingual_detail_and_no_empty_fields() -> None:
    document = problem("UNAVAILABLE", language="nl", instance="/x")
    assert document["status"] == 503 and "niets opgeslagen" in document["detail"]
    assert "Nothing was saved" in document["localized"][1]["detail"]
    assert "invalidParams" not in document


def test_every_grpc_code_has_an_http_status_and_an_unknown_one_is_a_500() -> None:
    assert HTTP_STATUS["UNAUTHENTICATED"] == 401 and HTTP_STATUS["PERMISSION_DENIED"] == 403
    assert HTTP_STATUS["RESOURCE_EXHAUSTED"] == 429 and HTTP_STATUS["NOT_FOUND"] == 404
    assert problem("SOMETHING_NEW", language="nl", instance="/x")["status"] == 500
