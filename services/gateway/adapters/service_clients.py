"""The gateway's only adapter: gRPC clients of the three services.

Every call carries the caller's own bearer token and language, so the services decide access
and wording exactly as for any other caller; the gateway adds no rule of its own. A failed
call comes back as a `ServiceError` holding what the service said (code, Dutch and English
message, field violations), which the entrypoints turn into problem+json or a form message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import grpc

from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.matching.v1 import matching_service_pb2_grpc
from jobmatch.privacy.v1 import privacy_pb2_grpc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.grpc_server import open_channel
from services.common.i18n import DEFAULT_LANGUAGE, LOCALES, Language
from services.common.rpc_errors import field_violations, localized_messages
from services.common.settings import Settings
from services.gateway.settings import GatewaySettings

SERVICE_NAMES = ("vacancies", "matching", "activities")
Reply = TypeVar("Reply")


@dataclass(frozen=True)
class Caller:
    """Who is asking (their bearer token, if any) and in which language they read."""

    token: str | None
    language: Language = DEFAULT_LANGUAGE

    @property
    def metadata(self) -> tuple[tuple[str, str], ...]:
        language = (("accept-language", LOCALES[self.language]),)
        return (("authorization", f"Bearer {self.token}"), *language) if self.token else language


@dataclass
class ServiceError(Exception):
    """A call a service refused or could not answer, with what it said."""

    code: grpc.StatusCode
    message: str  # the status message, in the caller's language
    localized: dict[str, str] = field(default_factory=dict)  # "nl-NL" / "en-GB" -> text
    violations: list[tuple[str, str]] = field(default_factory=list)  # (proto field path, description)

    @classmethod
    def from_rpc(cls, error: grpc.RpcError) -> ServiceError:
        code = error.code() if isinstance(error, grpc.Call) else grpc.StatusCode.UNKNOWN
        details = error.details() if isinstance(error, grpc.Call) else ""
        try:
            localized, violations = localized_messages(error), field_violations(error)
        except (ValueError, AttributeError):  # a status without (valid) rich details: the code says enough
            localized, violations = {}, []
        return cls(code, details or "", localized, violations)

    def __str__(self) -> str:
        return f"{self.code.name}: {self.message}"


def targets(settings: Settings, gateway: GatewaySettings) -> dict[str, str]:
    configured = {"vacancies": gateway.vacancies_target, "matching": gateway.matching_target,
                  "activities": gateway.activities_target}
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
            raise ServiceError.from_rpc(error) from None

    def close(self) -> None:
        for channel in self._channels.values():
            channel.close()
