"""The OpenAPI 3 document: valid, the committed copy is the served one, and it follows the
API Design Rules we apply (kebab-case plural resources, no trailing slash, problem+json errors)."""

from __future__ import annotations

import json
import re

from openapi_spec_validator import validate

from services.gateway.openapi import COMMITTED, current_document, render


def test_the_document_is_valid_openapi_3() -> None:
    document = current_document()
    assert document["openapi"].startswith("3.")
    validate(document)


def test_the_committed_document_is_the_served_one() -> None:
    assert COMMITTED.read_text() == render(current_document()), (
        "services/gateway/openapi.json is stale: python -m services.gateway.openapi > services/gateway/openapi.json"
    )


def test_paths_are_kebab_case_without_trailing_slash_under_the_major_version() -> None:
    document = current_document()
    assert document["servers"] == [{"url": "/api/v1"}]
    for path in document["paths"]:
        assert not path.endswith("/"), path
        for segment in path.strip("/").split("/"):
            assert re.fullmatch(r"[a-z]+(-[a-z]+)*|\{[a-z][A-Za-z]*\}", segment), path


def test_every_operation_answers_errors_as_problem_json_and_names_its_json_schema() -> None:
    document = current_document()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            codes = operation["responses"]
            assert "422" not in codes and {"400", "401", "403"} <= set(codes), (method, path)
            assert all(
                list(codes[c]["content"]) == ["application/problem+json"] for c in codes if c.startswith(("4", "5"))
            )
            ok = [c for c in codes if c.startswith("2")]
            assert ok, (method, path)
            assert re.fullmatch(r"[a-z][A-Za-z]+", operation["operationId"]), operation["operationId"]


def test_json_properties_are_camel_case_and_every_reference_resolves() -> None:
    document = current_document()
    schemas = document["components"]["schemas"]
    for name, schema in schemas.items():
        for prop in schema.get("properties", {}):
            assert prop == "_links" or re.fullmatch(r"[a-z][A-Za-z0-9]*", prop), (name, prop)
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs <= set(schemas)
    assert {"GetFeedResponse", "FeedItem", "Activity", "LogActivityRequestBody", "Problem"} <= set(schemas)
