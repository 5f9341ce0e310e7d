"""Fault 4: the matching service is SIGKILLed several times while its consumer works through a
burst of vacancy events, and restarted each time.

Every vacancy is a cook's job in Utrecht and three clients look for exactly that, so every event
has a visible effect (three VacancyMatched events): an event handled twice shows up as a second
VacancyMatched with change UPDATED for a vacancy that was never updated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import grpc
import pytest
from faults_support import ServiceProcess, SteppedIngest, matched_events, wait_until

from jobmatch.events.v1.matching_events_pb2 import VACANCY_MATCH_CHANGE_ADDED as ADDED
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc as mgrpc
from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from services.common.reference import occupations
from services.vacancies.adapters.proto_codec import content_to_proto
from services.vacancies.domain.model import Location, Occupation
from services.vacancies.seed import sample_vacancies

# Enough events that six kill-and-restart rounds (each handles ~15-40) land well before the
# end of the burst: the consumer falls behind while the ingest runs, so most of it is a backlog.
VACANCIES = 1200
BATCH_SIZE = 150
CLIENTS = [f"c-kok-{i}" for i in range(3)]
KILLS = 6


@dataclass
class BurstRun:
    accepted: set[str]
    events: set[str]
    handled: set[str]
    projected: set[str]
    matches: dict[tuple[str, str, int], int]
    kills: int


def cook_jobs_in_utrecht() -> list[svc.IngestVacanciesRequest]:
    cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
    batches: list[svc.IngestVacanciesRequest] = []
    today = datetime.now(UTC).date()
    for i, content in enumerate(sample_vacancies(VACANCIES, today=today, seed=505, source="faults-burst")):
        if i % BATCH_SIZE == 0:
            batches.append(svc.IngestVacanciesRequest(batch_id=str(len(batches))))
        content = content.model_copy(
            update={
                "occupation": Occupation(esco_uri=cook.uri),
                "title": f"Kok {i} (m/v/x)",
                "employer": f"Restaurant {i}",
                "location": Location(place_name="Utrecht", country_code="NL"),
                "hours_min": 24.0,
                "hours_max": 32.0,
                "education_level": "",
                "languages": ("nl",),
                "driving_licence_required": False,
                "salary_min": 3000.0,
                "salary_max": 3500.0,
                "contract_type": "permanent",
                "workplace_type": "on_site",
            }
        )
        content_to_proto(content, batches[-1].vacancies.add())
    return batches


@pytest.fixture(scope="module")
def burst_run(fault_broker, metadata_for, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BurstRun]:
    root = tmp_path_factory.mktemp("burst")
    vacancies = ServiceProcess("vacancies", root / "data", fault_broker.bootstrap, root / "logs").start()
    matching = ServiceProcess("matching", root / "data", fault_broker.bootstrap, root / "logs").start()
    try:
        cook = next(o for o in occupations.by_isco_prefix("5120") if o.label_nl == "kok")
        with grpc.insecure_channel(matching.address) as channel:
            for client in CLIENTS:
                mgrpc.MatchingServiceStub(channel).SetSearchProfile(
                    mpb.SetSearchProfileRequest(
                        client_id=client,
                        profile=mpb.SearchProfile(
                            occupations=[
                                mpb.OccupationWish(esco_uri=cook.uri, breadth=mpb.OCCUPATION_BREADTH_UNIT_GROUP)
                            ],
                            home_place_name="Utrecht",
                            max_travel_km=50,
                            hours_min=8,
                            hours_max=40,
                            status=mpb.PROFILE_STATUS_ACTIVE,
                        ),
                    ),
                    metadata=metadata_for("client", client),
                    timeout=10,
                )
        with grpc.insecure_channel(vacancies.address) as channel:
            stream = SteppedIngest(channel, metadata_for("service", "faults-ingest"))
            for batch in cook_jobs_in_utrecht():
                stream.send(batch)
            stream.close()
        events = {row[0] for row in vacancies.query("SELECT event_id FROM event_outbox")}

        def handled() -> int:
            return matching.query("SELECT COUNT(*) FROM processed_event")[0][0]

        kills = 0
        while kills < KILLS and handled() < len(events) - 40:
            target = handled() + 15
            assert wait_until(lambda target=target: handled() >= target, 60, interval=0.003)
            matching.kill()
            kills += 1
            matching.start()
        assert wait_until(
            lambda: events <= {r[0] for r in matching.query("SELECT event_id FROM processed_event")}, 120
        ), "events were skipped after the restarts"
        yield BurstRun(
            accepted=stream.accepted_ids(),
            events=events,
            handled={r[0] for r in matching.query("SELECT event_id FROM processed_event")},
            projected={r[0] for r in matching.query("SELECT vacancy_id FROM open_vacancy")},
            matches=dict(matched_events(matching.query("SELECT event_type, data FROM event_outbox"))),
            kills=kills,
        )
    finally:
        matching.stop()
        vacancies.stop()


class TestMatchingKilledMidBurst:
    def test_no_event_is_skipped_across_the_crashes(self, burst_run: BurstRun) -> None:
        assert burst_run.kills >= 3, "the burst was over before the crashes: the test proves nothing"
        assert len(burst_run.accepted) == VACANCIES
        assert burst_run.events <= burst_run.handled
        assert burst_run.accepted <= burst_run.projected
        pairs = {(client, vacancy) for client, vacancy, _ in burst_run.matches}
        assert pairs == {(c, v) for c in CLIENTS for v in burst_run.accepted}  # every match made once at least

    def test_no_event_is_handled_twice_across_the_crashes(self, burst_run: BurstRun) -> None:
        twice = {key: n for key, n in burst_run.matches.items() if n > 1 or key[2] != ADDED}
        print(
            json.dumps(
                {
                    "fault": "matching-sigkill-mid-burst",
                    "kills": burst_run.kills,
                    "events": len(burst_run.events),
                    "match_events": sum(burst_run.matches.values()),
                    "events_handled_twice": len({v for _, v, _ in twice}),
                    "duplicate_match_events": len(twice),
                }
            )
        )
        assert not twice
