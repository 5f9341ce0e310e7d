"""gRPC servicer for jobmatch.vacancies.v1.VacancyService: map request -> use case -> response.

No rules here; domain errors raised by the use cases are mapped by the shared interceptor.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import grpc

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.i18n import localize
from services.common.interceptor import MethodPolicy

from ..domain.ingest import ItemResult
from ..domain.search import SearchPage
from ..service_layer import proto_codec as codec
from ..service_layer.ingest import check_ingest_limits
from ..service_layer.search import SearchRequest

if TYPE_CHECKING:
    from ..bootstrap import App

SERVICE_NAME = "jobmatch.vacancies.v1.VacancyService"
_WRITERS = frozenset({"service"})
_EDITORS = frozenset({"service", "caseworker"})
_READERS = frozenset({"client", "caseworker", "service"})
ACCESS: dict[str, MethodPolicy] = {
    f"/{SERVICE_NAME}/IngestVacancies": MethodPolicy(_WRITERS),
    f"/{SERVICE_NAME}/UpsertVacancy": MethodPolicy(_EDITORS),
    f"/{SERVICE_NAME}/WithdrawVacancy": MethodPolicy(_EDITORS),
    f"/{SERVICE_NAME}/GetVacancy": MethodPolicy(_READERS),
    f"/{SERVICE_NAME}/SearchVacancies": MethodPolicy(_READERS),
    f"/{SERVICE_NAME}/ListVacancyChanges": MethodPolicy(_READERS),
}
INGEST_STATUS = {
    "accepted": svc.INGEST_STATUS_ACCEPTED,
    "updated": svc.INGEST_STATUS_UPDATED,
    "unchanged": svc.INGEST_STATUS_UNCHANGED,
    "duplicate": svc.INGEST_STATUS_DUPLICATE,
    "rejected": svc.INGEST_STATUS_REJECTED,
}
_SORT = {
    svc.SEARCH_SORT_RELEVANCE: "relevance",
    svc.SEARCH_SORT_DATE_POSTED: "date_posted",
    svc.SEARCH_SORT_VALID_THROUGH: "valid_through",
}
_CHANGE = {
    "published": svc.CHANGE_TYPE_PUBLISHED,
    "updated": svc.CHANGE_TYPE_UPDATED,
    "removed": svc.CHANGE_TYPE_REMOVED,
}


def ingest_response(batch_id: str, results: Iterable[ItemResult]) -> svc.IngestVacanciesResponse:
    """One result per item, added in place: building each IngestResult apart and copying it
    into the response took twice as long (~6 µs an item instead of ~3)."""
    response = svc.IngestVacanciesResponse(batch_id=batch_id)
    add = response.results.add
    for r in results:
        out = add(
            index=r.index,
            source=r.source,
            external_id=r.external_id,
            status=INGEST_STATUS[r.status],
            vacancy_id=r.vacancy_id,
            duplicate_of=r.duplicate_of,
            expired=r.expired,
        )
        for v in r.violations:
            out.violations.add(field=v.field, description=localize(v.description))
    return response


def _enums(values: Iterable[int], names: Mapping[Any, str]) -> tuple[str, ...]:
    return tuple(codec.enum_to_domain(value, names) for value in values)


def search_request(r: svc.SearchVacanciesRequest) -> SearchRequest:
    return SearchRequest(
        query=r.query,
        esco_uris=tuple(r.occupation_esco_uris),
        isco_prefixes=tuple(r.isco_prefixes),
        near_place=r.near_place,
        latitude=r.latitude if r.HasField("latitude") else None,
        longitude=r.longitude if r.HasField("longitude") else None,
        radius_km=r.radius_km,
        province_codes=tuple(r.province_codes),
        workplace_types=_enums(r.workplace_types, codec.WORKPLACE),
        hours_min=r.hours_min if r.HasField("hours_min") else None,
        hours_max=r.hours_max if r.HasField("hours_max") else None,
        contract_types=_enums(r.contract_types, codec.CONTRACT),
        education_levels=_enums(r.education_levels, codec.EDUCATION),
        driving_licence_required=r.driving_licence_required if r.HasField("driving_licence_required") else None,
        posted_since=r.posted_since,
        sort=codec.enum_to_domain(r.sort, _SORT) or None,
        include_facets=r.include_facets,
        page_size=r.page_size,
        page_token=r.page_token,
    )


def search_response(page: SearchPage, next_token: str) -> svc.SearchVacanciesResponse:
    response = svc.SearchVacanciesResponse(total_count=page.total_count, next_page_token=next_token)
    for hit in page.hits:
        out = response.hits.add(score=hit.score)
        out.vacancy.CopyFrom(codec.vacancy_to_proto(hit.vacancy))
        if hit.distance_km is not None:
            out.distance_km = hit.distance_km
    for name, counts in page.facets.items():
        response.facets.add(
            name=name, values=[svc.FacetValue(value=c.value, label=c.label, count=c.count) for c in counts]
        )
    return response


class VacancyServicer(vacancy_service_pb2_grpc.VacancyServiceServicer):
    def __init__(self, app: App) -> None:
        self._app = app

    def IngestVacancies(
        self, request_iterator: Iterator[svc.IngestVacanciesRequest], context: grpc.ServicerContext
    ) -> Iterator[svc.IngestVacanciesResponse]:
        streamed = 0
        for request in request_iterator:
            streamed += len(request.vacancies)
            check_ingest_limits(len(request.vacancies), streamed)
            results = self._app.ingest([codec.content_from_proto(v) for v in request.vacancies])
            yield ingest_response(request.batch_id, results)

    def UpsertVacancy(
        self, request: svc.UpsertVacancyRequest, context: grpc.ServicerContext
    ) -> svc.UpsertVacancyResponse:
        result = self._app.upsert(codec.content_from_proto(request.vacancy))
        return svc.UpsertVacancyResponse(
            vacancy=codec.vacancy_to_proto(result.vacancy),
            status=INGEST_STATUS[result.status],
            duplicate_of=result.duplicate_of,
        )

    def GetVacancy(self, request: svc.GetVacancyRequest, context: grpc.ServicerContext) -> svc.GetVacancyResponse:
        return svc.GetVacancyResponse(vacancy=codec.vacancy_to_proto(self._app.get(request.vacancy_id)))

    def WithdrawVacancy(
        self, request: svc.WithdrawVacancyRequest, context: grpc.ServicerContext
    ) -> svc.WithdrawVacancyResponse:
        vacancy = self._app.withdraw(request.vacancy_id, request.reason)
        return svc.WithdrawVacancyResponse(vacancy=codec.vacancy_to_proto(vacancy))

    def SearchVacancies(
        self, request: svc.SearchVacanciesRequest, context: grpc.ServicerContext
    ) -> svc.SearchVacanciesResponse:
        page, next_token = self._app.search(search_request(request))
        return search_response(page, next_token)

    def ListVacancyChanges(
        self, request: svc.ListVacancyChangesRequest, context: grpc.ServicerContext
    ) -> svc.ListVacancyChangesResponse:
        page = self._app.changes(request.since_cursor, request.snapshot, request.page_size, request.page_token)
        response = svc.ListVacancyChangesResponse(cursor=page.cursor, next_page_token=page.next_page_token)
        for change in page.changes:
            out = response.changes.add(
                cursor=str(change.sequence), type=_CHANGE[change.change_type], vacancy_id=change.vacancy_id
            )
            out.vacancy.CopyFrom(codec.vacancy_to_proto(change.vacancy))
            out.changed_at.FromDatetime(change.changed_at)
        return response


__all__ = ["ACCESS", "SERVICE_NAME", "VacancyServicer", "pb"]
