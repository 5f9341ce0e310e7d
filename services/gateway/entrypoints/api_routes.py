"""`/api/v1` routes: each forwards to one RPC with the caller's token and language.

Resource names after the API Design Rules: plural nouns, kebab-case, no trailing slash; JSON
bodies are the services' messages in the protobuf JSON mapping (camelCase); ids in the path
win over the body. Paged lists take `pageSize` and `pageToken` and link the next page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.privacy.v1 import privacy_pb2 as ppb
from jobmatch.vacancies.v1 import vacancy_pb2 as vpb
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vspb
from services.gateway.domain.calls import Caller, Services
from services.gateway.entrypoints.api_support import answer, caller, clients, parse_body, request_body, responses

router = APIRouter()
Who = Annotated[Caller, Depends(caller)]
Clients = Annotated[Services, Depends(clients)]
PageSize = Annotated[int, Query(alias="pageSize", ge=0, le=1000, description="0: the service's default")]
PageToken = Annotated[str, Query(alias="pageToken", max_length=2000, description="`_links.next` of the previous page")]
AnyBody = Annotated[Any, Body()]
_CLIENT = frozenset({"client_id"})


@router.get(
    "/vacancies",
    tags=["vacancies"],
    summary="Search open vacancies",
    responses=responses(vspb.SearchVacanciesResponse()),
)
def search_vacancies(
    request: Request,
    who: Who,
    services: Clients,
    q: Annotated[str, Query(max_length=500, description='words, "phrases", -excluded')] = "",
    near: Annotated[str, Query(max_length=100, description="a Dutch place")] = "",
    radius_km: Annotated[float, Query(alias="radiusKm", ge=0, le=500)] = 0,
    isco: Annotated[list[str] | None, Query(description="ISCO-08 prefixes")] = None,
    posted_since: Annotated[str, Query(alias="postedSince", description="YYYY-MM-DD")] = "",
    page_size: PageSize = 0,
    page_token: PageToken = "",
) -> JSONResponse:
    reply = services.call(
        services.vacancies.SearchVacancies,
        vspb.SearchVacanciesRequest(
            query=q,
            near_place=near,
            radius_km=radius_km,
            isco_prefixes=isco or [],
            posted_since=posted_since,
            page_size=page_size,
            page_token=page_token,
        ),
        who,
    )
    return answer(reply, request, next_page_token=reply.next_page_token)


@router.get("/vacancies/{vacancyId}", tags=["vacancies"], summary="One vacancy", responses=responses(vpb.Vacancy()))
def get_vacancy(vacancyId: str, request: Request, who: Who, services: Clients) -> JSONResponse:
    reply = services.call(services.vacancies.GetVacancy, vspb.GetVacancyRequest(vacancy_id=vacancyId), who)
    return answer(reply.vacancy, request)


@router.get(
    "/clients/{clientId}/search-profile",
    tags=["search profile"],
    summary="The client's search profile",
    responses=responses(mpb.SearchProfile()),
)
def get_search_profile(clientId: str, request: Request, who: Who, services: Clients) -> JSONResponse:
    reply = services.call(services.matching.GetSearchProfile, mpb.GetSearchProfileRequest(client_id=clientId), who)
    return answer(reply.profile, request)


@router.put(
    "/clients/{clientId}/search-profile",
    tags=["search profile"],
    summary="Create or replace the search profile",
    responses=responses(mpb.SearchProfile()),
    openapi_extra=request_body(mpb.SearchProfile(), _CLIENT, "the whole profile (output-only fields are ignored)"),
)
def put_search_profile(clientId: str, body: AnyBody, request: Request, who: Who, services: Clients) -> JSONResponse:
    profile = parse_body(body, mpb.SearchProfile())
    reply = services.call(
        services.matching.SetSearchProfile, mpb.SetSearchProfileRequest(client_id=clientId, profile=profile), who
    )
    return answer(reply.profile, request)


@router.get(
    "/clients/{clientId}/feed",
    tags=["feed"],
    summary="Tailored feed with a plain-language explanation per vacancy",
    responses=responses(mpb.GetFeedResponse()),
)
def get_feed(
    clientId: str, request: Request, who: Who, services: Clients, page_size: PageSize = 0, page_token: PageToken = ""
) -> JSONResponse:
    reply = services.call(
        services.matching.GetFeed,
        mpb.GetFeedRequest(client_id=clientId, page_size=page_size, page_token=page_token),
        who,
    )
    return answer(reply, request, next_page_token=reply.next_page_token)


@router.post(
    "/clients/{clientId}/feed/{vacancyId}/feedback",
    tags=["feed"],
    summary="Save, dismiss or 'I applied' (APPLIED logs the sollicitatie activity)",
    responses=responses(mpb.RecordFeedbackResponse()),
    openapi_extra=request_body(mpb.RecordFeedbackRequest(), frozenset({"client_id", "vacancy_id"}), "kind"),
)
def record_feedback(
    clientId: str, vacancyId: str, body: AnyBody, request: Request, who: Who, services: Clients
) -> JSONResponse:
    feedback = parse_body(body, mpb.RecordFeedbackRequest())
    feedback.client_id, feedback.vacancy_id = clientId, vacancyId
    return answer(services.call(services.matching.RecordFeedback, feedback, who), request)


@router.get(
    "/clients/{clientId}/activities",
    tags=["activities"],
    summary="The client's activities, newest first",
    responses=responses(apb.ListActivitiesResponse()),
)
def list_activities(
    clientId: str,
    request: Request,
    who: Who,
    services: Clients,
    from_date: Annotated[str, Query(alias="fromDate", description="YYYY-MM-DD")] = "",
    to_date: Annotated[str, Query(alias="toDate", description="YYYY-MM-DD")] = "",
    page_size: PageSize = 0,
    page_token: PageToken = "",
) -> JSONResponse:
    reply = services.call(
        services.activities.ListActivities,
        apb.ListActivitiesRequest(
            client_id=clientId, from_date=from_date, to_date=to_date, page_size=page_size, page_token=page_token
        ),
        who,
    )
    return answer(reply, request, next_page_token=reply.next_page_token)


@router.post(
    "/clients/{clientId}/activities",
    tags=["activities"],
    summary="Log a sollicitatie activity (idempotent on requestId)",
    responses=responses(apb.LogActivityResponse(), status=201, description="Logged (200: logged before)"),
    status_code=201,
    openapi_extra=request_body(apb.LogActivityRequest(), _CLIENT, "the activity"),
)
def log_activity(clientId: str, body: AnyBody, request: Request, who: Who, services: Clients) -> JSONResponse:
    logged = parse_body(body, apb.LogActivityRequest())
    logged.client_id = clientId
    reply = services.call(services.activities.LogActivity, logged, who)
    location = f"{request.url.path}/{reply.activity.activity_id}"
    return answer(reply, request, status_code=201 if reply.created else 200, headers={"Location": location})


@router.patch(
    "/clients/{clientId}/activities/{activityId}",
    tags=["activities"],
    summary="Update the outcome",
    responses=responses(apb.Activity()),
    openapi_extra=request_body(
        apb.UpdateActivityOutcomeRequest(), frozenset({"client_id", "activity_id"}), "the new outcome"
    ),
)
def update_outcome(
    clientId: str, activityId: str, body: AnyBody, request: Request, who: Who, services: Clients
) -> JSONResponse:
    update = parse_body(body, apb.UpdateActivityOutcomeRequest())
    update.client_id, update.activity_id = clientId, activityId
    return answer(services.call(services.activities.UpdateActivityOutcome, update, who).activity, request)


@router.delete(
    "/clients/{clientId}/activities/{activityId}",
    tags=["activities"],
    status_code=204,
    summary="Withdraw an activity logged by mistake (within the grace period)",
    responses=responses(None),
)
def withdraw_activity(clientId: str, activityId: str, who: Who, services: Clients) -> Response:
    services.call(
        services.activities.WithdrawActivity,
        apb.WithdrawActivityRequest(client_id=clientId, activity_id=activityId),
        who,
    )
    return Response(status_code=204)


@router.get(
    "/clients/{clientId}/obligation-status",
    tags=["obligation"],
    summary="Obligation status of the period",
    responses=responses(apb.GetObligationStatusResponse()),
)
def obligation_status(clientId: str, request: Request, who: Who, services: Clients) -> JSONResponse:
    reply = services.call(
        services.activities.GetObligationStatus, apb.GetObligationStatusRequest(client_id=clientId), who
    )
    return answer(reply, request)


@router.get(
    "/caseworkers/{caseworkerId}/caseload",
    tags=["caseload"],
    summary="The caseworker's clients, at risk first",
    responses=responses(apb.GetCaseloadResponse()),
)
def caseload(
    caseworkerId: str,
    request: Request,
    who: Who,
    services: Clients,
    page_size: PageSize = 0,
    page_token: PageToken = "",
) -> JSONResponse:
    reply = services.call(
        services.activities.GetCaseload,
        apb.GetCaseloadRequest(caseworker_id=caseworkerId, page_size=page_size, page_token=page_token),
        who,
    )
    return answer(reply, request, next_page_token=reply.next_page_token)


@router.get(
    "/clients/{clientId}/processing-log",
    tags=["privacy"],
    summary="Processing log of the client from every service (subject access request), oldest first",
    responses=responses(ppb.ListProcessingLogResponse()),
)
def processing_log(clientId: str, request: Request, who: Who, services: Clients) -> JSONResponse:
    gathered = ppb.ListProcessingLogResponse()
    for stub in services.privacy.values():
        token = ""
        while True:  # every page: an access request is answered whole
            reply = services.call(
                stub.ListProcessingLog,
                ppb.ListProcessingLogRequest(client_id=clientId, page_size=1000, page_token=token),
                who,
            )
            gathered.records.extend(reply.records)
            token = reply.next_page_token
            if not token:
                break
    ordered = sorted(gathered.records, key=lambda r: (r.start_time.seconds, r.start_time.nanos, r.service))
    del gathered.records[:]
    gathered.records.extend(ordered)
    return answer(gathered, request)
