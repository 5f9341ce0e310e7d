"""The HTTP/JSON API over the real stack: the same answers as gRPC, the same access rule, and
every error as problem+json with both languages and the fields to fix."""

from __future__ import annotations

import uuid
from datetime import date

import httpx
import pytest

from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc
from tests.e2e.gateway.gateway_stack import CASEWORKER, CLIENT, OTHER_CLIENT, GatewayStack

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api(gateway_stack: GatewayStack) -> httpx.Client:
    with httpx.Client(base_url=gateway_stack.base_url + "/api/v1", timeout=30) as client:
        yield client


def bearer(stack: GatewayStack, role: str = "client", subject: str = CLIENT, **extra: object) -> dict[str, str]:
    return {"Authorization": f"Bearer {stack.token(role, subject, **extra)}"}


def test_the_feed_through_the_api_is_the_feed_over_grpc(gateway_stack: GatewayStack, api: httpx.Client) -> None:
    reply = api.get(f"/clients/{CLIENT}/feed", params={"pageSize": 50}, headers=bearer(gateway_stack))
    with gateway_stack.channel("matching") as channel:
        grpc_feed = matching_service_pb2_grpc.MatchingServiceStub(channel).GetFeed(
            mpb.GetFeedRequest(client_id=CLIENT, page_size=50), metadata=gateway_stack.metadata(), timeout=30
        )
    assert reply.status_code == 200 and reply.headers["api-version"] == "1.0.0"
    items = reply.json()["items"]
    assert [i["vacancy"]["vacancyId"] for i in items] == [i.vacancy.vacancy_id for i in grpc_feed.items]
    assert set(gateway_stack.vacancy_ids) <= {i["vacancy"]["vacancyId"] for i in items}
    assert all(i["explanation"]["explanationNl"] and i["explanation"]["explanationEn"] for i in items)


def test_a_list_links_its_next_page_and_the_link_gives_the_rest(gateway_stack: GatewayStack, api: httpx.Client) -> None:
    first = api.get(f"/clients/{CLIENT}/feed", params={"pageSize": 1}, headers=bearer(gateway_stack)).json()
    assert first["_links"]["self"]["href"] == f"/api/v1/clients/{CLIENT}/feed?pageSize=1"
    second = api.get(first["_links"]["next"]["href"].removeprefix("/api/v1"), headers=bearer(gateway_stack)).json()
    assert len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["vacancy"]["vacancyId"] != second["items"][0]["vacancy"]["vacancyId"]


def test_without_a_token_the_answer_is_401_problem_json_in_both_languages(api: httpx.Client) -> None:
    reply = api.get(f"/clients/{CLIENT}/obligation-status")
    assert reply.status_code == 401 and reply.headers["content-type"] == PROBLEM
    assert reply.headers["www-authenticate"].startswith("Bearer")
    body = reply.json()
    assert (body["status"], body["code"], body["instance"]) == (
        401,
        "unauthenticated",
        f"/api/v1/clients/{CLIENT}/obligation-status",
    )
    texts = {item["locale"]: item["detail"] for item in body["localized"]}
    assert "niet ingelogd" in texts["nl-NL"] and "not signed in" in texts["en-GB"]
    assert body["detail"] == texts["nl-NL"]  # Dutch unless asked otherwise


def test_another_clients_data_is_refused_with_403_as_the_services_refuse_it(
    gateway_stack: GatewayStack, api: httpx.Client
) -> None:
    reply = api.get(f"/clients/{OTHER_CLIENT}/activities", headers=bearer(gateway_stack) | {"Accept-Language": "en-GB"})
    assert reply.status_code == 403 and reply.headers["content-type"] == PROBLEM
    assert reply.json()["title"] == "No access" and reply.headers["content-language"] == "en-GB"


def test_a_caseworker_reads_the_caseload_and_a_client_may_not(gateway_stack: GatewayStack, api: httpx.Client) -> None:
    mine = api.get(
        f"/caseworkers/{CASEWORKER}/caseload",
        headers=bearer(gateway_stack, "caseworker", CASEWORKER, caseload=[CLIENT]),
    )
    assert mine.status_code == 200 and CLIENT in [e["clientId"] for e in mine.json()["entries"]]
    assert api.get(f"/caseworkers/{CASEWORKER}/caseload", headers=bearer(gateway_stack)).status_code == 403


def test_a_bad_activity_is_400_naming_each_field_in_the_api_spelling_and_nothing_is_saved(
    gateway_stack: GatewayStack, api: httpx.Client
) -> None:
    before = len(gateway_stack.activities())
    reply = api.post(
        f"/clients/{CLIENT}/activities",
        headers=bearer(gateway_stack) | {"Accept-Language": "en"},
        json={
            "requestId": "r-" + uuid.uuid4().hex,
            "type": "ACTIVITY_TYPE_VACANCY_APPLICATION",
            "date": "2099-01-01",
            "employer": "Bakkerij Brood",
            "position": "Bakker",
            "channel": "CHANNEL_ONLINE",
            "evidence": {"sha256Digest": "not-hex"},
        },
    )
    assert reply.status_code == 400 and reply.headers["content-type"] == PROBLEM
    fields = {p["name"]: p["reason"] for p in reply.json()["invalidParams"]}
    assert "date" in fields and "future" in fields["date"]
    assert any(name.startswith("evidence.") for name in fields), fields
    assert len(gateway_stack.activities()) == before


def test_a_body_that_is_not_the_operations_json_is_400_with_the_parsers_words(
    gateway_stack: GatewayStack, api: httpx.Client
) -> None:
    reply = api.post(f"/clients/{CLIENT}/activities", headers=bearer(gateway_stack), json={"colour": "blue"})
    assert reply.status_code == 400 and reply.json()["invalidParams"][0]["name"] == "body"
    bad_query = api.get(f"/clients/{CLIENT}/feed", params={"pageSize": "many"}, headers=bearer(gateway_stack))
    assert bad_query.status_code == 400 and bad_query.json()["invalidParams"][0]["name"] == "pageSize"


def test_log_update_and_withdraw_an_activity_and_the_status_counts_it_meanwhile(
    gateway_stack: GatewayStack, api: httpx.Client
) -> None:
    counted_before = gateway_stack.obligation_status().current.counted
    body = {
        "requestId": "r-" + uuid.uuid4().hex,
        "type": "ACTIVITY_TYPE_OPEN_APPLICATION",
        "date": date.today().isoformat(),
        "employer": "Bouwbedrijf De Steiger",
        "position": "Opperman",
        "channel": "CHANNEL_LETTER",
    }
    logged = api.post(f"/clients/{CLIENT}/activities", headers=bearer(gateway_stack), json=body)
    assert logged.status_code == 201
    activity_id = logged.json()["activity"]["activityId"]
    assert logged.headers["location"] == f"/api/v1/clients/{CLIENT}/activities/{activity_id}"
    again = api.post(f"/clients/{CLIENT}/activities", headers=bearer(gateway_stack), json=body)
    assert (again.status_code, again.json()["activity"]["activityId"]) == (200, activity_id)  # idempotent
    status = api.get(f"/clients/{CLIENT}/obligation-status", headers=bearer(gateway_stack)).json()
    assert status["current"]["counted"] == counted_before + 1

    updated = api.patch(
        f"/clients/{CLIENT}/activities/{activity_id}",
        headers=bearer(gateway_stack),
        json={"outcome": "OUTCOME_INVITED"},
    )
    assert updated.status_code == 200 and updated.json()["outcome"] == "OUTCOME_INVITED"
    assert api.delete(f"/clients/{CLIENT}/activities/{activity_id}", headers=bearer(gateway_stack)).status_code == 204
    assert gateway_stack.obligation_status().current.counted == counted_before


def test_the_processing_log_gathers_every_services_records_of_the_clients_reads(
    gateway_stack: GatewayStack, api: httpx.Client
) -> None:
    api.get(f"/clients/{CLIENT}/search-profile", headers=bearer(gateway_stack))
    records = api.get(f"/clients/{CLIENT}/processing-log", headers=bearer(gateway_stack)).json()["records"]
    assert {"matching", "activities"} <= {r["service"] for r in records}
    assert any(r["name"].endswith("GetSearchProfile") and r["actor"] == f"client:{CLIENT}" for r in records)
    starts = [r["startTime"] for r in records]
    assert starts == sorted(starts)


def test_an_unknown_address_is_a_404_problem_and_every_answer_names_the_api_version(api: httpx.Client) -> None:
    reply = api.get("/vacatures")
    assert reply.status_code == 404 and reply.headers["content-type"] == PROBLEM
    assert reply.headers["api-version"] == "1.0.0"
