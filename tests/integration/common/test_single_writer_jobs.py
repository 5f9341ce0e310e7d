"""Single-writer jobs with two replicas on one shared search store (osmem) and the session
broker: the vacancy expiry sweep and the activities period sweep run on exactly one replica,
and move to the other when that one stops."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from polling import wait_for
from search_legs import migrated_cluster

from services.common.bus import ensure_topics, topics
from services.common.bus.leader import SingleWriter, owner_of
from services.common.settings import Settings

INTERVAL = 0.1  # seconds between rounds: many rounds within the test's few seconds


@pytest.fixture(scope="module")
def search_url() -> Iterator[str]:
    """One migrated osmem clone for the module (both services' indices, prefix "jobmatch")."""
    with migrated_cluster() as url:
        yield url


def replica_settings(url: str, broker: str, data_dir: Path, replica: int) -> Settings:
    return Settings(
        data_dir=data_dir / f"replica-{replica}",
        kafka_bootstrap_servers=broker,
        search_url=url,
        search_engine="opensearch",
        elasticsearch_url=None,
        replica_id=str(replica),
    )


def runs(job: SingleWriter | None) -> int:
    assert job is not None
    return job.runs


def exactly_one_runs(jobs: list[Callable[[], SingleWriter | None]], window: float = 1.0) -> int:
    """Index of the one replica whose job ran during `window` (asserting the others did not)."""
    before = [runs(job()) for job in jobs]
    time.sleep(window)
    ran = [i for i, job in enumerate(jobs) if runs(job()) > before[i]]
    assert len(ran) == 1, f"the job ran on replicas {ran}, not on exactly one"
    return ran[0]


def check_the_job_runs_once_and_moves(apps: list[Any], job_of: Callable[[Any], SingleWriter | None]) -> None:
    jobs = [lambda app=app: job_of(app) for app in apps]
    assert wait_for(lambda: any(runs(job()) for job in jobs), timeout=30), "no replica ever ran the job"
    leader = exactly_one_runs(jobs)
    survivor = 1 - leader
    apps[leader].close()  # leaves the group: partition 0 (the lease) goes to the survivor
    moved_at = time.monotonic()
    before = runs(jobs[survivor]())
    assert wait_for(lambda: runs(jobs[survivor]()) > before, timeout=30), "the job never moved"
    print(f"hand-over took {time.monotonic() - moved_at:.1f} s")
    assert exactly_one_runs([jobs[survivor]]) == 0


class TestTwoReplicasOnOneSearchStore:
    def test_the_vacancy_expiry_sweep_runs_on_exactly_one_and_moves_when_it_stops(
        self, broker: str, search_url: str, tmp_path: Path
    ) -> None:
        from services.vacancies.bootstrap import build_app

        ensure_topics(broker, [topics.VACANCIES])
        apps = [build_app(replica_settings(search_url, broker, tmp_path, n)) for n in (1, 2)]
        try:
            for app in apps:
                app.start_background(expiry_interval=INTERVAL)
            check_the_job_runs_once_and_moves(apps, lambda app: app.expiry_job)
        finally:
            for app in apps:
                app.close()

    def test_the_activities_period_sweep_runs_on_exactly_one_and_moves_when_it_stops(
        self, broker: str, search_url: str, tmp_path: Path
    ) -> None:
        from services.activities.bootstrap import build_app

        ensure_topics(broker, [topics.VACANCIES, topics.ACTIVITIES])
        apps = [build_app(replica_settings(search_url, broker, tmp_path, n)) for n in (1, 2)]
        try:
            for app in apps:
                app.start_background(sweep_interval=INTERVAL)
            check_the_job_runs_once_and_moves(apps, lambda app: app.sweep_job)
        finally:
            for app in apps:
                app.close()


class TestWithoutABroker:
    def test_the_only_replica_always_leads(self) -> None:
        job = SingleWriter("job", owner_of(None, topics.VACANCIES), lambda: "done")
        assert job() == "done" and job.runs == 1 and job.skipped == 0

    def test_a_replica_that_does_not_own_partition_zero_skips_the_round(self) -> None:
        class OwnsPartitionOne:
            def owns(self, topic: str, partition: int = 0) -> bool:
                return partition == 1

        job = SingleWriter("job", owner_of(OwnsPartitionOne(), topics.VACANCIES), lambda: "done")
        assert job() is None and job.runs == 0 and job.skipped == 1
