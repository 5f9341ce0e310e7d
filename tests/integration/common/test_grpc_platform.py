"""The shared server platform, through a real gRPC server on a loopback port: health,
reflection, authentication, the client_id rule, the processing log and error mapping."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from jobmatch.privacy.v1 import privacy_pb2, privacy_pb2_grpc
from services.common.auth import mint_token
from services.common.errors import FieldViolation, InvalidArgument, t
from services.common.grpc_server import MethodPolicy, create_grpc_server, shutdown
from services.common.page_tokens import PageTokens
from services.common.privacy import ErasureReport, PrivacyServicer
from services.common.processing_log import SqliteProcessingLog, record_processing
from services.common.rpc_errors import field_violations
from services.common.settings import Settings

SERVICE = "jobmatch.probe.v1.ProbeService"


class RecordingEraser:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def erase_client_data(self, client_id: str, reason: str) -> ErasureReport:
        self.calls.append((client_id, reason))
        return ErasureReport(
            erased={"search_profile": 1}, retained={"activity": 3}, retained_reason="wettelijke bewaartermijn"
        )


def _probe_messages() -> tuple[type, type]:
    """A request type with a client_id field, built at run time (not part of the contract)."""
    file = descriptor_pb2.FileDescriptorProto(name="probe_test.proto", package="jobmatch.probe.v1", syntax="proto3")
    request = file.message_type.add(name="GetThingRequest")
    request.field.add(name="client_id", number=1, type=9, label=1)
    request.field.add(name="amount", number=2, type=5, label=1)
    reply = file.message_type.add(name="GetThingResponse")
    reply.field.add(name="text", number=1, type=9, label=1)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName("jobmatch.probe.v1.GetThingRequest")),
        message_factory.GetMessageClass(pool.FindMessageTypeByName("jobmatch.probe.v1.GetThingResponse")),
    )


Request, Response = _probe_messages()


def get_thing(request, context):  # grpc handler signature
    if request.amount < 0:
        raise InvalidArgument(
            [FieldViolation("amount", t("Het bedrag mag niet negatief zijn.", "Amount must not be negative."))]
        )
    if request.amount == 13:
        raise RuntimeError("boom with secret detail")
    if request.amount == 7:
        record_processing("caseload-overview", "c-other")
    return Response(text=f"thing of {request.client_id}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, Settings, SqliteProcessingLog]]:
    settings = Settings(data_dir=tmp_path)
    plog = SqliteProcessingLog(tmp_path / "plog.sqlite")

    def register(srv: grpc.Server) -> None:
        handler = grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "GetThing": grpc.unary_unary_rpc_method_handler(
                    get_thing, Request.FromString, Response.SerializeToString
                )
            },
        )
        srv.add_generic_rpc_handlers((handler,))

    srv, port = create_grpc_server(
        "127.0.0.1:0",
        settings=settings,
        service_names=[SERVICE],
        register=register,
        access={f"/{SERVICE}/GetThing": MethodPolicy(frozenset({"client", "caseworker"}), "tailored-vacancy-feed")},
        processing_log=plog,
        privacy=PrivacyServicer(
            plog, RecordingEraser(), PageTokens.derived(settings.token_secret.get_secret_value(), "list")
        ),
    )
    yield f"127.0.0.1:{port}", settings, plog
    shutdown(srv, 0)


def _call(address: str, request, metadata=()):
    with grpc.insecure_channel(address) as channel:
        stub = channel.unary_unary(f"/{SERVICE}/GetThing", Request.SerializeToString, Response.FromString)
        return stub(request, metadata=metadata, timeout=5)


def _bearer(settings: Settings, role: str, subject: str, **kw) -> tuple[tuple[str, str], ...]:
    return (("authorization", "Bearer " + mint_token(settings, subject=subject, role=role, **kw)),)


class TestHealthAndReflection:
    def test_health_check_answers_serving(self, server) -> None:
        address, _, _ = server
        with grpc.insecure_channel(address) as channel:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=5)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING

    def test_reflection_lists_the_service_and_health(self, server) -> None:
        address, _, _ = server
        with grpc.insecure_channel(address) as channel:
            stub = reflection_pb2_grpc.ServerReflectionStub(channel)
            replies = stub.ServerReflectionInfo(
                iter([reflection_pb2.ServerReflectionRequest(list_services="")]), timeout=5
            )
            names = {s.name for reply in replies for s in reply.list_services_response.service}
        assert {SERVICE, "grpc.health.v1.Health"} <= names


class TestAuthentication:
    def test_call_without_token_is_unauthenticated(self, server) -> None:
        address, _, _ = server
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-1"))
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "Authorization" in info.value.details()

    def test_token_signed_with_another_secret_is_refused(self, server) -> None:
        address, _, _ = server
        forged = Settings(token_secret=secrets.token_urlsafe(48))
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-1"), _bearer(forged, "client", "c-1"))
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED

    def test_expired_token_is_refused(self, server) -> None:
        address, settings, _ = server
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-1"), _bearer(settings, "client", "c-1", ttl_seconds=-120))
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert "verlopen" in info.value.details()

    def test_role_not_allowed_for_the_method_is_denied(self, server) -> None:
        address, settings, _ = server
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-1"), _bearer(settings, "service", "svc"))
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED


class TestClientRule:
    def test_client_reads_own_data_and_it_is_logged(self, server) -> None:
        address, settings, plog = server
        reply = _call(address, Request(client_id="c-1"), _bearer(settings, "client", "c-1"))
        assert reply.text == "thing of c-1"
        [record] = plog.list_for_subject("c-1")
        assert record.status == "ok"
        assert record.actor == "client:c-1"
        assert record.processing_activity_id.endswith("tailored-vacancy-feed")
        assert len(record.trace_id) == 32 and len(record.span_id) == 16

    def test_client_reading_another_client_is_denied_and_the_attempt_logged(self, server) -> None:
        address, settings, plog = server
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-2"), _bearer(settings, "client", "c-1"))
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
        [record] = plog.list_for_subject("c-2")
        assert (record.status, record.actor) == ("denied", "client:c-1")

    def test_caseworker_reaches_only_their_caseload(self, server) -> None:
        address, settings, _ = server
        metadata = _bearer(settings, "caseworker", "cw-1", caseload=["c-1"])
        assert _call(address, Request(client_id="c-1"), metadata).text == "thing of c-1"
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-9"), metadata)
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED

    def test_trace_id_is_taken_from_traceparent(self, server) -> None:
        address, settings, plog = server
        trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        metadata = (*_bearer(settings, "client", "c-1"), ("traceparent", f"00-{trace}-00f067aa0ba902b7-01"))
        _call(address, Request(client_id="c-1"), metadata)
        assert plog.list_for_subject("c-1")[0].trace_id == trace

    def test_app_layer_records_extra_subjects_in_the_same_trace(self, server) -> None:
        address, settings, plog = server
        _call(address, Request(client_id="c-1", amount=7), _bearer(settings, "client", "c-1"))
        [extra] = plog.list_for_subject("c-other")
        assert extra.trace_id == plog.list_for_subject("c-1")[0].trace_id


class TestErrorMapping:
    def test_domain_validation_becomes_invalid_argument_with_field_violations(self, server) -> None:
        address, settings, _ = server
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-1", amount=-1), _bearer(settings, "client", "c-1"))
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        [(field, description)] = field_violations(info.value)
        assert field == "amount" and "negatief" in description  # Dutch unless asked otherwise
        with pytest.raises(grpc.RpcError) as asked_english:
            _call(
                address,
                Request(client_id="c-1", amount=-1),
                (*_bearer(settings, "client", "c-1"), ("accept-language", "en-GB")),
            )
        [(field, description)] = field_violations(asked_english.value)
        assert field == "amount" and "negative" in description and "negatief" not in description

    def test_missing_client_id_is_a_field_violation(self, server) -> None:
        address, settings, _ = server
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(), _bearer(settings, "client", "c-1"))
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field_violations(info.value)[0][0] == "client_id"

    def test_unexpected_error_is_internal_without_leaking_details(self, server) -> None:
        address, settings, plog = server
        with pytest.raises(grpc.RpcError) as info:
            _call(address, Request(client_id="c-1", amount=13), _bearer(settings, "client", "c-1"))
        assert info.value.code() == grpc.StatusCode.INTERNAL
        assert "secret" not in info.value.details()
        assert plog.list_for_subject("c-1")[0].status == "error"


class TestPrivacyService:
    def test_client_reads_own_processing_log_page_by_page(self, server) -> None:
        address, settings, _ = server
        metadata = _bearer(settings, "client", "c-1")
        for _ in range(3):
            _call(address, Request(client_id="c-1"), metadata)
        with grpc.insecure_channel(address) as channel:
            stub = privacy_pb2_grpc.PrivacyServiceStub(channel)
            first = stub.ListProcessingLog(
                privacy_pb2.ListProcessingLogRequest(client_id="c-1", page_size=2), metadata=metadata, timeout=5
            )
            second = stub.ListProcessingLog(
                privacy_pb2.ListProcessingLogRequest(client_id="c-1", page_size=2, page_token=first.next_page_token),
                metadata=metadata,
                timeout=5,
            )
        names = [r.name for r in first.records] + [r.name for r in second.records]
        # Reading the log is itself processing, so the first read shows up on the second page.
        assert names == ["GetThing", "GetThing", "GetThing", "ListProcessingLog"]
        assert first.records[0].processing_activity_name_nl == "Vacatures op maat tonen"
        assert second.next_page_token == ""

    def test_page_token_of_another_client_is_refused(self, server) -> None:
        address, settings, _ = server
        with grpc.insecure_channel(address) as channel:
            stub = privacy_pb2_grpc.PrivacyServiceStub(channel)
            metadata = _bearer(settings, "service", "privacy-desk")
            for _ in range(2):
                _call(address, Request(client_id="c-2"), _bearer(settings, "client", "c-2"))
            page = stub.ListProcessingLog(
                privacy_pb2.ListProcessingLogRequest(client_id="c-2", page_size=1), metadata=metadata, timeout=5
            )
            with pytest.raises(grpc.RpcError) as info:
                stub.ListProcessingLog(
                    privacy_pb2.ListProcessingLogRequest(client_id="c-1", page_token=page.next_page_token),
                    metadata=metadata,
                    timeout=5,
                )
        assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field_violations(info.value)[0][0] == "page_token"

    def test_client_cannot_erase_data_but_the_privacy_desk_can(self, server) -> None:
        address, settings, plog = server
        request = privacy_pb2.EraseClientDataRequest(client_id="c-1", reason="verzoek van klant")
        with grpc.insecure_channel(address) as channel:
            stub = privacy_pb2_grpc.PrivacyServiceStub(channel)
            with pytest.raises(grpc.RpcError) as info:
                stub.EraseClientData(request, metadata=_bearer(settings, "client", "c-1"), timeout=5)
            assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
            reply = stub.EraseClientData(request, metadata=_bearer(settings, "service", "privacy-desk"), timeout=5)
        assert [(e.kind, e.count) for e in reply.erased] == [("search_profile", 1)]
        assert [(e.kind, e.count) for e in reply.retained] == [("activity", 3)]
        assert plog.list_for_subject("c-1")[-1].processing_activity_id.endswith("erase-client-data")


class TestWriteRateLimit:
    def test_a_client_sending_too_many_writes_gets_resource_exhausted(self, tmp_path: Path) -> None:
        settings = Settings(data_dir=tmp_path, write_rate_per_minute=1, write_burst=2)
        plog = SqliteProcessingLog(tmp_path / "plog.sqlite")

        def register(srv: grpc.Server) -> None:
            handlers = {
                name: grpc.unary_unary_rpc_method_handler(get_thing, Request.FromString, Response.SerializeToString)
                for name in ("UpdateThing", "GetThing")
            }
            srv.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))

        roles = MethodPolicy(frozenset({"client", "service"}))
        srv, port = create_grpc_server(
            "127.0.0.1:0",
            settings=settings,
            service_names=[SERVICE],
            register=register,
            access={f"/{SERVICE}/UpdateThing": roles, f"/{SERVICE}/GetThing": roles},
            processing_log=plog,
        )

        def outcome(method: str, role: str) -> grpc.StatusCode:
            stub = channel.unary_unary(f"/{SERVICE}/{method}", Request.SerializeToString, Response.FromString)
            try:
                stub(Request(client_id="c-1"), metadata=_bearer(settings, role, "c-1"), timeout=5)
            except grpc.RpcError as error:
                return error.code()
            return grpc.StatusCode.OK

        try:
            with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                writes = [outcome("UpdateThing", "client") for _ in range(3)]
                reads = [outcome("GetThing", "client") for _ in range(3)]
                service_writes = [outcome("UpdateThing", "service") for _ in range(3)]
        finally:
            shutdown(srv, 0)
        assert writes == [grpc.StatusCode.OK, grpc.StatusCode.OK, grpc.StatusCode.RESOURCE_EXHAUSTED]
        assert reads == [grpc.StatusCode.OK] * 3
        assert service_writes == [grpc.StatusCode.OK] * 3


class TestServiceScopes:
    def test_service_token_without_the_needed_scope_is_denied(self, server) -> None:
        address, settings, _ = server
        request = privacy_pb2.EraseClientDataRequest(client_id="c-1", reason="verzoek")
        reader = _bearer(settings, "service", "auditor", scopes=["privacy:read"])
        with grpc.insecure_channel(address) as channel:
            stub = privacy_pb2_grpc.PrivacyServiceStub(channel)
            stub.ListProcessingLog(privacy_pb2.ListProcessingLogRequest(client_id="c-1"), metadata=reader, timeout=5)
            with pytest.raises(grpc.RpcError) as info:
                stub.EraseClientData(request, metadata=reader, timeout=5)
        assert info.value.code() == grpc.StatusCode.PERMISSION_DENIED
        assert "privacy:write" in info.value.details()
