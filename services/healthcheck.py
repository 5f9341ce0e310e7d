"""`python -m services.healthcheck [PORT SERVICE]`: exit 0 when the gRPC health check says SERVING.

Used by the container HEALTHCHECK. Without arguments it reads `JOBMATCH_SERVICE`
(vacancies|matching|activities) and takes that service's port from Settings. TLS is used
when the settings configure it (same channel as the service clients).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

SERVICE_NAMES = {
    "vacancies": "jobmatch.vacancies.v1.VacancyService",
    "matching": "jobmatch.matching.v1.MatchingService",
    "activities": "jobmatch.activities.v1.ActivityService",
}
TIMEOUT_SECONDS = 3.0


def target(argv: Sequence[str]) -> tuple[int, str]:
    """(port, full gRPC service name) from the arguments or the environment."""
    from services.common.settings import Settings

    if len(argv) == 2:
        port, service = int(argv[0]), argv[1]
        return port, SERVICE_NAMES.get(service, service)
    if argv:
        raise SystemExit("usage: python -m services.healthcheck [PORT SERVICE]")
    short = os.environ.get("JOBMATCH_SERVICE", "")
    if short not in SERVICE_NAMES:
        raise SystemExit("set JOBMATCH_SERVICE to vacancies, matching or activities, or pass PORT SERVICE")
    return Settings().port_of(short), SERVICE_NAMES[short]


def check(port: int, service: str, host: str = "127.0.0.1") -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from services.common.grpc_server import open_channel
    from services.common.settings import Settings

    with open_channel(Settings(), f"{host}:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=TIMEOUT_SECONDS
            )
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def main(argv: Sequence[str] | None = None) -> int:
    port, service = target(list(sys.argv[1:] if argv is None else argv))
    return 0 if check(port, service) else 1


if __name__ == "__main__":
    sys.exit(main())
