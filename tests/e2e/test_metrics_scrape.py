"""Every process of `jobmatch up` serves Prometheus /metrics on the port its banner shows, and
after a short journey (sample data imported, matched, a feed read, an activity logged) the
series of the work that happened there count it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.test_stack import SERVICES, free_port, new_user_env

CLIENT = "c-demo-001"


def scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(url, timeout=10) as answer:
        text = answer.read().decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: dict, name: str, **labels: str) -> float:
    """Sum of the samples of `name` whose labels include `labels`."""
    return sum(
        value for (found, pairs), value in samples.items() if found == name and set(labels.items()) <= set(pairs)
    )


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict]]:
    data_dir = tmp_path_factory.mktemp("metrics") / "data"
    ports = {name: free_port() for name in SERVICES}
    env = new_user_env(data_dir)
    env.update({f"JOBMATCH_{name.upper()}_PORT": str(port) for name, port in ports.items()})
    env["JOBMATCH_GATEWAY_PORT"] = str(free_port())  # not 8080: other test files run stacks too
    env["PYTHONUNBUFFERED"] = "1"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "services.cli", "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=(data_dir.parent / "stack.stderr").open("wb"),
        text=True,
        start_new_session=True,
    )
    try:
        banner = read_banner(process)
        urls = dict((name, url) for url, name in re.findall(r"metrics\s+(http://\S+/metrics)\s+\((\w+)\)", banner))
        assert set(urls) == set(SERVICES), banner
        token = re.search(r"authorization: Bearer ([\w.-]+)", banner).group(1)  # type: ignore[union-attr]
        walk(ports, token)
        yield {name: WAITS.get(name, scrape)(url) for name, url in urls.items()}
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def read_banner(process: subprocess.Popen[str]) -> str:
    lines: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C" in line:
            break
    return "".join(lines)


def walk(ports: dict[str, int], token: str) -> None:
    """The client's part: read the feed, log an application."""
    from jobmatch.activities.v1 import activities_pb2 as apb
    from jobmatch.activities.v1 import activities_pb2_grpc
    from jobmatch.matching.v1 import matching_service_pb2 as mpb
    from jobmatch.matching.v1 import matching_service_pb2_grpc

    me = (("authorization", f"Bearer {token}"),)
    with grpc.insecure_channel(f"localhost:{ports['matching']}") as channel:
        matching_service_pb2_grpc.MatchingServiceStub(channel).GetFeed(
            mpb.GetFeedRequest(client_id=CLIENT, page_size=5), metadata=me, timeout=30
        )
    with grpc.insecure_channel(f"localhost:{ports['activities']}") as channel:
        activities_pb2_grpc.ActivityServiceStub(channel).LogActivity(
            apb.LogActivityRequest(
                client_id=CLIENT,
                request_id="metrics-journey-1",
                type=apb.ACTIVITY_TYPE_OPEN_APPLICATION,
                date=(datetime.now(UTC).date() - timedelta(days=1)).isoformat(),
                employer="Bakkerij Het Korenaar",
                position="Verkoopmedewerker",
                channel=apb.CHANNEL_LETTER,
            ),
            metadata=me,
            timeout=30,
        )


def scrape_until(url: str, ready: Callable[[dict], bool], timeout: float = 120.0) -> dict:
    """Scrape until `ready` holds for what the endpoint shows (or the time is up: the tests then
    say what is missing)."""
    deadline = time.monotonic() + timeout
    while True:
        samples = scrape(url)
        if ready(samples) or time.monotonic() > deadline:
            return samples
        time.sleep(0.5)


def matches_handled(samples: dict) -> bool:
    """Matching takes in the sample vacancies at its own pace: it handled events and reported its
    lag (measured at most once a second, from the broker's answers to its fetches)."""
    handled = total(samples, "jobmatch_consumer_events_total", outcome="handled") > 0
    return handled and any(name == "jobmatch_consumer_lag" for name, _ in samples)


def activity_published(samples: dict) -> bool:
    """The relay sends the logged activity's event after the RPC answered, at its own pace."""
    return total(samples, "jobmatch_relay_published_events_total", service="activities") > 0


def sample_vacancies_published(samples: dict) -> bool:
    """The vacancies relay runs in a process of its own, which reports its count to the service
    a moment after it published."""
    return total(samples, "jobmatch_relay_published_events_total", service="vacancies") > 0


WAITS: dict[str, Callable[[str], dict]] = {
    "matching": lambda url: scrape_until(url, matches_handled),
    "activities": lambda url: scrape_until(url, activity_published),
    "vacancies": lambda url: scrape_until(url, sample_vacancies_published),
}


class TestMetricsAfterAShortJourney:
    def test_every_service_counts_the_rpcs_it_answered_by_method_and_code(self, journey) -> None:
        assert total(journey["matching"], "jobmatch_rpc_requests_total", method="GetFeed", code="OK") >= 1
        assert total(journey["activities"], "jobmatch_rpc_requests_total", method="LogActivity", code="OK") >= 1
        assert total(journey["activities"], "jobmatch_rpc_duration_seconds_count", method="LogActivity") >= 1

    def test_every_relay_published_events_and_reports_its_backlog(self, journey) -> None:
        for name in ("vacancies", "activities"):
            assert total(journey[name], "jobmatch_relay_published_events_total", service=name) > 0, name
            assert ("jobmatch_outbox_oldest_pending_age_seconds", (("service", name),)) in journey[name]

    def test_matching_handled_vacancy_events_timed_them_and_reports_its_lag(self, journey) -> None:
        matching = journey["matching"]
        assert total(matching, "jobmatch_consumer_events_total", topic="jobmatch.vacancies.v1", outcome="handled") > 0
        assert total(matching, "jobmatch_consumer_handler_duration_seconds_count", topic="jobmatch.vacancies.v1") > 0
        assert any(name == "jobmatch_consumer_lag" for name, _ in matching)

    def test_store_calls_are_timed_by_operation_and_matching_counts_its_profiles(self, journey) -> None:
        assert (
            total(journey["activities"], "jobmatch_store_duration_seconds_count", service="activities", store="sqlite")
            > 0
        )
        assert total(journey["matching"], "jobmatch_matching_profiles") >= 20  # the demo clients

    def test_no_label_carries_a_client_id(self, journey) -> None:
        values = {value for samples in journey.values() for _, pairs in samples for _, value in pairs}
        assert not [value for value in values if value.startswith("c-demo")]
