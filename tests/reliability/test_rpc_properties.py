"""Property tests: requests generated from the message descriptors of every RPC, sent with a
valid token of an allowed role whose client_id / caseworker_id fits the request. Whatever
the request, the answer is never INTERNAL or UNKNOWN, an INVALID_ARGUMENT names at least one
field, and every service keeps answering."""

from __future__ import annotations

import os
from collections import Counter

import grpc
import pytest
from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from proto_strategies import KNOWN_STRINGS, messages
from reliability_support import CLIENT, SERVED, Baseline, Caller, Stack, changed_tables, full_name

from services.activities.entrypoints.grpc_servicer import ACCESS as ACTIVITY_ACCESS
from services.common.privacy import ACCESS as PRIVACY_ACCESS
from services.matching.entrypoints.grpc_servicer import ACCESS as MATCHING_ACCESS
from services.vacancies.entrypoints.grpc_servicer import ACCESS as VACANCY_ACCESS

ACCESS = {**VACANCY_ACCESS, **MATCHING_ACCESS, **ACTIVITY_ACCESS, **PRIVACY_ACCESS}
# RESOURCE_EXHAUSTED too: no generated request nears the 32 MiB limit and the rate limit is
# off here, so it could only mean an answer too big for gRPC's trailers.
BROKEN = {
    grpc.StatusCode.INTERNAL,
    grpc.StatusCode.UNKNOWN,
    grpc.StatusCode.DATA_LOSS,
    grpc.StatusCode.RESOURCE_EXHAUSTED,
}
MAX_SUBJECT_BYTES = 256
# More (and random instead of fixed) examples for a bug hunt: RELIABILITY_EXAMPLES=1000.
EXAMPLES_PER_RPC = int(os.environ.get("RELIABILITY_EXAMPLES", "100"))
DERANDOMIZE = "RELIABILITY_EXAMPLES" not in os.environ
EXAMPLES: dict = {"calls": 0, "methods": set(), "codes": Counter()}

RPCS: list[tuple[str, MethodDescriptor]] = [
    (process, m) for process, services in SERVED.items() for service in services for m in service.methods
]


def caller_for(request: Message, role: str) -> Caller:
    """A token of `role` that the authorization rule lets through for this request.

    An id too long to be anyone's subject is sent with a service token (which may reach any
    client): a bearer token naming it would itself exceed gRPC's metadata limit."""
    client_id = getattr(request, "client_id", "") if "client_id" in request.DESCRIPTOR.fields_by_name else ""
    caseworker_id = (
        getattr(request, "caseworker_id", "") if "caseworker_id" in request.DESCRIPTOR.fields_by_name else ""
    )
    if len(client_id.encode()) > MAX_SUBJECT_BYTES or len(caseworker_id.encode()) > MAX_SUBJECT_BYTES:
        role = "service"
    if role == "client":
        return Caller("client", client_id or "c-1")
    if role == "caseworker":
        return Caller("caseworker", caseworker_id or "cw-1", (client_id,) if client_id else ())
    return Caller("service", "property-test", scopes=("*",))


@pytest.fixture(scope="module")
def known_strings(baseline: Baseline) -> list[str]:
    return [*KNOWN_STRINGS, *baseline.vacancy_ids, *baseline.activity_ids, baseline.other_activity_id]


class TestGeneratedRequests:
    @pytest.mark.parametrize(
        ("process", "rpc"), RPCS, ids=[f"{p}:{m.containing_service.name}/{m.name}" for p, m in RPCS]
    )
    @settings(
        max_examples=EXAMPLES_PER_RPC,
        deadline=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_never_internal_and_the_service_keeps_answering(
        self, process: str, rpc: MethodDescriptor, stack: Stack, known_strings: list[str], data: st.DataObject
    ) -> None:
        requests = messages(rpc.input_type, known_strings)
        if rpc.client_streaming:
            request: Message | list[Message] = data.draw(st.lists(requests, min_size=1, max_size=3))
            first = request[0]
        else:
            request = first = data.draw(requests)
        role = data.draw(st.sampled_from(sorted(ACCESS[full_name(rpc)].roles)))
        before = stack.snapshot(process)
        outcome = stack.call(rpc, request, caller_for(first, role), service=process)
        if outcome.code != grpc.StatusCode.OK:
            assert changed_tables(before, stack.snapshot(process)) == [], f"refused {full_name(rpc)} changed the store"
        EXAMPLES["calls"] += 1
        EXAMPLES["methods"].add(f"{process}:{full_name(rpc)}")
        EXAMPLES["codes"][outcome.code.name] += 1
        assert outcome.code not in BROKEN, f"{full_name(rpc)} gave {outcome.code.name}: {outcome.details!r}"
        if outcome.code == grpc.StatusCode.INVALID_ARGUMENT:
            assert outcome.violations, (
                f"{full_name(rpc)}: INVALID_ARGUMENT without field violations: {outcome.details!r}"
            )
        assert stack.healthy()


CLIENT_SCOPED: list[tuple[str, MethodDescriptor]] = [
    (process, rpc)
    for process, rpc in RPCS
    if "client_id" in rpc.input_type.fields_by_name and "client" in ACCESS[full_name(rpc)].roles
]


class TestGeneratedRequestsAboutAnotherClient:
    @pytest.mark.parametrize(
        ("process", "rpc"), CLIENT_SCOPED, ids=[f"{p}:{m.containing_service.name}/{m.name}" for p, m in CLIENT_SCOPED]
    )
    @settings(
        max_examples=EXAMPLES_PER_RPC // 4,
        deadline=None,
        derandomize=DERANDOMIZE,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data())
    def test_are_always_denied_and_change_nothing(
        self, process: str, rpc: MethodDescriptor, stack: Stack, known_strings: list[str], data: st.DataObject
    ) -> None:
        request = data.draw(messages(rpc.input_type, known_strings))
        request.client_id = data.draw(st.sampled_from(["c-2", "C-1", "c-1 ", "c-10", "*"]))
        before = stack.snapshot(process)
        outcome = stack.call(rpc, request, CLIENT, service=process)
        EXAMPLES["calls"] += 1
        EXAMPLES["codes"][outcome.code.name] += 1
        assert outcome.code == grpc.StatusCode.PERMISSION_DENIED, outcome
        assert changed_tables(before, stack.snapshot(process)) == []
