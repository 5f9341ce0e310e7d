"""The bad-input corpus: for every RPC a table of requests that must be refused cleanly.

Each case names the RPC, how to build the request (some need real page tokens or ids from
the seeded stack), who calls, the expected status code and — for INVALID_ARGUMENT — a field
that one of the field violations must name. Ingest streams answer per item: there the item
must come back REJECTED naming the field.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import grpc
from google.protobuf.descriptor import MethodDescriptor
from reliability_support import (
    ACTIVITY_SERVICE,
    CASEWORKER,
    CLIENT,
    MATCHING_SERVICE,
    PRIVACY_SERVICE,
    SERVICE,
    VACANCY_SERVICE,
    Baseline,
    Caller,
    RawBytes,
    good_log_request,
    good_profile_request,
    good_vacancy,
)

from jobmatch.activities.v1 import activities_pb2 as act
from jobmatch.matching.v1 import matching_service_pb2 as mat
from jobmatch.privacy.v1 import privacy_pb2 as prv
from jobmatch.vacancies.v1 import vacancy_pb2 as vac
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vsv

INVALID = grpc.StatusCode.INVALID_ARGUMENT
NOT_FOUND = grpc.StatusCode.NOT_FOUND
PRECONDITION = grpc.StatusCode.FAILED_PRECONDITION
OK = grpc.StatusCode.OK

MEGABYTE = "x" * (1024 * 1024)
CONTROL = "Bad\x00\x07\x1b[31mtext\x7f"
NAN = math.nan
INF = math.inf
HUGE_LIST = [f"item-{i}" for i in range(100_000)]
UNKNOWN_ENUM = 99


@dataclass(frozen=True)
class Tokens:
    """Real page tokens handed out by the running services (first page, page_size 1)."""

    search: str
    changes: str
    feed_c1: str
    activities_c1: str
    caseload_cw1: str
    matching_profiles: str
    processing_log_matching_c1: str
    processing_log_activities_c1: str


@dataclass(frozen=True)
class Context:
    baseline: Baseline
    tokens: Tokens


Build = Callable[[Context], Any]


@dataclass(frozen=True)
class Case:
    id: str
    method: MethodDescriptor
    build: Build
    caller: Caller
    code: grpc.StatusCode
    field: str | None = None  # a violation's field must contain this
    service: str | None = None  # for PrivacyService: which process to call
    rejected_item: bool = False  # ingest: OK, but every item REJECTED naming `field`
    also: tuple[grpc.StatusCode, ...] = ()  # other codes that are right too
    bug: str = ""  # a known bug: the case is expected to fail (strict xfail) until fixed

    def request(self, context: Context) -> Any:
        return self.build(context)


def tampered(token: str) -> str:
    """The same token with one character changed in the middle."""
    middle = len(token) // 2
    replacement = "A" if token[middle] != "A" else "B"
    return token[:middle] + replacement + token[middle + 1 :]


def _const(message: Any) -> Build:
    return lambda _ctx: message


def _vac(**fields: Any) -> vsv.UpsertVacancyRequest:
    return vsv.UpsertVacancyRequest(vacancy=good_vacancy(**{"external_id": "corpus-1", **fields}))


def _ingest(**fields: Any) -> list[vsv.IngestVacanciesRequest]:
    return [
        vsv.IngestVacanciesRequest(batch_id="b-1", vacancies=[good_vacancy(**{"external_id": "corpus-2", **fields})])
    ]


def _profile(**fields: Any) -> mat.SetSearchProfileRequest:
    request = good_profile_request("c-1")
    for name, value in fields.items():
        if name == "occupations":
            del request.profile.occupations[:]
            request.profile.occupations.extend(value)
        elif isinstance(value, list):
            getattr(request.profile, name).extend(value)
        else:
            setattr(request.profile, name, value)
    return request


def _log(**fields: Any) -> act.LogActivityRequest:
    request = good_log_request("c-1", "corpus-log")
    for name, value in fields.items():
        if isinstance(value, dict):
            getattr(request, name).CopyFrom(act.Evidence(**value))
        else:
            setattr(request, name, value)
    return request


def _policy(**fields: Any) -> act.SetObligationPolicyRequest:
    values: dict[str, Any] = {
        "caseworker_id": "cw-1",
        "client_id": "c-1",
        "template": "uwv-ww",
        "start_date": "2026-11-02",
    }
    values.update(fields)
    return act.SetObligationPolicyRequest(**values)


def _rule(**fields: Any) -> act.SetObligationPolicyRequest:
    rule = {"required_activities": 4, "period_weeks": 4, "counting_types": [act.ACTIVITY_TYPE_VACANCY_APPLICATION]}
    rule.update(fields)
    return _policy(template="", rule=act.ObligationRule(**rule), deviation_reason="maatwerk")


def _m(service: Any, name: str) -> MethodDescriptor:
    return service.methods_by_name[name]


def _wire_string(field_number: int, payload: bytes) -> RawBytes:
    """A length-delimited field with raw (possibly invalid UTF-8) bytes."""
    return RawBytes(bytes([field_number << 3 | 2, len(payload)]) + payload)


UPSERT = _m(VACANCY_SERVICE, "UpsertVacancy")
INGEST = _m(VACANCY_SERVICE, "IngestVacancies")
GET_VACANCY = _m(VACANCY_SERVICE, "GetVacancy")
WITHDRAW_VACANCY = _m(VACANCY_SERVICE, "WithdrawVacancy")
SEARCH = _m(VACANCY_SERVICE, "SearchVacancies")
CHANGES = _m(VACANCY_SERVICE, "ListVacancyChanges")
SET_PROFILE = _m(MATCHING_SERVICE, "SetSearchProfile")
GET_PROFILE = _m(MATCHING_SERVICE, "GetSearchProfile")
GET_FEED = _m(MATCHING_SERVICE, "GetFeed")
FEEDBACK = _m(MATCHING_SERVICE, "RecordFeedback")
MATCHING_PROFILES = _m(MATCHING_SERVICE, "ListMatchingProfiles")
LOG = _m(ACTIVITY_SERVICE, "LogActivity")
OUTCOME = _m(ACTIVITY_SERVICE, "UpdateActivityOutcome")
WITHDRAW_ACTIVITY = _m(ACTIVITY_SERVICE, "WithdrawActivity")
LIST_ACTIVITIES = _m(ACTIVITY_SERVICE, "ListActivities")
SET_POLICY = _m(ACTIVITY_SERVICE, "SetObligationPolicy")
STATUS = _m(ACTIVITY_SERVICE, "GetObligationStatus")
VERIFY = _m(ACTIVITY_SERVICE, "VerifyActivity")
CASELOAD = _m(ACTIVITY_SERVICE, "GetCaseload")
LEGAL_HOLD = _m(ACTIVITY_SERVICE, "SetLegalHold")
ASSIGN = _m(ACTIVITY_SERVICE, "AssignClients")
UNASSIGN = _m(ACTIVITY_SERVICE, "UnassignClients")
PROCESSING_LOG = _m(PRIVACY_SERVICE, "ListProcessingLog")
ERASE = _m(PRIVACY_SERVICE, "EraseClientData")


def _vacancy_cases() -> list[Case]:
    upsert = [
        ("empty", vsv.UpsertVacancyRequest(), "source"),
        ("missing-title", _vac(title=""), "title"),
        ("blank-title", _vac(title="   \t "), "title"),
        ("1mb-title", _vac(title=MEGABYTE), "title"),
        ("1mb-description", _vac(description=MEGABYTE), "description"),
        ("1mb-external-id", _vac(external_id=MEGABYTE), "external_id"),
        ("control-chars-title", _vac(title=CONTROL), "title"),
        ("control-chars-employer", _vac(employer=CONTROL), "employer"),
        ("unknown-workplace-type", _vac(workplace_type=UNKNOWN_ENUM), "workplace_type"),
        ("negative-contract-type", _vac(contract_type=-5), "contract_type"),
        ("unknown-education-level", _vac(education_level=UNKNOWN_ENUM), "education_level"),
        ("unknown-salary-period", _vac(salary_min=3000, salary_period=UNKNOWN_ENUM), "salary_period"),
        ("nan-hours", _vac(hours_min=NAN), "hours"),
        ("inf-hours", _vac(hours_max=INF), "hours"),
        ("negative-hours", _vac(hours_min=-8, hours_max=36), "hours"),
        ("hours-min-above-max", _vac(hours_min=40, hours_max=20), "hours"),
        ("200-hours-a-week", _vac(hours_min=32, hours_max=200), "hours"),
        ("nan-salary", _vac(salary_min=NAN), "salary"),
        ("negative-salary", _vac(salary_min=-100), "salary"),
        ("inf-salary", _vac(salary_max=INF), "salary"),
        ("nan-latitude", _vac(location=vac.Location(latitude=NAN, longitude=5.1, has_coordinates=True)), "location"),
        (
            "latitude-out-of-range",
            _vac(location=vac.Location(latitude=123.0, longitude=5.1, has_coordinates=True)),
            "location",
        ),
        ("impossible-date-posted", _vac(date_posted="2026-13-45"), "date_posted"),
        ("date-posted-not-a-date", _vac(date_posted="gisteren"), "date_posted"),
        ("valid-through-passed", _vac(valid_through="2020-01-01"), "valid_through"),
        ("huge-skill-list", _vac(required_skills=HUGE_LIST), "required_skills"),
        ("1mb-skill", _vac(optional_skills=[MEGABYTE]), "optional_skills"),
        ("bad-language-code", _vac(languages=["nederlands!"]), "languages"),
        ("javascript-url", _vac(application_url="javascript:alert(1)"), "application_url"),
        ("bad-email", _vac(application_email="not an address"), "application_email"),
        (
            "unknown-esco-uri",
            _vac(occupation=vac.Occupation(esco_uri="http://example.org/occupation/nope")),
            "occupation",
        ),
        ("bad-currency", _vac(salary_min=3000, salary_currency="euro's"), "salary_currency"),
    ]
    cases = [
        Case(f"UpsertVacancy/{name}", UPSERT, _const(request), SERVICE, INVALID, field)
        for name, request, field in upsert
    ]
    ingest = [
        ("missing-source", {"source": ""}, "source"),
        ("1mb-title", {"title": MEGABYTE}, "title"),
        ("control-chars-title", {"title": CONTROL}, "title"),
        ("unknown-contract-type", {"contract_type": UNKNOWN_ENUM}, "contract_type"),
        ("nan-hours", {"hours_min": NAN}, "hours"),
        ("huge-skill-list", {"required_skills": HUGE_LIST}, "required_skills"),
        ("impossible-valid-through", {"valid_through": "2026-02-30"}, "valid_through"),
    ]
    cases += [
        Case(f"IngestVacancies/{name}", INGEST, _const(_ingest(**fields)), SERVICE, OK, field, rejected_item=True)
        for name, fields, field in ingest
    ]
    cases += [
        Case("GetVacancy/empty", GET_VACANCY, _const(vsv.GetVacancyRequest()), CLIENT, INVALID, "vacancy_id"),
        Case(
            "GetVacancy/unknown-id",
            GET_VACANCY,
            _const(vsv.GetVacancyRequest(vacancy_id="vac_nope")),
            CLIENT,
            NOT_FOUND,
        ),
        Case(
            "GetVacancy/1mb-id",
            GET_VACANCY,
            _const(vsv.GetVacancyRequest(vacancy_id=MEGABYTE)),
            CLIENT,
            INVALID,
            "vacancy_id",
        ),
        Case(
            "GetVacancy/control-chars-id",
            GET_VACANCY,
            _const(vsv.GetVacancyRequest(vacancy_id=CONTROL)),
            CLIENT,
            INVALID,
            "vacancy_id",
        ),
        Case(
            "GetVacancy/invalid-utf8-on-the-wire",
            GET_VACANCY,
            _const(_wire_string(1, b"vac_\xff\xfe")),
            CLIENT,
            INVALID,
            "request",
        ),
        Case(
            "GetVacancy/garbage-bytes-on-the-wire",
            GET_VACANCY,
            _const(RawBytes(b"\x0a\xff\xff\xff\xff\x0f")),
            CLIENT,
            INVALID,
            "request",
        ),
        Case(
            "IngestVacancies/invalid-utf8-on-the-wire",
            INGEST,
            _const([_wire_string(1, b"batch-\xc3\x28")]),
            SERVICE,
            INVALID,
            "request",
        ),
        Case(
            "WithdrawVacancy/empty",
            WITHDRAW_VACANCY,
            _const(vsv.WithdrawVacancyRequest()),
            SERVICE,
            INVALID,
            "vacancy_id",
        ),
        Case(
            "WithdrawVacancy/unknown-id",
            WITHDRAW_VACANCY,
            _const(vsv.WithdrawVacancyRequest(vacancy_id="vac_nope", reason="vervuld")),
            SERVICE,
            NOT_FOUND,
        ),
        Case(
            "WithdrawVacancy/1mb-reason",
            WITHDRAW_VACANCY,
            lambda c: vsv.WithdrawVacancyRequest(vacancy_id=c.baseline.vacancy_id, reason=MEGABYTE),
            SERVICE,
            INVALID,
            "reason",
        ),
        Case(
            "WithdrawVacancy/control-chars-reason",
            WITHDRAW_VACANCY,
            lambda c: vsv.WithdrawVacancyRequest(vacancy_id=c.baseline.vacancy_id, reason=CONTROL),
            SERVICE,
            INVALID,
            "reason",
        ),
    ]
    search = [
        ("1mb-query", vsv.SearchVacanciesRequest(query=MEGABYTE), "query"),
        ("control-chars-query", vsv.SearchVacanciesRequest(query=CONTROL), "query"),
        ("nan-radius", vsv.SearchVacanciesRequest(near_place="Utrecht", radius_km=NAN), "radius_km"),
        ("negative-radius", vsv.SearchVacanciesRequest(near_place="Utrecht", radius_km=-5), "radius_km"),
        ("huge-radius", vsv.SearchVacanciesRequest(near_place="Utrecht", radius_km=1e9), "radius_km"),
        ("radius-without-place", vsv.SearchVacanciesRequest(radius_km=10), "radius_km"),
        ("nan-latitude", vsv.SearchVacanciesRequest(latitude=NAN, longitude=5.1, radius_km=10), "latitude"),
        ("latitude-out-of-range", vsv.SearchVacanciesRequest(latitude=999, longitude=5.1, radius_km=10), "latitude"),
        ("unknown-place", vsv.SearchVacanciesRequest(near_place="Nergenshuizen-aan-Zee", radius_km=10), "near_place"),
        ("nan-hours", vsv.SearchVacanciesRequest(hours_min=NAN), "hours"),
        ("hours-min-above-max", vsv.SearchVacanciesRequest(hours_min=40, hours_max=10), "hours"),
        ("unknown-workplace-type", vsv.SearchVacanciesRequest(workplace_types=[UNKNOWN_ENUM]), "workplace_types"),
        ("unknown-contract-type", vsv.SearchVacanciesRequest(contract_types=[-3]), "contract_types"),
        ("unknown-education-level", vsv.SearchVacanciesRequest(education_levels=[UNKNOWN_ENUM]), "education_levels"),
        ("unknown-sort", vsv.SearchVacanciesRequest(sort=UNKNOWN_ENUM), "sort"),
        ("negative-page-size", vsv.SearchVacanciesRequest(page_size=-1), "page_size"),
        ("huge-page-size", vsv.SearchVacanciesRequest(page_size=2_000_000_000), "page_size"),
        ("posted-since-not-a-date", vsv.SearchVacanciesRequest(posted_since="vorige week"), "posted_since"),
        ("huge-isco-list", vsv.SearchVacanciesRequest(isco_prefixes=HUGE_LIST), "isco_prefixes"),
        ("garbage-page-token", vsv.SearchVacanciesRequest(page_token="not-a-token"), "page_token"),
    ]
    cases += [
        Case(f"SearchVacancies/{name}", SEARCH, _const(request), CLIENT, INVALID, field)
        for name, request, field in search
    ]
    cases += [
        Case(
            "SearchVacancies/tampered-page-token",
            SEARCH,
            lambda c: vsv.SearchVacanciesRequest(page_size=1, page_token=tampered(c.tokens.search)),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "SearchVacancies/page-token-of-another-query",
            SEARCH,
            lambda c: vsv.SearchVacanciesRequest(query="verpleegkundige", page_size=1, page_token=c.tokens.search),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "SearchVacancies/page-token-of-the-change-stream",
            SEARCH,
            lambda c: vsv.SearchVacanciesRequest(page_size=1, page_token=c.tokens.changes),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "ListVacancyChanges/cursor-not-a-number",
            CHANGES,
            _const(vsv.ListVacancyChangesRequest(since_cursor="abc")),
            SERVICE,
            INVALID,
            "since_cursor",
        ),
        Case(
            "ListVacancyChanges/negative-cursor",
            CHANGES,
            _const(vsv.ListVacancyChangesRequest(since_cursor="-1")),
            SERVICE,
            INVALID,
            "since_cursor",
        ),
        Case(
            "ListVacancyChanges/1mb-cursor",
            CHANGES,
            _const(vsv.ListVacancyChangesRequest(since_cursor="9" * 1_000_000)),
            SERVICE,
            INVALID,
            "since_cursor",
        ),
        Case(
            "ListVacancyChanges/negative-page-size",
            CHANGES,
            _const(vsv.ListVacancyChangesRequest(page_size=-5)),
            SERVICE,
            INVALID,
            "page_size",
        ),
        Case(
            "ListVacancyChanges/garbage-page-token",
            CHANGES,
            _const(vsv.ListVacancyChangesRequest(page_token="%%%")),
            SERVICE,
            INVALID,
            "page_token",
        ),
        Case(
            "ListVacancyChanges/tampered-page-token",
            CHANGES,
            lambda c: vsv.ListVacancyChangesRequest(page_size=1, page_token=tampered(c.tokens.changes)),
            SERVICE,
            INVALID,
            "page_token",
        ),
        Case(
            "ListVacancyChanges/page-token-of-a-search",
            CHANGES,
            lambda c: vsv.ListVacancyChangesRequest(page_size=1, page_token=c.tokens.search),
            SERVICE,
            INVALID,
            "page_token",
        ),
        Case(
            "ListVacancyChanges/page-token-of-a-snapshot-used-without",
            CHANGES,
            lambda c: vsv.ListVacancyChangesRequest(snapshot=True, page_size=1, page_token=c.tokens.changes),
            SERVICE,
            INVALID,
            "page_token",
        ),
    ]
    return cases


def _matching_cases() -> list[Case]:
    wish = mat.OccupationWish
    profile = [
        ("empty-profile", mat.SetSearchProfileRequest(client_id="c-1"), "occupations"),
        ("unknown-esco-uri", _profile(occupations=[wish(esco_uri="http://example.org/nope")]), "occupations"),
        (
            "unknown-breadth",
            _profile(
                occupations=[
                    wish(esco_uri=good_profile_request("c-1").profile.occupations[0].esco_uri, breadth=UNKNOWN_ENUM)
                ]
            ),
            "breadth",
        ),
        ("too-many-occupations", _profile(occupations=[wish(isco_code="2512")] * 1000), "occupations"),
        ("negative-travel", _profile(max_travel_km=-1), "max_travel_km"),
        ("huge-travel", _profile(max_travel_km=2_000_000_000), "max_travel_km"),
        ("hours-min-above-max", _profile(hours_min=40, hours_max=10), "hours"),
        ("1000-hours", _profile(hours_max=1000), "hours"),
        ("negative-hours", _profile(hours_min=-4), "hours"),
        ("unknown-contract-type", _profile(contract_types=[UNKNOWN_ENUM]), "contract_types"),
        ("unknown-education-level", _profile(education_level=UNKNOWN_ENUM), "education_level"),
        ("unknown-status", _profile(status=UNKNOWN_ENUM), "status"),
        ("huge-skill-list", _profile(skills=HUGE_LIST), "skills"),
        ("1mb-skill", _profile(skills=[MEGABYTE]), "skills"),
        ("control-chars-skill", _profile(skills=[CONTROL]), "skills"),
        ("bad-language", _profile(languages=["klingon!!"]), "languages"),
        ("negative-salary", _profile(min_salary_monthly=-1), "min_salary_monthly"),
        ("huge-salary", _profile(min_salary_monthly=2_000_000_000), "min_salary_monthly"),
        ("unknown-home-place", _profile(home_place_name="Nergenshuizen-aan-Zee"), "home_place_name"),
        ("1mb-home-place", _profile(home_place_name=MEGABYTE), "home_place_name"),
        ("control-chars-home-place", _profile(home_place_name=CONTROL), "home_place_name"),
    ]
    cases = [
        Case(f"SetSearchProfile/{name}", SET_PROFILE, _const(request), CLIENT, INVALID, field)
        for name, request, field in profile
    ]
    cases += [
        Case(
            "SetSearchProfile/missing-client-id",
            SET_PROFILE,
            _const(mat.SetSearchProfileRequest(profile=good_profile_request("c-1").profile)),
            CLIENT,
            INVALID,
            "client_id",
        ),
        Case(
            "GetSearchProfile/missing-client-id",
            GET_PROFILE,
            _const(mat.GetSearchProfileRequest()),
            CLIENT,
            INVALID,
            "client_id",
        ),
        Case(
            "GetSearchProfile/client-without-profile",
            GET_PROFILE,
            _const(mat.GetSearchProfileRequest(client_id="c-9")),
            Caller("client", "c-9"),
            NOT_FOUND,
        ),
        Case("GetFeed/missing-client-id", GET_FEED, _const(mat.GetFeedRequest()), CLIENT, INVALID, "client_id"),
        Case(
            "GetFeed/negative-page-size",
            GET_FEED,
            _const(mat.GetFeedRequest(client_id="c-1", page_size=-1)),
            CLIENT,
            INVALID,
            "page_size",
        ),
        Case(
            "GetFeed/huge-page-size",
            GET_FEED,
            _const(mat.GetFeedRequest(client_id="c-1", page_size=2_000_000_000)),
            CLIENT,
            INVALID,
            "page_size",
        ),
        Case(
            "GetFeed/garbage-page-token",
            GET_FEED,
            _const(mat.GetFeedRequest(client_id="c-1", page_token="garbage")),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "GetFeed/tampered-page-token",
            GET_FEED,
            lambda c: mat.GetFeedRequest(client_id="c-1", page_size=1, page_token=tampered(c.tokens.feed_c1)),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "GetFeed/forged-page-token",
            GET_FEED,
            _const(
                mat.GetFeedRequest(
                    client_id="c-1",
                    page_token=base64.urlsafe_b64encode(b'{"o": 0, "v": "2020-01-01T00:00:00+00:00"}').decode(),
                )
            ),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "GetFeed/page-token-of-another-client",
            GET_FEED,
            lambda c: mat.GetFeedRequest(client_id="c-2", page_size=1, page_token=c.tokens.feed_c1),
            Caller("client", "c-2"),
            INVALID,
            "page_token",
        ),
        Case(
            "GetFeed/page-token-of-the-activity-list",
            GET_FEED,
            lambda c: mat.GetFeedRequest(client_id="c-1", page_size=1, page_token=c.tokens.activities_c1),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "RecordFeedback/missing-vacancy-id",
            FEEDBACK,
            _const(mat.RecordFeedbackRequest(client_id="c-1", kind=mat.FEEDBACK_KIND_SAVE)),
            CLIENT,
            INVALID,
            "vacancy_id",
        ),
        Case(
            "RecordFeedback/unspecified-kind",
            FEEDBACK,
            lambda c: mat.RecordFeedbackRequest(client_id="c-1", vacancy_id=c.baseline.vacancy_id),
            CLIENT,
            INVALID,
            "kind",
        ),
        Case(
            "RecordFeedback/unknown-kind",
            FEEDBACK,
            lambda c: mat.RecordFeedbackRequest(client_id="c-1", vacancy_id=c.baseline.vacancy_id, kind=UNKNOWN_ENUM),
            CLIENT,
            INVALID,
            "kind",
        ),
        Case(
            "RecordFeedback/unknown-vacancy",
            FEEDBACK,
            _const(mat.RecordFeedbackRequest(client_id="c-1", vacancy_id="vac_nope", kind=mat.FEEDBACK_KIND_SAVE)),
            CLIENT,
            NOT_FOUND,
        ),
        Case(
            "RecordFeedback/1mb-vacancy-id",
            FEEDBACK,
            _const(mat.RecordFeedbackRequest(client_id="c-1", vacancy_id=MEGABYTE, kind=mat.FEEDBACK_KIND_SAVE)),
            CLIENT,
            INVALID,
            "vacancy_id",
        ),
        Case(
            "ListMatchingProfiles/missing-caseworker-id",
            MATCHING_PROFILES,
            lambda c: mat.ListMatchingProfilesRequest(vacancy_id=c.baseline.vacancy_id),
            CASEWORKER,
            INVALID,
            "caseworker_id",
        ),
        Case(
            "ListMatchingProfiles/missing-vacancy-id",
            MATCHING_PROFILES,
            _const(mat.ListMatchingProfilesRequest(caseworker_id="cw-1")),
            CASEWORKER,
            INVALID,
            "vacancy_id",
        ),
        Case(
            "ListMatchingProfiles/unknown-vacancy",
            MATCHING_PROFILES,
            _const(mat.ListMatchingProfilesRequest(caseworker_id="cw-1", vacancy_id="vac_nope")),
            CASEWORKER,
            NOT_FOUND,
        ),
        Case(
            "ListMatchingProfiles/negative-page-size",
            MATCHING_PROFILES,
            lambda c: mat.ListMatchingProfilesRequest(
                caseworker_id="cw-1", vacancy_id=c.baseline.vacancy_id, page_size=-1
            ),
            CASEWORKER,
            INVALID,
            "page_size",
        ),
        Case(
            "ListMatchingProfiles/garbage-page-token",
            MATCHING_PROFILES,
            lambda c: mat.ListMatchingProfilesRequest(
                caseworker_id="cw-1", vacancy_id=c.baseline.vacancy_id, page_token="!!"
            ),
            CASEWORKER,
            INVALID,
            "page_token",
        ),
        Case(
            "ListMatchingProfiles/page-token-of-another-vacancy",
            MATCHING_PROFILES,
            lambda c: mat.ListMatchingProfilesRequest(
                caseworker_id="cw-1",
                vacancy_id=c.baseline.vacancy_ids[1],
                page_size=1,
                page_token=c.tokens.matching_profiles,
            ),
            SERVICE,
            INVALID,
            "page_token",
        ),
        Case(
            "ListMatchingProfiles/tampered-page-token",
            MATCHING_PROFILES,
            lambda c: mat.ListMatchingProfilesRequest(
                caseworker_id="cw-1",
                vacancy_id=c.baseline.vacancy_id,
                page_size=1,
                page_token=tampered(c.tokens.matching_profiles),
            ),
            SERVICE,
            INVALID,
            "page_token",
        ),
    ]
    return cases


def _activity_cases() -> list[Case]:
    log = [
        ("only-client-id", act.LogActivityRequest(client_id="c-1"), "request_id"),
        ("missing-request-id", _log(request_id=""), "request_id"),
        ("1mb-request-id", _log(request_id=MEGABYTE), "request_id"),
        ("unspecified-type", _log(type=0), "type"),
        ("unknown-type", _log(type=UNKNOWN_ENUM), "type"),
        ("negative-channel", _log(channel=-1), "channel"),
        ("unknown-outcome", _log(outcome=UNKNOWN_ENUM), "outcome"),
        ("impossible-date", _log(date="2026-02-30"), "date"),
        ("date-not-a-date", _log(date="23-11-2026"), "date"),
        ("date-in-the-future", _log(date="2027-01-01"), "date"),
        ("date-before-the-obligation", _log(date="2026-01-05"), "date"),
        ("1mb-employer", _log(employer=MEGABYTE), "employer"),
        ("1mb-note", _log(note=MEGABYTE), "note"),
        ("control-chars-employer", _log(employer=CONTROL), "employer"),
        ("control-chars-position", _log(position=CONTROL), "position"),
        ("control-chars-note", _log(note="Gebeld.\x00\x1b[2J"), "note"),
        ("control-chars-contact-role", _log(contact_role="HR\x07"), "contact_role"),
        ("other-without-description", _log(type=act.ACTIVITY_TYPE_OTHER), "type_description"),
        ("bad-evidence-digest", _log(evidence={"document_name": "brief.pdf", "sha256_digest": "xyz"}), "evidence"),
        (
            "javascript-evidence-url",
            _log(evidence={"document_name": "brief.pdf", "url": "javascript:alert(1)"}),
            "evidence",
        ),
    ]
    cases = [Case(f"LogActivity/{name}", LOG, _const(request), CLIENT, INVALID, field) for name, request, field in log]
    cases += [
        Case(
            "LogActivity/invalid-utf8-on-the-wire",
            LOG,
            _const(_wire_string(1, b"c-1\xed\xa0\x80")),
            CLIENT,
            INVALID,
            "request",
        ),
        Case("LogActivity/missing-client-id", LOG, _const(act.LogActivityRequest()), CLIENT, INVALID, "client_id"),
        Case(
            "LogActivity/client-without-obligation",
            LOG,
            _const(good_log_request("c-9", "corpus-no-policy")),
            Caller("client", "c-9"),
            PRECONDITION,
        ),
        Case(
            "UpdateActivityOutcome/missing-activity-id",
            OUTCOME,
            _const(act.UpdateActivityOutcomeRequest(client_id="c-1", outcome=act.OUTCOME_INVITED)),
            CLIENT,
            INVALID,
            "activity_id",
        ),
        Case(
            "UpdateActivityOutcome/unknown-activity",
            OUTCOME,
            _const(
                act.UpdateActivityOutcomeRequest(client_id="c-1", activity_id="act-nope", outcome=act.OUTCOME_INVITED)
            ),
            CLIENT,
            NOT_FOUND,
        ),
        Case(
            "UpdateActivityOutcome/activity-of-another-client",
            OUTCOME,
            lambda c: act.UpdateActivityOutcomeRequest(
                client_id="c-1", activity_id=c.baseline.other_activity_id, outcome=act.OUTCOME_INVITED
            ),
            CLIENT,
            NOT_FOUND,
        ),
        Case(
            "UpdateActivityOutcome/unspecified-outcome",
            OUTCOME,
            lambda c: act.UpdateActivityOutcomeRequest(client_id="c-1", activity_id=c.baseline.activity_id),
            CLIENT,
            INVALID,
            "outcome",
        ),
        Case(
            "UpdateActivityOutcome/unknown-outcome",
            OUTCOME,
            lambda c: act.UpdateActivityOutcomeRequest(
                client_id="c-1", activity_id=c.baseline.activity_id, outcome=UNKNOWN_ENUM
            ),
            CLIENT,
            INVALID,
            "outcome",
        ),
        Case(
            "UpdateActivityOutcome/1mb-activity-id",
            OUTCOME,
            _const(
                act.UpdateActivityOutcomeRequest(client_id="c-1", activity_id=MEGABYTE, outcome=act.OUTCOME_INVITED)
            ),
            CLIENT,
            INVALID,
            "activity_id",
        ),
        Case(
            "WithdrawActivity/missing-activity-id",
            WITHDRAW_ACTIVITY,
            _const(act.WithdrawActivityRequest(client_id="c-1")),
            CLIENT,
            INVALID,
            "activity_id",
        ),
        Case(
            "WithdrawActivity/unknown-activity",
            WITHDRAW_ACTIVITY,
            _const(act.WithdrawActivityRequest(client_id="c-1", activity_id="act-nope")),
            CLIENT,
            NOT_FOUND,
        ),
        Case(
            "WithdrawActivity/activity-of-another-client",
            WITHDRAW_ACTIVITY,
            lambda c: act.WithdrawActivityRequest(client_id="c-1", activity_id=c.baseline.other_activity_id),
            CLIENT,
            NOT_FOUND,
        ),
        Case(
            "ListActivities/missing-client-id",
            LIST_ACTIVITIES,
            _const(act.ListActivitiesRequest()),
            CLIENT,
            INVALID,
            "client_id",
        ),
        Case(
            "ListActivities/bad-from-date",
            LIST_ACTIVITIES,
            _const(act.ListActivitiesRequest(client_id="c-1", from_date="2026-99-01")),
            CLIENT,
            INVALID,
            "from_date",
        ),
        Case(
            "ListActivities/to-before-from",
            LIST_ACTIVITIES,
            _const(act.ListActivitiesRequest(client_id="c-1", from_date="2026-11-20", to_date="2026-11-01")),
            CLIENT,
            INVALID,
            "to_date",
        ),
        Case(
            "ListActivities/negative-page-size",
            LIST_ACTIVITIES,
            _const(act.ListActivitiesRequest(client_id="c-1", page_size=-1)),
            CLIENT,
            INVALID,
            "page_size",
        ),
        Case(
            "ListActivities/huge-page-size",
            LIST_ACTIVITIES,
            _const(act.ListActivitiesRequest(client_id="c-1", page_size=2_000_000_000)),
            CLIENT,
            INVALID,
            "page_size",
        ),
        Case(
            "ListActivities/garbage-page-token",
            LIST_ACTIVITIES,
            _const(act.ListActivitiesRequest(client_id="c-1", page_token="\u00ff\u00fe")),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "ListActivities/tampered-page-token",
            LIST_ACTIVITIES,
            lambda c: act.ListActivitiesRequest(
                client_id="c-1", page_size=1, page_token=tampered(c.tokens.activities_c1)
            ),
            CLIENT,
            INVALID,
            "page_token",
        ),
        Case(
            "ListActivities/page-token-of-another-client",
            LIST_ACTIVITIES,
            lambda c: act.ListActivitiesRequest(client_id="c-2", page_size=1, page_token=c.tokens.activities_c1),
            Caller("client", "c-2"),
            INVALID,
            "page_token",
        ),
        Case(
            "ListActivities/page-token-of-another-date-range",
            LIST_ACTIVITIES,
            lambda c: act.ListActivitiesRequest(
                client_id="c-1", from_date="2026-11-01", page_size=1, page_token=c.tokens.activities_c1
            ),
            CLIENT,
            INVALID,
            "page_token",
        ),
    ]
    policy = [
        ("unknown-template", _policy(template="streng"), "template"),
        ("no-template-no-rule", _policy(template=""), "template"),
        ("bad-start-date", _policy(start_date="2026-02-31"), "start_date"),
        ("negative-required", _rule(required_activities=-1), "required_activities"),
        ("huge-period", _rule(period_weeks=2_000_000_000), "period_weeks"),
        ("zero-period", _rule(period_weeks=0), "period_weeks"),
        ("unknown-counting-type", _rule(counting_types=[UNKNOWN_ENUM]), "counting_types"),
        ("unknown-cap-type", _rule(caps=[act.TypeCap(type=UNKNOWN_ENUM, max_per_period=1)]), "caps"),
        ("negative-cap", _rule(caps=[act.TypeCap(type=act.ACTIVITY_TYPE_JOB_FAIR, max_per_period=-1)]), "rule"),
        (
            "custom-without-reason",
            _policy(
                template="",
                rule=act.ObligationRule(
                    required_activities=4, period_weeks=4, counting_types=[act.ACTIVITY_TYPE_VACANCY_APPLICATION]
                ),
            ),
            "deviation_reason",
        ),
        ("1mb-deviation-reason", _policy(deviation_reason=MEGABYTE), "deviation_reason"),
        (
            "exemption-bad-date",
            _policy(
                exemptions=[
                    act.Exemption(start_date="2026-13-01", end_date="2026-12-01", reason=act.EXEMPTION_REASON_ILLNESS)
                ]
            ),
            "exemptions[0].start_date",
        ),
        (
            "exemption-end-before-start",
            _policy(
                exemptions=[
                    act.Exemption(start_date="2026-12-10", end_date="2026-12-01", reason=act.EXEMPTION_REASON_ILLNESS)
                ]
            ),
            "exemptions",
        ),
        (
            "exemption-unknown-reason",
            _policy(exemptions=[act.Exemption(start_date="2026-12-01", end_date="2026-12-10", reason=UNKNOWN_ENUM)]),
            "exemptions[0].reason",
        ),
        (
            "huge-exemption-list",
            _policy(
                exemptions=[
                    act.Exemption(start_date="2026-12-01", end_date="2026-12-02", reason=act.EXEMPTION_REASON_ILLNESS)
                ]
                * 20_000
            ),
            "exemptions",
        ),
        ("missing-client-id", _policy(client_id=""), "client_id"),
    ]
    cases += [
        Case(f"SetObligationPolicy/{name}", SET_POLICY, _const(request), CASEWORKER, INVALID, field)
        for name, request, field in policy
    ]
    cases += [
        Case(
            "SetObligationPolicy/missing-caseworker-id",
            SET_POLICY,
            _const(_policy(caseworker_id="")),
            CASEWORKER,
            INVALID,
            "caseworker_id",
        ),
        Case(
            "GetObligationStatus/missing-client-id",
            STATUS,
            _const(act.GetObligationStatusRequest()),
            CLIENT,
            INVALID,
            "client_id",
        ),
        Case(
            "AssignClients/missing-caseworker-id",
            ASSIGN,
            _const(act.AssignClientsRequest(client_ids=["c-1"])),
            SERVICE,
            INVALID,
            "caseworker_id",
        ),
        Case(
            "AssignClients/no-clients",
            ASSIGN,
            _const(act.AssignClientsRequest(caseworker_id="cw-1")),
            SERVICE,
            INVALID,
            "client_ids",
        ),
        Case(
            "AssignClients/blank-client-id",
            ASSIGN,
            _const(act.AssignClientsRequest(caseworker_id="cw-1", client_ids=["c-1", "  "])),
            SERVICE,
            INVALID,
            "client_ids[1]",
        ),
        Case(
            "AssignClients/huge-list",
            ASSIGN,
            _const(act.AssignClientsRequest(caseworker_id="cw-1", client_ids=HUGE_LIST)),
            SERVICE,
            INVALID,
            "client_ids",
        ),
        Case(
            "UnassignClients/missing-caseworker-id",
            UNASSIGN,
            _const(act.UnassignClientsRequest(client_ids=["c-1"])),
            SERVICE,
            INVALID,
            "caseworker_id",
        ),
        Case(
            "UnassignClients/no-clients",
            UNASSIGN,
            _const(act.UnassignClientsRequest(caseworker_id="cw-1")),
            SERVICE,
            INVALID,
            "client_ids",
        ),
        Case(
            "SetLegalHold/unspecified-kind",
            LEGAL_HOLD,
            _const(act.SetLegalHoldRequest(caseworker_id="cw-1", client_id="c-1", active=True)),
            CASEWORKER,
            INVALID,
            "kind",
        ),
        Case(
            "SetLegalHold/unknown-kind",
            LEGAL_HOLD,
            _const(act.SetLegalHoldRequest(caseworker_id="cw-1", client_id="c-1", kind=UNKNOWN_ENUM, active=True)),
            CASEWORKER,
            INVALID,
            "kind",
        ),
        Case(
            "SetLegalHold/missing-client-id",
            LEGAL_HOLD,
            _const(act.SetLegalHoldRequest(caseworker_id="cw-1", kind=act.LEGAL_HOLD_KIND_APPEAL, active=True)),
            CASEWORKER,
            INVALID,
            "client_id",
        ),
        Case(
            "GetObligationStatus/client-without-obligation",
            STATUS,
            _const(act.GetObligationStatusRequest(client_id="c-9")),
            Caller("client", "c-9"),
            NOT_FOUND,
        ),
        Case(
            "VerifyActivity/unspecified-decision",
            VERIFY,
            lambda c: act.VerifyActivityRequest(
                caseworker_id="cw-1", client_id="c-1", activity_id=c.baseline.activity_id
            ),
            CASEWORKER,
            INVALID,
            "decision",
        ),
        Case(
            "VerifyActivity/unknown-decision",
            VERIFY,
            lambda c: act.VerifyActivityRequest(
                caseworker_id="cw-1", client_id="c-1", activity_id=c.baseline.activity_id, decision=UNKNOWN_ENUM
            ),
            CASEWORKER,
            INVALID,
            "decision",
        ),
        Case(
            "VerifyActivity/reject-without-reason",
            VERIFY,
            lambda c: act.VerifyActivityRequest(
                caseworker_id="cw-1",
                client_id="c-1",
                activity_id=c.baseline.activity_id,
                decision=act.VERIFICATION_DECISION_REJECT,
            ),
            CASEWORKER,
            INVALID,
            "reason",
        ),
        Case(
            "VerifyActivity/1mb-reason",
            VERIFY,
            lambda c: act.VerifyActivityRequest(
                caseworker_id="cw-1",
                client_id="c-1",
                activity_id=c.baseline.activity_id,
                decision=act.VERIFICATION_DECISION_REJECT,
                reason=MEGABYTE,
            ),
            CASEWORKER,
            INVALID,
            "reason",
        ),
        Case(
            "VerifyActivity/unknown-activity",
            VERIFY,
            _const(
                act.VerifyActivityRequest(
                    caseworker_id="cw-1",
                    client_id="c-1",
                    activity_id="act-nope",
                    decision=act.VERIFICATION_DECISION_APPROVE,
                )
            ),
            CASEWORKER,
            NOT_FOUND,
        ),
        Case(
            "VerifyActivity/activity-of-another-client",
            VERIFY,
            lambda c: act.VerifyActivityRequest(
                caseworker_id="cw-1",
                client_id="c-1",
                activity_id=c.baseline.other_activity_id,
                decision=act.VERIFICATION_DECISION_APPROVE,
            ),
            CASEWORKER,
            NOT_FOUND,
        ),
        Case(
            "VerifyActivity/missing-activity-id",
            VERIFY,
            _const(
                act.VerifyActivityRequest(
                    caseworker_id="cw-1", client_id="c-1", decision=act.VERIFICATION_DECISION_APPROVE
                )
            ),
            CASEWORKER,
            INVALID,
            "activity_id",
        ),
        Case(
            "GetCaseload/missing-caseworker-id",
            CASELOAD,
            _const(act.GetCaseloadRequest()),
            CASEWORKER,
            INVALID,
            "caseworker_id",
        ),
        Case(
            "GetCaseload/negative-page-size",
            CASELOAD,
            _const(act.GetCaseloadRequest(caseworker_id="cw-1", page_size=-1)),
            CASEWORKER,
            INVALID,
            "page_size",
        ),
        Case(
            "GetCaseload/garbage-page-token",
            CASELOAD,
            _const(act.GetCaseloadRequest(caseworker_id="cw-1", page_token="xyz")),
            CASEWORKER,
            INVALID,
            "page_token",
        ),
        Case(
            "GetCaseload/tampered-page-token",
            CASELOAD,
            lambda c: act.GetCaseloadRequest(
                caseworker_id="cw-1", page_size=1, page_token=tampered(c.tokens.caseload_cw1)
            ),
            Caller("caseworker", "cw-1", ("c-1", "c-2")),
            INVALID,
            "page_token",
        ),
        Case(
            "GetCaseload/page-token-of-another-caseworker",
            CASELOAD,
            lambda c: act.GetCaseloadRequest(caseworker_id="cw-2", page_size=1, page_token=c.tokens.caseload_cw1),
            Caller("caseworker", "cw-2", ("c-1", "c-2")),
            INVALID,
            "page_token",
        ),
    ]
    return cases


def _privacy_cases() -> list[Case]:
    cases: list[Case] = []
    for service in ("matching", "activities"):
        own_token = (
            (lambda c: c.tokens.processing_log_matching_c1)
            if service == "matching"
            else (lambda c: c.tokens.processing_log_activities_c1)
        )
        cases += [
            Case(
                f"ListProcessingLog@{service}/missing-client-id",
                PROCESSING_LOG,
                _const(prv.ListProcessingLogRequest()),
                CLIENT,
                INVALID,
                "client_id",
                service,
            ),
            Case(
                f"ListProcessingLog@{service}/negative-page-size",
                PROCESSING_LOG,
                _const(prv.ListProcessingLogRequest(client_id="c-1", page_size=-1)),
                CLIENT,
                INVALID,
                "page_size",
                service,
            ),
            Case(
                f"ListProcessingLog@{service}/huge-page-size",
                PROCESSING_LOG,
                _const(prv.ListProcessingLogRequest(client_id="c-1", page_size=2_000_000_000)),
                CLIENT,
                INVALID,
                "page_size",
                service,
            ),
            Case(
                f"ListProcessingLog@{service}/garbage-page-token",
                PROCESSING_LOG,
                _const(prv.ListProcessingLogRequest(client_id="c-1", page_token="@@@")),
                CLIENT,
                INVALID,
                "page_token",
                service,
            ),
            Case(
                f"ListProcessingLog@{service}/negative-offset-token",
                PROCESSING_LOG,
                _const(
                    prv.ListProcessingLogRequest(
                        client_id="c-1", page_token=base64.urlsafe_b64encode(b"c-1\n-5").decode()
                    )
                ),
                CLIENT,
                INVALID,
                "page_token",
                service,
            ),
            Case(
                f"ListProcessingLog@{service}/page-token-of-another-client",
                PROCESSING_LOG,
                (lambda token: lambda c: prv.ListProcessingLogRequest(client_id="c-2", page_token=token(c)))(own_token),
                Caller("client", "c-2"),
                INVALID,
                "page_token",
                service,
            ),
            Case(
                f"ListProcessingLog@{service}/tampered-page-token",
                PROCESSING_LOG,
                (lambda token: lambda c: prv.ListProcessingLogRequest(client_id="c-1", page_token=tampered(token(c))))(
                    own_token
                ),
                CLIENT,
                INVALID,
                "page_token",
                service,
            ),
            Case(
                f"ListProcessingLog@{service}/forged-offset-token",
                PROCESSING_LOG,
                _const(
                    prv.ListProcessingLogRequest(
                        client_id="c-1", page_token=base64.urlsafe_b64encode(b"c-1\n5").decode()
                    )
                ),
                CLIENT,
                INVALID,
                "page_token",
                service,
            ),
            Case(
                f"EraseClientData@{service}/missing-reason",
                ERASE,
                _const(prv.EraseClientDataRequest(client_id="c-1")),
                SERVICE,
                INVALID,
                "reason",
                service,
            ),
            Case(
                f"EraseClientData@{service}/blank-reason",
                ERASE,
                _const(prv.EraseClientDataRequest(client_id="c-1", reason=" \t\n")),
                SERVICE,
                INVALID,
                "reason",
                service,
            ),
            Case(
                f"EraseClientData@{service}/missing-client-id",
                ERASE,
                _const(prv.EraseClientDataRequest(reason="AVG art. 17")),
                SERVICE,
                INVALID,
                "client_id",
                service,
            ),
        ]
    return cases


# A page size above the maximum may be lowered to the maximum (AIP-158) instead of refused;
# an id nobody could have is simply not found.
ALSO_RIGHT: dict[str, tuple[grpc.StatusCode, ...]] = {
    "SearchVacancies/huge-page-size": (OK,),
    "ListActivities/huge-page-size": (OK,),
    "GetFeed/huge-page-size": (OK,),
    **{f"ListProcessingLog@{service}/huge-page-size": (OK,) for service in ("matching", "activities")},
    "GetVacancy/1mb-id": (NOT_FOUND,),
    "GetVacancy/control-chars-id": (NOT_FOUND,),
    "UpdateActivityOutcome/1mb-activity-id": (NOT_FOUND,),
    "RecordFeedback/1mb-vacancy-id": (NOT_FOUND,),
}

_TOO_BIG_ERROR = (
    "the error echoes the whole bad value (or one violation per item): the status details "
    "exceed gRPC's 16 KiB trailer limit and the client gets RESOURCE_EXHAUSTED 'Stream removed' "
    "without field violations (services.common.rpc_errors.to_status does not clip)"
)
_TOKEN_NOT_BOUND = "page token is a bare offset, not bound to the query/caller nor protected against change"
KNOWN_BUGS: dict[str, str] = {}

CASES: list[Case] = [
    replace(case, also=ALSO_RIGHT.get(case.id, ()), bug=KNOWN_BUGS.get(case.id, ""))
    for case in (*_vacancy_cases(), *_matching_cases(), *_activity_cases(), *_privacy_cases())
]
