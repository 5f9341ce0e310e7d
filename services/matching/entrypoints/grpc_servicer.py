"""gRPC MatchingService: map request -> command, call the use case, map the result."""

from __future__ import annotations

import grpc

from jobmatch.matching.v1 import matching_service_pb2 as pb
from jobmatch.matching.v1 import matching_service_pb2_grpc as pb_grpc
from services.common.auth import Principal, current_principal
from services.common.errors import t
from services.common.i18n import localize
from services.common.interceptor import MethodPolicy
from services.common.processing_log import record_processing
from services.matching.entrypoints import mapping as m
from services.matching.service_layer import handlers as h
from services.matching.service_layer.ports import CaseloadProjection

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["MatchingService"].full_name
_ALL = frozenset({"client", "caseworker", "service"})
_CASEWORKER = frozenset({"caseworker", "service"})
ACCESS: dict[str, MethodPolicy] = {
    f"/{SERVICE_NAME}/SetSearchProfile": MethodPolicy(_ALL, "manage-search-profile"),
    f"/{SERVICE_NAME}/GetSearchProfile": MethodPolicy(_ALL, "manage-search-profile"),
    f"/{SERVICE_NAME}/GetFeed": MethodPolicy(_ALL, "tailored-vacancy-feed"),
    f"/{SERVICE_NAME}/RecordFeedback": MethodPolicy(_ALL, "tailored-vacancy-feed"),
    # Touches many clients: the servicer records "reverse-vacancy-matching" per client shown.
    f"/{SERVICE_NAME}/ListMatchingProfiles": MethodPolicy(_CASEWORKER, None),
}

APPLIED_NOTICE = t(
    "Goed gedaan! We zetten deze sollicitatie in uw lijst met activiteiten. Zo telt ze mee voor uw sollicitatieplicht.",
    "Well done! We add this application to your list of activities. "
    "That way it counts towards your duty to apply for jobs.",
)


class MatchingServicer(pb_grpc.MatchingServiceServicer):
    def __init__(
        self,
        handlers: h.MatchingHandlers,
        caseloads: CaseloadProjection | None = None,
        *,
        accept_caseload_claim: bool = True,
    ) -> None:
        self._h = handlers
        self._caseloads = caseloads
        self._accept_claim = accept_caseload_claim

    def _caseload(self, principal: Principal) -> frozenset[str] | None:
        """The clients a caseworker may see: the projected caseload (and the token's claim while
        accepted); None for a service."""
        if principal.role != "caseworker":
            return None
        stored = self._caseloads.clients_of(principal.subject) if self._caseloads is not None else frozenset()
        return stored | (principal.caseload if self._accept_claim else frozenset())

    def SetSearchProfile(
        self, request: pb.SetSearchProfileRequest, context: grpc.ServicerContext
    ) -> pb.SetSearchProfileResponse:
        profile = self._h.set_search_profile(m.profile_input(request))
        return pb.SetSearchProfileResponse(profile=m.profile_pb(profile))

    def GetSearchProfile(
        self, request: pb.GetSearchProfileRequest, context: grpc.ServicerContext
    ) -> pb.GetSearchProfileResponse:
        return pb.GetSearchProfileResponse(profile=m.profile_pb(self._h.get_search_profile(request.client_id)))

    def GetFeed(self, request: pb.GetFeedRequest, context: grpc.ServicerContext) -> pb.GetFeedResponse:
        page = self._h.get_feed(h.GetFeed(request.client_id, request.page_size, request.page_token))
        return m.feed_response(page)

    def RecordFeedback(
        self, request: pb.RecordFeedbackRequest, context: grpc.ServicerContext
    ) -> pb.RecordFeedbackResponse:
        recorded = self._h.record_feedback(h.RecordFeedback(request.client_id, request.vacancy_id, request.kind))
        return pb.RecordFeedbackResponse(
            client_id=request.client_id,
            vacancy_id=request.vacancy_id,
            kind=request.kind,
            recorded_at=m.timestamp(recorded.at),
            activity_logged=recorded.activity_logged,
            notice=localize(APPLIED_NOTICE) if recorded.activity_logged else "",
        )

    def ListMatchingProfiles(
        self, request: pb.ListMatchingProfilesRequest, context: grpc.ServicerContext
    ) -> pb.ListMatchingProfilesResponse:
        caseload = self._caseload(current_principal())
        page = self._h.list_matching_profiles(
            h.ListMatchingProfiles(request.vacancy_id, request.page_size, request.page_token, caseload)
        )
        for match in page.matches:
            record_processing("reverse-vacancy-matching", match.client_id)
        return pb.ListMatchingProfilesResponse(
            matches=[m.profile_match_pb(x) for x in page.matches],
            next_page_token=page.next_page_token,
            total_size=page.total_size,
        )
