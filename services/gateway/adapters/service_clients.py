"""The gateway's only adapter: gRPC clients of the three services.

Every call carries the caller's own bearer token and language, so the services decide access
and wording exactly as for any other caller; the gateway adds no rule of its own. A failed
call comes back as a `ServiceError` holding what the service said (code, Dutch and English
message, field violations), which the entrypoints turn into problem+json or a form message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import grpc

from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.matching.v1 import matching_service_pb2_grpc
from jobmatch.privacy.v1 import privacy_pb2_grpc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.grpc_server import open_channel
from services.common.rpc_errors import field_violations, localized_messages
from services.common.settings import Settings
from services.gateway.domain.calls import Caller, ServiceError
from services.gateway.settings import GatewaySettings

SERVICE_NAMES = ("vacancies", "matching", "activities")
Reply = TypeVar("Reply")


def service_error(error: grpc.RpcError) -> ServiceError:
    """What a failed call said: its code, message, Dutch and English texts and field violations."""
    code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
    details = error.details() if isinstance(error, grpc.Call) else ""
    try:
        localized, violations = localized_messages(error), field_violations(error)
    except (ValueError, AttributeError):  # a status without (valid) rich details: the code says enough
        localized, violations = {}, []
    return ServiceError(code.name, details or "", localized, violations)


def targets(settings: Settings, gateway: GatewaySettings) -> dict[str, str]:
    configured = {
        "vacancies": gateway.vacancies_target,
        "matching": gateway.matching_target,
        "activities": gateway.activities_target,
    }
    return {name: configured[name] or f"localhost:{settings.port_of(name)}" for name in SERVICE_NAMES}


class ServiceClients:
    """One channel per service (HTTP/2, shared by every request), with its stubs."""

    def __init__(self, settings: Settings, gateway: GatewaySettings) -> None:
        self.timeout = gateway.call_timeout_seconds
        self._channels = {name: open_channel(settings, target) for name, target in targets(settings, gateway).items()}
        self.vacancies = vacancy_service_pb2_grpc.VacancyServiceStub(self._channels["vacancies"])
        self.matching = matching_service_pb2_grpc.MatchingServiceStub(self._channels["matching"])
        self.activities = activities_pb2_grpc.ActivityServiceStub(self._channels["activities"])
        self.privacy = {name: privacy_pb2_grpc.PrivacyServiceStub(channel) for name, channel in self._channels.items()}

    def call(self, method: Callable[..., Reply], request: Any, caller: Caller) -> Reply:
        try:
            return method(request, metadata=caller.metadata, timeout=self.timeout)
        except grpc.RpcError as error:
            raise service_error(error) from None

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()
