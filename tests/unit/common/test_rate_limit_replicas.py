"""The write limit is per replica (deploy/README.md, "Running N replicas"): each process keeps its
own token buckets, so with N replicas the settings are the intended total divided by N. Then a
person whose calls are spread over every replica gets at most the total, and one whose channel
sticks to one replica gets 1/N of it — never more than one replica allowed alone."""

from __future__ import annotations

import pytest

from services.common.auth import Principal
from services.common.errors import ResourceExhausted
from services.common.interceptors.rate_limit import WriteLimit
from services.common.settings import Settings

TOTAL_BURST = 30
WRITE = "/jobmatch.activities.v1.ActivityService/LogActivity"


def replicas_with_the_setting_divided(n: int) -> list[WriteLimit]:
    # One write per minute of refill: the test's few milliseconds add no token.
    settings = Settings(write_rate_per_minute=1, write_burst=TOTAL_BURST // n)
    return [WriteLimit(settings) for _ in range(n)]


def allowed(limits: list[WriteLimit], person: Principal, calls: int) -> int:
    """Writes let through when `calls` writes go to the replicas in turn (a load balancer)."""
    passed = 0
    for i in range(calls):
        try:
            limits[i % len(limits)].check(person, WRITE)
            passed += 1
        except ResourceExhausted:
            pass
    return passed


@pytest.fixture
def person() -> Principal:
    return Principal(subject="c-rate-1", role="client")


class TestTheWriteLimitIsPerReplica:
    @pytest.mark.parametrize("replicas", [1, 2, 3])
    def test_spread_over_n_replicas_with_the_setting_divided_a_person_gets_the_total(
        self, replicas: int, person: Principal
    ) -> None:
        assert allowed(replicas_with_the_setting_divided(replicas), person, 100) == TOTAL_BURST

    @pytest.mark.parametrize("replicas", [2, 3])
    def test_a_person_on_one_replica_gets_a_share_of_the_total(self, replicas: int, person: Principal) -> None:
        one = replicas_with_the_setting_divided(replicas)[:1]
        assert allowed(one, person, 100) == TOTAL_BURST // replicas

    def test_without_dividing_the_setting_n_replicas_let_n_times_the_total_through(self, person: Principal) -> None:
        undivided = [WriteLimit(Settings(write_rate_per_minute=1, write_burst=TOTAL_BURST)) for _ in range(3)]
        assert allowed(undivided, person, 200) == 3 * TOTAL_BURST  # why the README says: divide by N

    def test_service_tokens_are_not_limited_on_any_replica(self) -> None:
        service = Principal(subject="platform", role="service")
        assert allowed(replicas_with_the_setting_divided(3), service, 100) == 100
