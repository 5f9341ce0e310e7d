"""What the scale suite sends through the front doors of N replicas, and what it got back.

Profiles (SetSearchProfile), the sample vacancies (IngestVacancies, 100 a batch), then a second
version of some (new place and hours: matches added, updated and gone) and withdrawals, then
activities (LogActivity) and "I applied" from the feed (RecordFeedback APPLIED, which activities
logs from the ClientApplied event). Every call goes over a few connections to the service's
one port; a call whose replica was killed is sent again (all of them are idempotent: ingest by
source key, activities by request id, feedback by client and vacancy).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import grpc
from scale_support import Channels

from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vpb
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.matching.domain.model import OccupationWishInput, SearchProfileInput
from services.matching.sample_data import random_profile_input
from services.vacancies.adapters.proto_codec import content_to_proto
from services.vacancies.domain.model import VacancyContent
from services.vacancies.seed import sample_vacancies

BATCH = 100
THREADS = 4  # calls in flight at once where order does not matter
Metadata = tuple[tuple[str, str], ...]
T = TypeVar("T")


@dataclass(frozen=True)
class Size:
    vacancies: int
    profiles: int
    updates: int
    withdrawals: int
    activities: int
    applications: int


def profile_drafts(count: int, tag: str, contents: list[VacancyContent]) -> list[SearchProfileInput]:
    """Half random profiles, half clients who want the occupation group of one of the vacancies
    near its place: random profiles alone seldom match a random vacancy (2 matches for 100
    profiles and 400 vacancies), and the suite needs many matches to count."""
    rng = random.Random(1414)
    drafts = [random_profile_input(rng, f"c-{tag}-{i:04d}") for i in range(count - count // 2)]
    step = max(1, len(contents) // max(1, count // 2))
    for content in contents[::step][: count // 2]:
        drafts.append(
            SearchProfileInput(
                client_id=f"c-{tag}-{len(drafts):04d}",
                home_place_name=content.location.place_name,
                occupations=[OccupationWishInput(esco_uri=content.occupation.esco_uri, breadth=rng.choice((1, 2, 3)))],
                max_travel_km=rng.choice((10, 25, 50)),
                hours_min=0,
                hours_max=40,
                languages=["nl", "en"],
                has_driving_licence=rng.random() < 0.7,
                remote_acceptable=rng.random() < 0.3,
                status=1,
            )
        )
    return drafts


def profile_request(draft: SearchProfileInput) -> mpb.SetSearchProfileRequest:
    profile = mpb.SearchProfile(
        occupations=[
            mpb.OccupationWish(esco_uri=w.esco_uri or "", isco_code=w.isco_code or "", breadth=w.breadth)
            for w in draft.occupations
        ],
        skills=list(draft.skills),
        home_place_name=draft.home_place_name,
        max_travel_km=draft.max_travel_km,
        hours_min=draft.hours_min,
        hours_max=draft.hours_max,
        contract_types=list(draft.contract_types),
        education_level=draft.education_level,
        languages=list(draft.languages),
        has_driving_licence=draft.has_driving_licence,
        remote_acceptable=draft.remote_acceptable,
        min_salary_monthly=draft.min_salary_monthly,
        status=draft.status,
    )
    return mpb.SetSearchProfileRequest(client_id=draft.client_id, profile=profile)


def second_versions(contents: list[VacancyContent], count: int) -> list[VacancyContent]:
    """A new version of the first `count` vacancies: another vacancy's place and other hours."""
    half = len(contents) // 2
    return [
        c.model_copy(
            update={
                "location": contents[(i + half) % len(contents)].location,
                "hours_min": 24.0 if c.hours_min != 24.0 else 32.0,
                "hours_max": 40.0,
            }
        )
        for i, c in enumerate(contents[:count])
    ]


@dataclass
class Sent:
    """What the services acknowledged."""

    published: set[str] = field(default_factory=set)
    updated: set[str] = field(default_factory=set)
    withdrawn: set[str] = field(default_factory=set)
    activities: dict[str, tuple[str, str]] = field(default_factory=dict)  # request id -> (client, activity id)
    applied: set[tuple[str, str]] = field(default_factory=set)  # (client, vacancy)


@dataclass
class Workload:
    vacancies: Channels
    matching: Channels
    activities: Channels
    token: Metadata
    sent: Sent = field(default_factory=Sent)

    def set_profiles(self, drafts: list[SearchProfileInput]) -> None:
        in_parallel(
            lambda draft: self.matching.call(
                lambda stub: stub.SetSearchProfile(profile_request(draft), metadata=self.token, timeout=30)
            ),
            drafts,
        )

    def ingest(
        self,
        contents: list[VacancyContent],
        *,
        during: Callable[[int], None] = lambda _: None,
        after: Callable[[], object] = lambda: None,
    ) -> dict[tuple[str, str], tuple[str, set[str]]]:
        """IngestVacancies in batches; `during(batch number)` runs in a thread as each batch goes
        out, `after()` once the batch is answered. Per source key: the vacancy id and every status the service answered (a batch sent
        again after its replica died may answer UNCHANGED for what the dead one stored)."""
        results: dict[tuple[str, str], tuple[str, set[str]]] = {}
        for number, start in enumerate(range(0, len(contents), BATCH)):
            request = vpb.IngestVacanciesRequest(batch_id=f"b{start}")
            for content in contents[start : start + BATCH]:
                content_to_proto(content, request.vacancies.add())
            side = threading.Thread(target=during, args=(number,))
            side.start()
            responses = self.vacancies.call(
                lambda stub, r=request: list(stub.IngestVacancies(iter([r]), metadata=self.token, timeout=120))
            )
            side.join()
            after()
            for result in responses[0].results:
                key = (result.source, result.external_id)
                vacancy_id, statuses = results.get(key, (result.vacancy_id, set()))
                statuses.add(vpb.IngestStatus.Name(result.status))
                results[key] = (vacancy_id or result.vacancy_id, statuses)
        return results

    def withdraw(self, vacancy_ids: list[str]) -> None:
        in_parallel(
            lambda vacancy_id: self.vacancies.call(
                lambda stub: stub.WithdrawVacancy(
                    vpb.WithdrawVacancyRequest(vacancy_id=vacancy_id, reason="filled"), metadata=self.token, timeout=30
                )
            ),
            vacancy_ids,
        )
        self.sent.withdrawn.update(vacancy_ids)

    def set_policies(self, clients: list[str]) -> None:
        """An obligation policy for each client (activities are logged against one)."""
        start = (datetime.now(UTC).date() - timedelta(days=14)).isoformat()
        in_parallel(
            lambda client: self.activities.call(
                lambda stub: stub.SetObligationPolicy(
                    apb.SetObligationPolicyRequest(
                        caseworker_id="cw-scale", client_id=client, template="uwv-ww", start_date=start
                    ),
                    metadata=self.token,
                    timeout=30,
                )
            ),
            clients,
        )

    def log_activities(
        self, clients: list[str], count: int, tag: str, *, during: Callable[[int], None] = lambda _: None
    ) -> None:
        today = datetime.now(UTC).date().isoformat()
        for i in range(count):
            during(i)
            client, request_id = clients[i % len(clients)], f"{tag}-activity-{i:04d}"
            request = apb.LogActivityRequest(
                client_id=client,
                request_id=request_id,
                type=apb.ACTIVITY_TYPE_VACANCY_APPLICATION,
                date=today,
                employer="Bouwbedrijf Voorbeeld",
                position="Timmerman",
                channel=apb.CHANNEL_ONLINE,
            )
            reply = self.activities.call(lambda stub, r=request: stub.LogActivity(r, metadata=self.token, timeout=30))
            self.sent.activities[request_id] = (client, reply.activity.activity_id)

    def apply_from_feed(self, pairs: list[tuple[str, str]]) -> None:
        for client, vacancy_id in pairs:
            request = mpb.RecordFeedbackRequest(client_id=client, vacancy_id=vacancy_id, kind=mpb.FEEDBACK_KIND_APPLIED)
            self.matching.call(lambda stub, r=request: stub.RecordFeedback(r, metadata=self.token, timeout=30))
            self.sent.applied.add((client, vacancy_id))


def in_parallel(call: Callable[[T], object], items: list[T]) -> None:
    with ThreadPoolExecutor(THREADS) as pool:
        for _ in pool.map(call, items):
            pass


def stubs() -> tuple[Callable[[grpc.Channel], object], ...]:
    return (
        vacancy_service_pb2_grpc.VacancyServiceStub,
        matching_service_pb2_grpc.MatchingServiceStub,
        activities_pb2_grpc.ActivityServiceStub,
    )


def sample(size: Size, tag: str) -> list[VacancyContent]:
    today = datetime.now(UTC).date()
    return list(sample_vacancies(size.vacancies, today=today, seed=1414, source=f"scale-{tag}"))
