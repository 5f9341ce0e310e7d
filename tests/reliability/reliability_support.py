"""Helpers for the reliability tests: the three services in-process, generic RPC calls built
from the proto descriptors, store snapshots and tokens of every kind.

(A unique module name: test folders are not packages.)
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor import MethodDescriptor, ServiceDescriptor
from google.protobuf.message import Message
from grpc_health.v1 import health_pb2, health_pb2_grpc

from jobmatch.activities.v1 import activities_pb2
from jobmatch.matching.v1 import matching_service_pb2
from jobmatch.privacy.v1 import privacy_pb2
from jobmatch.vacancies.v1 import vacancy_service_pb2
from services.common.auth import mint_token
from services.common.rpc_errors import field_violations, localized_messages
from services.common.settings import Settings

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
CALL_TIMEOUT = 30.0

VACANCY_SERVICE = vacancy_service_pb2.DESCRIPTOR.services_by_name["VacancyService"]
MATCHING_SERVICE = matching_service_pb2.DESCRIPTOR.services_by_name["MatchingService"]
ACTIVITY_SERVICE = activities_pb2.DESCRIPTOR.services_by_name["ActivityService"]
PRIVACY_SERVICE = privacy_pb2.DESCRIPTOR.services_by_name["PrivacyService"]

# Which gRPC services each process serves (vacancies keeps no client data: no PrivacyService).
SERVED: dict[str, tuple[ServiceDescriptor, ...]] = {
    "vacancies": (VACANCY_SERVICE,),
    "matching": (MATCHING_SERVICE, PRIVACY_SERVICE),
    "activities": (ACTIVITY_SERVICE, PRIVACY_SERVICE),
}
# The SQLite files that hold each service's data (the processing log is left out on purpose:
# refused calls are logged there, which is the point of it).
DATA_FILES = {
    "vacancies": "vacancies/vacancies.db",
    "matching": "matching/matching.db",
    "activities": "activities/activities.db",
}


class FixedClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Caller:
    """Who makes a call: a role, a subject and (caseworker) a caseload or (service) scopes."""

    role: str
    subject: str
    caseload: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ("*",)


CLIENT = Caller("client", "c-1")
OTHER_CLIENT = Caller("client", "c-2")
CASEWORKER = Caller("caseworker", "cw-1", ("c-1",))
SERVICE = Caller("service", "integration-test")


def message_class(descriptor: Any) -> type[Message]:
    return message_factory.GetMessageClass(descriptor)


def method(service: ServiceDescriptor, name: str) -> MethodDescriptor:
    return service.methods_by_name[name]


def full_name(m: MethodDescriptor) -> str:
    return f"/{m.containing_service.full_name}/{m.name}"


@dataclass
class Outcome:
    """What a call gave back: the code, the field violations and the responses (if OK)."""

    code: grpc.StatusCode
    details: str = ""
    violations: list[tuple[str, str]] = field(default_factory=list)
    responses: list[Message] = field(default_factory=list)
    localized: dict[str, str] = field(default_factory=dict)  # LocalizedMessage details by locale

    def violated_fields(self) -> list[str]:
        return [name for name, _ in self.violations]


@dataclass
class ServiceUnderTest:
    name: str
    server: grpc.Server
    port: int
    app: Any
    channel: grpc.Channel


@dataclass
class Stack:
    settings: Settings
    services: dict[str, ServiceUnderTest]

    def metadata(self, caller: Caller, **claims: Any) -> tuple[tuple[str, str], ...]:
        token = mint_token(
            self.settings,
            subject=caller.subject,
            role=caller.role,
            caseload=caller.caseload,
            scopes=caller.scopes,
            **claims,
        )
        return (("authorization", f"Bearer {token}"),)

    def service_of(self, m: MethodDescriptor) -> str:
        return next(name for name, served in SERVED.items() if m.containing_service in served)

    def call(
        self,
        m: MethodDescriptor,
        request: Message | Sequence[Message],
        caller: Caller | None = None,
        *,
        service: str | None = None,
        metadata: Iterable[tuple[str, str]] | None = None,
        channel: grpc.Channel | None = None,
    ) -> Outcome:
        """Call any RPC from its descriptor; a list of requests for a client stream."""
        channel = channel or self.services[service or self.service_of(m)].channel
        md = tuple(metadata) if metadata is not None else (self.metadata(caller) if caller else ())
        response_class = message_class(m.output_type)
        serialize = _serializer
        deserialize = response_class.FromString
        path = full_name(m)
        try:
            if m.client_streaming:
                requests = list(request) if isinstance(request, Sequence) else [request]
                if m.server_streaming:
                    stub = channel.stream_stream(path, request_serializer=serialize, response_deserializer=deserialize)
                    responses = list(stub(iter(requests), metadata=md, timeout=CALL_TIMEOUT))
                else:
                    stub = channel.stream_unary(path, request_serializer=serialize, response_deserializer=deserialize)
                    responses = [stub(iter(requests), metadata=md, timeout=CALL_TIMEOUT)]
            elif m.server_streaming:
                stub = channel.unary_stream(path, request_serializer=serialize, response_deserializer=deserialize)
                responses = list(stub(request, metadata=md, timeout=CALL_TIMEOUT))
            else:
                stub = channel.unary_unary(path, request_serializer=serialize, response_deserializer=deserialize)
                responses = [stub(request, metadata=md, timeout=CALL_TIMEOUT)]
        except grpc.RpcError as error:
            return Outcome(
                error.code(),
                error.details() or "",
                field_violations(error),  # type: ignore[attr-defined]
                localized=localized_messages(error),
            )
        return Outcome(grpc.StatusCode.OK, responses=responses)

    def healthy(self) -> bool:
        """Every service still answers its health check."""
        for svc in self.services.values():
            stub = health_pb2_grpc.HealthStub(svc.channel)
            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=CALL_TIMEOUT)
            if reply.status != health_pb2.HealthCheckResponse.SERVING:
                return False
        return True

    def snapshot(self, service: str | None = None) -> dict[str, str]:
        """A digest of every table of the service's data file (every service's without one):
        equal digests, unchanged store. A refused call changes nothing elsewhere unless its own
        service announces it, and its announcements are rows of its own file (the outbox)."""
        digests: dict[str, str] = {}
        for name, relative in DATA_FILES.items():
            if service is not None and name != service:
                continue
            path = self.settings.data_dir / relative
            digests.update(table_digests(path, prefix=name))
        return digests


class RawBytes:
    """A request given as bytes on the wire (for what protobuf will not build, e.g. invalid UTF-8)."""

    def __init__(self, data: bytes) -> None:
        self.data = data


def _serializer(request: Message | RawBytes) -> bytes:
    if isinstance(request, RawBytes):
        return request.data
    return request.SerializeToString()


def table_digests(path: Path, *, prefix: str) -> dict[str, str]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        digests = {}
        for table in tables:
            rows = sorted(repr(row) for row in connection.execute(f'SELECT * FROM "{table}"'))
            digests[f"{prefix}.{table}"] = hashlib.sha256("\n".join(rows).encode("utf-8", "surrogatepass")).hexdigest()
        return digests
    finally:
        connection.close()


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


def start_stack(data_dir: Path, broker: str | None, **overrides: Any) -> Stack:
    """The three services in this process on port 0, real SQLite under `data_dir`, a fixed clock.

    Background threads (relay, consumers, sweepers) are not started: these tests look at what
    the RPCs do, and the outbox rows they leave in SQLite are part of the snapshot."""
    from services.activities import bootstrap as activities
    from services.matching import bootstrap as matching
    from services.vacancies import bootstrap as vacancies

    settings = Settings(data_dir=data_dir, kafka_bootstrap_servers=broker, **overrides)
    services: dict[str, ServiceUnderTest] = {}
    try:
        for name, module in (("vacancies", vacancies), ("matching", matching), ("activities", activities)):
            app = module.build_app(settings, clock=FixedClock())
            server, port, app = module.create_server(settings, "127.0.0.1:0", app)
            channel = grpc.insecure_channel(
                f"127.0.0.1:{port}",
                options=[("grpc.max_send_message_length", -1), ("grpc.max_receive_message_length", -1)],
            )
            services[name] = ServiceUnderTest(name, server, port, app, channel)
    except BaseException:
        stop_stack(Stack(settings, services))
        raise
    return Stack(settings, services)


def stop_stack(stack: Stack) -> None:
    for svc in stack.services.values():
        svc.channel.close()
        svc.server.stop(None).wait()
        svc.app.close()


@dataclass(frozen=True)
class Baseline:
    vacancy_ids: tuple[str, ...]
    activity_ids: tuple[str, ...]  # of c-1
    other_activity_id: str  # of c-2

    @property
    def vacancy_id(self) -> str:
        return self.vacancy_ids[0]

    @property
    def activity_id(self) -> str:
        return self.activity_ids[0]


def good_vacancy(external_id: str, **fields: Any) -> Any:
    from jobmatch.vacancies.v1 import vacancy_pb2

    values: dict[str, Any] = dict(
        source="werkbank",
        external_id=external_id,
        title="Softwareontwikkelaar",
        employer="Voorbeeld B.V.",
        description="Wij zoeken een softwareontwikkelaar in Utrecht.",
        occupation=vacancy_pb2.Occupation(esco_uri=SOFTWARE_DEVELOPER),
        location=vacancy_pb2.Location(place_name="Utrecht"),
        hours_min=32,
        hours_max=36,
        date_posted="2026-11-20",
        valid_through="2026-12-31",
    )
    values.update(fields)
    return vacancy_pb2.Vacancy(**values)


def good_log_request(client_id: str, request_id: str) -> activities_pb2.LogActivityRequest:
    return activities_pb2.LogActivityRequest(
        client_id=client_id,
        request_id=request_id,
        type=activities_pb2.ACTIVITY_TYPE_VACANCY_APPLICATION,
        date="2026-11-23",
        employer="Voorbeeld B.V.",
        position="Softwareontwikkelaar",
        channel=activities_pb2.CHANNEL_ONLINE,
    )


def good_profile_request(client_id: str) -> matching_service_pb2.SetSearchProfileRequest:
    return matching_service_pb2.SetSearchProfileRequest(
        client_id=client_id,
        profile=matching_service_pb2.SearchProfile(
            occupations=[matching_service_pb2.OccupationWish(esco_uri=SOFTWARE_DEVELOPER)],
            home_place_name="Utrecht",
            max_travel_km=30,
            hours_min=24,
            hours_max=40,
        ),
    )


def seed_baseline(stack: Stack) -> Baseline:
    """A little real data in every store, so bad calls have something they could damage and
    every list has a second page: two vacancies (also known to matching), profiles and
    policies for c-1 and c-2, two activities of c-1 and one of c-2."""
    from services.matching.domain.model import OpenVacancy

    def ok(outcome: Outcome) -> Any:
        assert outcome.code == grpc.StatusCode.OK, outcome
        return outcome.responses[0]

    vacancy_ids = []
    for external_id, place, lat, lon in (("v-1", "Utrecht", 52.09, 5.12), ("v-2", "Amersfoort", 52.16, 5.39)):
        upserted = ok(
            stack.call(
                method(VACANCY_SERVICE, "UpsertVacancy"),
                vacancy_service_pb2.UpsertVacancyRequest(
                    vacancy=good_vacancy(external_id, location={"place_name": place})
                ),
                SERVICE,
            )
        )
        vacancy_ids.append(upserted.vacancy.vacancy_id)
        stack.services["matching"].app.handlers.vacancy_opened_or_changed(
            OpenVacancy(
                vacancy_id=upserted.vacancy.vacancy_id,
                title="Softwareontwikkelaar",
                employer="Voorbeeld B.V.",
                esco_uri=SOFTWARE_DEVELOPER,
                isco_code="2512",
                place_name=place,
                latitude=lat,
                longitude=lon,
                has_coordinates=True,
                hours_min=32,
                hours_max=36,
                date_posted="2026-11-20",
                received_at=NOW,
            )
        )
    activity_ids: dict[str, list[str]] = {}
    for client, count in ((CLIENT, 2), (OTHER_CLIENT, 1)):
        ok(stack.call(method(MATCHING_SERVICE, "SetSearchProfile"), good_profile_request(client.subject), client))
        ok(
            stack.call(
                method(ACTIVITY_SERVICE, "SetObligationPolicy"),
                activities_pb2.SetObligationPolicyRequest(
                    caseworker_id="cw-1", client_id=client.subject, template="uwv-ww", start_date="2026-11-02"
                ),
                Caller("caseworker", "cw-1", (client.subject,)),
            )
        )
        for number in range(count):
            logged = ok(
                stack.call(
                    method(ACTIVITY_SERVICE, "LogActivity"),
                    good_log_request(client.subject, f"seed-{client.subject}-{number}"),
                    client,
                )
            )
            activity_ids.setdefault(client.subject, []).append(logged.activity.activity_id)
    # The caseworker platform then moves c-2 to another caseworker: cw-1 keeps only c-1.
    ok(
        stack.call(
            method(ACTIVITY_SERVICE, "UnassignClients"),
            activities_pb2.UnassignClientsRequest(caseworker_id="cw-1", client_ids=[OTHER_CLIENT.subject]),
            SERVICE,
        )
    )
    return Baseline(tuple(vacancy_ids), tuple(activity_ids[CLIENT.subject]), activity_ids[OTHER_CLIENT.subject][0])
