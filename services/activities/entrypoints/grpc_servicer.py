"""gRPC ActivityService: map request -> command, call the use case, map the result."""

from __future__ import annotations

import grpc

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.activities.v1 import activities_pb2_grpc as pb_grpc
from services.activities.domain.model import parse_date
from services.activities.entrypoints import mapping as m
from services.activities.entrypoints.caseload_entries import CaseloadEntries
from services.activities.service_layer import commands as c
from services.activities.service_layer.activity_handlers import ActivityHandlers
from services.activities.service_layer.caseload import CaseloadHandlers
from services.activities.service_layer.feed_applications import FeedApplications, notice
from services.activities.service_layer.obligation_handlers import ObligationHandlers
from services.common.auth import current_principal
from services.common.i18n import localize
from services.common.interceptor import MethodPolicy

SERVICE_NAME = pb.DESCRIPTOR.services_by_name["ActivityService"].full_name
_ALL = frozenset({"client", "caseworker", "service"})
_CASEWORKER = frozenset({"caseworker", "service"})
_SERVICE = frozenset({"service"})
ACCESS: dict[str, MethodPolicy] = {
    f"/{SERVICE_NAME}/LogActivity": MethodPolicy(_ALL, "log-sollicitatie-activity"),
    f"/{SERVICE_NAME}/UpdateActivityOutcome": MethodPolicy(_ALL, "log-sollicitatie-activity"),
    f"/{SERVICE_NAME}/WithdrawActivity": MethodPolicy(_ALL, "log-sollicitatie-activity"),
    f"/{SERVICE_NAME}/ListActivities": MethodPolicy(_ALL, "read-sollicitatie-activities"),
    f"/{SERVICE_NAME}/SetObligationPolicy": MethodPolicy(_CASEWORKER, "set-obligation-policy"),
    f"/{SERVICE_NAME}/GetObligationStatus": MethodPolicy(_ALL, "obligation-status"),
    f"/{SERVICE_NAME}/VerifyActivity": MethodPolicy(_CASEWORKER, "verify-sollicitatie-activity"),
    # One processing-log record per client shown is written by the use case.
    f"/{SERVICE_NAME}/GetCaseload": MethodPolicy(_CASEWORKER, None),
    f"/{SERVICE_NAME}/SetLegalHold": MethodPolicy(_CASEWORKER, "legal-hold"),
    # The caseworker platform only (scope activities:write); a record per client changed.
    f"/{SERVICE_NAME}/AssignClients": MethodPolicy(_SERVICE, None),
    f"/{SERVICE_NAME}/UnassignClients": MethodPolicy(_SERVICE, None),
}


class ActivityServicer(pb_grpc.ActivityServiceServicer):
    def __init__(
        self,
        activities: ActivityHandlers,
        obligations: ObligationHandlers,
        caseloads: CaseloadHandlers | None = None,
        *,
        accept_caseload_claim: bool = True,
    ) -> None:
        self._a = activities
        self._o = obligations
        self._c = caseloads or CaseloadHandlers(obligations.obligations, obligations.clock)
        self._accept_claim = accept_caseload_claim
        self._entries = CaseloadEntries()

    def LogActivity(self, request: pb.LogActivityRequest, context: grpc.ServicerContext) -> pb.LogActivityResponse:
        activity, created = FeedApplications(self._a).log_activity(m.log_command(request))
        counts = activity.activity_id in self._a.counting_ids(activity.client_id, [activity])
        return pb.LogActivityResponse(
            activity=m.activity_pb(activity, counts),
            created=created,
            hint=localize(self._a.hint(activity, counts)),
            notice=localize(notice(activity, counts)),
        )

    def UpdateActivityOutcome(
        self, request: pb.UpdateActivityOutcomeRequest, context: grpc.ServicerContext
    ) -> pb.UpdateActivityOutcomeResponse:
        outcome = m.OUTCOME_FROM_PB.get(request.outcome)
        activity = self._a.update_outcome(c.UpdateActivityOutcome(request.client_id, request.activity_id, outcome))
        return pb.UpdateActivityOutcomeResponse(activity=m.activity_pb(activity))

    def WithdrawActivity(
        self, request: pb.WithdrawActivityRequest, context: grpc.ServicerContext
    ) -> pb.WithdrawActivityResponse:
        activity = self._a.withdraw(c.WithdrawActivity(request.client_id, request.activity_id))
        return pb.WithdrawActivityResponse(activity_id=activity.activity_id)

    def ListActivities(
        self, request: pb.ListActivitiesRequest, context: grpc.ServicerContext
    ) -> pb.ListActivitiesResponse:
        query = c.ListActivities(
            request.client_id,
            parse_date(request.from_date, "from_date", required=False),
            parse_date(request.to_date, "to_date", required=False),
            request.page_size,
            request.page_token,
        )
        page, token = self._a.list_activities(query)
        counting = self._a.counting_ids(request.client_id, page)
        return pb.ListActivitiesResponse(
            activities=[m.activity_pb(a, a.activity_id in counting) for a in page], next_page_token=token
        )

    def SetObligationPolicy(
        self, request: pb.SetObligationPolicyRequest, context: grpc.ServicerContext
    ) -> pb.SetObligationPolicyResponse:
        policy = self._o.set_policy(m.policy_command(request))
        return pb.SetObligationPolicyResponse(policy=m.policy_pb(policy))

    def GetObligationStatus(
        self, request: pb.GetObligationStatusRequest, context: grpc.ServicerContext
    ) -> pb.GetObligationStatusResponse:
        history, policy = self._o.status(c.GetObligationStatus(request.client_id))
        return pb.GetObligationStatusResponse(
            current=m.period_pb(history[-1]),
            previous=[m.period_pb(r) for r in reversed(history[:-1])],
            policy=m.policy_pb(policy),
        )

    def VerifyActivity(
        self, request: pb.VerifyActivityRequest, context: grpc.ServicerContext
    ) -> pb.VerifyActivityResponse:
        approve = {pb.VERIFICATION_DECISION_APPROVE: True, pb.VERIFICATION_DECISION_REJECT: False}.get(request.decision)
        rejection = m.enum_value(request.rejection_reason, m.REJECTION_FROM_PB, "rejection_reason")
        activity = self._a.verify(
            c.VerifyActivity(
                request.caseworker_id, request.client_id, request.activity_id, approve, request.reason, rejection
            )
        )
        return pb.VerifyActivityResponse(activity=m.activity_pb(activity))

    def GetCaseload(self, request: pb.GetCaseloadRequest, context: grpc.ServicerContext) -> pb.GetCaseloadResponse:
        principal = current_principal()
        claim = principal.caseload if principal.role == "caseworker" and self._accept_claim else frozenset()
        rows, token = self._o.caseload(
            c.GetCaseload(request.caseworker_id, request.page_size, request.page_token, also=claim)
        )
        return pb.GetCaseloadResponse(entries=self._entries.entries(rows), next_page_token=token)

    def SetLegalHold(self, request: pb.SetLegalHoldRequest, context: grpc.ServicerContext) -> pb.SetLegalHoldResponse:
        active = self._o.set_legal_hold(
            c.SetLegalHold(request.caseworker_id, request.client_id, m.HOLD_FROM_PB.get(request.kind), request.active)
        )
        return pb.SetLegalHoldResponse(active_holds=[m.HOLD_TO_PB[k] for k in active])

    def AssignClients(
        self, request: pb.AssignClientsRequest, context: grpc.ServicerContext
    ) -> pb.AssignClientsResponse:
        return pb.AssignClientsResponse(assigned_client_ids=self._c.assign(request.caseworker_id, request.client_ids))

    def UnassignClients(
        self, request: pb.UnassignClientsRequest, context: grpc.ServicerContext
    ) -> pb.UnassignClientsResponse:
        return pb.UnassignClientsResponse(
            unassigned_client_ids=self._c.unassign(request.caseworker_id, request.client_ids)
        )
