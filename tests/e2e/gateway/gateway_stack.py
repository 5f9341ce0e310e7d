"""`jobmatch up` with the gateway, on a Tansu broker of its own (see conftest.py), and the data the gateway
tests read: demo client c-demo-001 with a search profile (cook near Utrecht), an obligation
policy (uwv-ww, from two weeks ago) and three cook vacancies in Utrecht in its feed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import grpc

from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc
from jobmatch.vacancies.v1 import vacancy_pb2, vacancy_service_pb2_grpc
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vspb
from services.common.auth import mint_token
from services.common.ports import free_loopback_port as free_port
from services.common.reference import occupations, places
from services.common.settings import Settings

CLIENT = "c-demo-001"
OTHER_CLIENT = "c-demo-002"
CASEWORKER = "cw-demo"
EMPLOYERS = ("Restaurant De Gouden Lepel", "Eetcafé Het Hoekje", "Hotel Domzicht")


def wait_for(predicate: Callable[[], Any], timeout: float = 60.0, every: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(every)
    return None


@dataclass
class GatewayStack:
    base_url: str
    ports: dict[str, int]
    broker: str
    settings: Settings
    vacancy_ids: list[str] = field(default_factory=list)

    def token(self, role: str = "client", subject: str = CLIENT, **extra: Any) -> str:
        return mint_token(self.settings, subject=subject, role=role, **extra)

    def metadata(self, role: str = "client", subject: str = CLIENT, **extra: Any) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {self.token(role, subject, **extra)}"),)

    def channel(self, service: str) -> grpc.Channel:
        return grpc.insecure_channel(f"127.0.0.1:{self.ports[service]}")

    def obligation_status(self, client: str = CLIENT) -> apb.GetObligationStatusResponse:
        with self.channel("activities") as channel:
            return activities_pb2_grpc.ActivityServiceStub(channel).GetObligationStatus(
                apb.GetObligationStatusRequest(client_id=client), metadata=self.metadata(subject=client), timeout=30
            )

    def activities(self, client: str = CLIENT) -> list[apb.Activity]:
        with self.channel("activities") as channel:
            return list(
                activities_pb2_grpc.ActivityServiceStub(channel)
                .ListActivities(
                    apb.ListActivitiesRequest(client_id=client, page_size=100),
                    metadata=self.metadata(subject=client),
                    timeout=30,
                )
                .activities
            )


def cook_vacancy(n: int) -> vacancy_pb2.Vacancy:
    cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
    utrecht = places.lookup("Utrecht")
    return vacancy_pb2.Vacancy(
        source="gateway-test",
        external_id=f"kok-{n}-{uuid.uuid4().hex[:6]}",
        title=f"Kok ({n})",
        description="Wij zoeken een kok voor onze keuken.",
        employer=EMPLOYERS[n],
        occupation=vacancy_pb2.Occupation(esco_uri=cook.uri, isco_code=cook.isco_code, label=cook.label_nl),
        location=vacancy_pb2.Location(
            place_name=utrecht.name,
            latitude=utrecht.latitude,
            longitude=utrecht.longitude,
            has_coordinates=True,
            country_code="NL",
            province_code="09",
        ),
        hours_min=32,
        hours_max=38,
        languages=["nl"],
        date_posted=date.today().isoformat(),
        application_url=f"https://vacatures.example.nl/kok-{n}",
    )


def seed(stack: GatewayStack) -> None:
    cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
    with stack.channel("activities") as channel:
        activities_pb2_grpc.ActivityServiceStub(channel).SetObligationPolicy(
            apb.SetObligationPolicyRequest(
                caseworker_id=CASEWORKER,
                client_id=CLIENT,
                template="uwv-ww",
                start_date=(date.today() - timedelta(days=14)).isoformat(),
            ),
            metadata=stack.metadata("caseworker", CASEWORKER, caseload=[CLIENT]),
            timeout=30,
        )
    with stack.channel("matching") as channel:
        matching_service_pb2_grpc.MatchingServiceStub(channel).SetSearchProfile(
            mpb.SetSearchProfileRequest(
                client_id=CLIENT,
                profile=mpb.SearchProfile(
                    occupations=[mpb.OccupationWish(esco_uri=cook.uri, breadth=mpb.OCCUPATION_BREADTH_UNIT_GROUP)],
                    home_place_name="Utrecht",
                    max_travel_km=30,
                    hours_min=24,
                    hours_max=40,
                ),
            ),
            metadata=stack.metadata(),
            timeout=30,
        )
    with stack.channel("vacancies") as channel:
        stub = vacancy_service_pb2_grpc.VacancyServiceStub(channel)
        for n in range(len(EMPLOYERS)):
            reply = stub.UpsertVacancy(
                vspb.UpsertVacancyRequest(vacancy=cook_vacancy(n)),
                metadata=stack.metadata("service", "gateway-test"),
                timeout=30,
            )
            stack.vacancy_ids.append(reply.vacancy.vacancy_id)
    with stack.channel("matching") as channel:
        feed = matching_service_pb2_grpc.MatchingServiceStub(channel)

        def all_in_feed() -> bool:
            items = feed.GetFeed(
                mpb.GetFeedRequest(client_id=CLIENT, page_size=50), metadata=stack.metadata(), timeout=30
            ).items
            return set(stack.vacancy_ids) <= {i.vacancy.vacancy_id for i in items}

        assert wait_for(all_in_feed, 90), "matching never put the vacancies in the feed"


def run_stack(data_dir: Path, broker: str, token_secret: str) -> Iterator[GatewayStack]:
    from services.common.bus.broker import ensure_topics
    from services.common.bus.topics import ALL_TOPICS

    ensure_topics(broker, list(ALL_TOPICS))
    ports = {name: free_port() for name in ("vacancies", "matching", "activities", "gateway")}
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBMATCH_GATEWAY_", "ELASTICSEARCH_URL"))}
    env.update(
        {
            "JOBMATCH_DATA_DIR": str(data_dir),
            "KAFKA_BOOTSTRAP_SERVERS": broker,
            "JOBMATCH_TOKEN_SECRET": token_secret,
            "PYTHONUNBUFFERED": "1",
            "JOBMATCH_VACANCIES_PORT": str(ports["vacancies"]),
            "JOBMATCH_MATCHING_PORT": str(ports["matching"]),
            "JOBMATCH_ACTIVITIES_PORT": str(ports["activities"]),
            "JOBMATCH_GATEWAY_PORT": str(ports["gateway"]),
        }
    )
    data_dir.mkdir(parents=True, exist_ok=True)
    stderr = (data_dir.parent / "stack.stderr").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "up", "--no-seed"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        start_new_session=True,
    )
    banner: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line.rstrip("\n"))
        if "Ctrl-C" in line:
            break
    try:
        assert any(
            line.split()[:2] == ["web", f"http://localhost:{ports['gateway']}/"] for line in banner if line.strip()
        ) and any(
            line.split()[:2] == ["api", f"http://localhost:{ports['gateway']}/api/v1/openapi.json"]
            for line in banner
            if line.strip()
        ), "the stack did not come up:\n" + "\n".join(banner) + (data_dir.parent / "stack.stderr").read_text()[-3000:]
        stack = GatewayStack(
            f"http://127.0.0.1:{ports['gateway']}",
            ports,
            broker,
            Settings(data_dir=data_dir, token_secret=token_secret),
        )
        seed(stack)
        yield stack
    finally:
        if process.poll() is None:
            process.send_signal(2)  # Ctrl-C: the stack stops its services and the gateway in order
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        stderr.close()
