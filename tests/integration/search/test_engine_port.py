"""The search-engine port itself, on osmem through the real opensearch-py client: retries of
load the engine says will pass, an engine that is gone, and the start-up check."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from search_legs import osmem_leg
from search_support import FaultyClient

from services.common.search.bulk import BulkError, bulk_write, index_op
from services.common.search.client import Connection, create_engine
from services.common.search.engine import EngineUnavailable
from services.common.search.indices import IndexSpec
from services.common.search.retry import RetryPolicy

THINGS = IndexSpec("things", 1, {"dynamic": "strict", "properties": {"n": {"type": "long"}}})


def closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def ten_things(alias: str) -> list[dict]:
    return [line for n in range(1, 11) for line in index_op(alias, f"doc-{n}", {"n": n})]


def third(action: str, meta: dict, source: dict | None) -> bool:
    return meta.get("_id") == "doc-3"


@pytest.fixture
def leg() -> Iterator[tuple[object, str, FaultyClient, list[float]]]:
    with osmem_leg([THINGS]) as (engine, prefix):
        sleeps: list[float] = []
        engine.retry = RetryPolicy(sleep=sleeps.append)  # type: ignore[attr-defined]
        yield engine, THINGS.alias(prefix), FaultyClient.around(engine), sleeps


class TestBulkItemRetries:
    @pytest.mark.parametrize("status", [429, 503])
    def test_an_item_refused_once_for_load_is_sent_again_and_everything_is_stored(self, leg, status: int) -> None:
        engine, alias, faults, sleeps = leg
        faults.refuse(third, status=status, times=1)
        answer = bulk_write(engine, ten_things(alias), refresh=True)
        assert [next(iter(item.values()))["status"] for item in answer["items"]] == [201] * 10
        assert engine.count(index=alias) == 10
        assert len(sleeps) == 1 and 0 <= sleeps[0] <= RetryPolicy().base_seconds  # backoff before the resend

    def test_an_item_refused_every_time_is_named_after_the_retries_and_the_rest_is_stored(self, leg) -> None:
        engine, alias, faults, sleeps = leg
        faults.refuse(third, status=429, times=None)
        with pytest.raises(BulkError) as raised:
            bulk_write(engine, ten_things(alias), refresh=True)
        assert [(f.id, f.status) for f in raised.value.failures] == [("doc-3", 429)]
        assert raised.value.transient  # a consumer pauses on it instead of dead-lettering
        assert engine.count(index=alias) == 9
        policy = RetryPolicy()
        assert len(sleeps) == policy.attempts - 1
        assert all(0 <= s <= min(policy.max_seconds, policy.base_seconds * 2**n) for n, s in enumerate(sleeps))

    def test_an_item_refused_for_a_reason_other_than_load_is_not_sent_again(self, leg) -> None:
        engine, alias, faults, sleeps = leg
        faults.refuse(third, status=400, times=None, error_type="mapper_parsing_exception")
        with pytest.raises(BulkError) as raised:
            bulk_write(engine, ten_things(alias))
        assert not raised.value.transient and sleeps == []

    def test_the_backoff_is_jittered(self) -> None:
        delays = {RetryPolicy().delay(3) for _ in range(50)}
        assert len(delays) > 1 and all(0 <= d <= 0.4 for d in delays)


class TestRequestRetries:
    def test_a_search_answered_429_is_asked_again_after_a_backoff(self, leg) -> None:
        engine, alias, faults, sleeps = leg
        bulk_write(engine, ten_things(alias), refresh=True)
        faults.refuse_requests(status=429, times=2)
        assert engine.search(index=alias, query={"match_all": {}}, size=0)["hits"]["total"]["value"] == 10
        assert len(sleeps) == 2

    def test_a_dead_url_is_engine_unavailable_after_the_retries(self) -> None:
        engine = create_engine(Connection(url=f"http://127.0.0.1:{closed_port()}", kind="opensearch"))
        sleeps: list[float] = []
        engine.retry = RetryPolicy(sleep=sleeps.append)  # type: ignore[attr-defined]
        with pytest.raises(EngineUnavailable):
            engine.count(index="jobmatch-things")
        assert len(sleeps) == RetryPolicy().attempts - 1
        engine.close()


class TestTheReindexTask:
    def test_a_reindex_whose_answer_timed_out_is_not_sent_again(self, leg) -> None:  # type: ignore[no-untyped-def]
        """A timeout may come after the engine started the task: sending it again would copy twice."""
        from opensearchpy.exceptions import ConnectionTimeout

        engine, alias, faults, sleeps = leg
        sent: list[str] = []

        def time_out_reindex(method: str, url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
            sent.append(url)
            raise ConnectionTimeout("TIMEOUT", "the answer did not come in time (test)", None)

        faults._real.transport.perform_request = time_out_reindex
        with pytest.raises(EngineUnavailable):
            engine.start_reindex(source=alias, dest=f"{alias}-copy")
        assert sent == ["/_reindex"] and sleeps == []

    def test_a_reindex_refused_for_load_is_sent_again_after_a_backoff(self, leg) -> None:  # type: ignore[no-untyped-def]
        """A 503 is an answer: the engine did not start the task, so asking again is safe."""
        engine, alias, faults, sleeps = leg
        bulk_write(engine, ten_things(alias), refresh=True)
        faults.refuse_requests(status=503, times=1)
        assert engine.start_reindex(source=alias, dest=f"{alias}-copy")
        assert len(sleeps) == 1
