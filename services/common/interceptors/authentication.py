"""Who is calling, and may that role (and, for a system, that scope) use the method."""

from __future__ import annotations

from services.common import auth
from services.common import errors as e
from services.common.interceptors.call import MethodPolicy, RpcCall
from services.common.rate_limit import is_write
from services.common.settings import Settings


def required_scope(method: str) -> str:
    """Scope a service token needs: "/jobmatch.vacancies.v1.VacancyService/IngestVacancies"
    needs "vacancies:write", a Get/List/Search method "<package>:read"."""
    package = method.lstrip("/").split(".")
    area = package[1] if len(package) > 2 else package[0]
    return f"{area}:{'write' if is_write(method) else 'read'}"


def authenticate(settings: Settings, call: RpcCall, policy: MethodPolicy | None) -> auth.Principal:
    """The principal of the call's token (raises Unauthenticated), set on `call`; refused
    (PermissionDenied) when its role or scope does not fit the method."""
    principal = auth.principal_from_metadata(settings, call.metadata)
    call.principal = principal
    if policy is None or principal.role not in policy.roles:
        raise e.PermissionDenied(
            e.t(
                "Met uw rol mag u deze functie niet gebruiken.",
                "Your role may not use this function.",
            )
        )
    if principal.role == "service" and not principal.has_scope(required_scope(call.method)):
        raise e.PermissionDenied(
            e.t(
                f"Dit systeem mag deze functie niet gebruiken (nodig: {required_scope(call.method)}).",
                f"This system may not use this function (needs scope {required_scope(call.method)}).",
            )
        )
    return principal
