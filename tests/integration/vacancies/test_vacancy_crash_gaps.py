"""No change without its event, no event without its change: the vacancies search store with a
crash before each of its writes (issue 14, point 4).

Each operation (an import batch of new vacancies, a batch that updates one and adds one, a
withdrawal, the expiry sweep) first runs without a crash, to count its writes and record the
outcome. Then, for each write N, on fresh indices: the process dies before write N
(tests/crash_points.py), a new store starts on the same engine and indices, and the change is
recovered — by the same call again (the feed reader retries the batch; the caller retries the
withdrawal; the next expiry round) before the sweep, or by the sweep first and the call after it.
Afterwards the outbox holds every event of the crash-free run exactly once (gap-free sequence),
the change stream holds every change once, and the stored documents equal the crash-free run's
with nothing left pending. Numbers reserved before the crash (storage position, change sequence)
may leave gaps, so those are compared by order, not by value.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from crash_points import CrashingEngine, gap_free_per_source, run_until_crash, still_pending, stored_documents
from search_legs import osmem_cluster
from vacancies_support import vacancy

from services.common.search.client import Connection, create_engine
from services.common.search.counters import COUNTERS_INDEX
from services.common.search.engine import SearchEngine
from services.common.search.indices import migrate
from services.common.search.outbox import EngineOutbox, outbox_index_spec
from services.vacancies.adapters import elasticsearch_mappings as m
from services.vacancies.adapters.elasticsearch_store import ElasticsearchVacancyStore
from services.vacancies.service_layer.ingest import IngestVacancies
from services.vacancies.service_layer.lifecycle import ExpireVacancies, WithdrawVacancy

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
URN = "urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies:replica-1"
SPECS = [*m.index_specs(dutch_stemmer=False), COUNTERS_INDEX, outbox_index_spec("vacancies")]
_prefixes = itertools.count()


@pytest.fixture(scope="module")
def engine() -> Iterator[SearchEngine]:
    with osmem_cluster() as url:
        engine = create_engine(Connection(url=url, kind="opensearch"))
        try:
            yield engine
        finally:
            engine.close()


@dataclass
class Replica:
    """One process of the vacancies service on the shared engine (a restart is a new one)."""

    store: ElasticsearchVacancyStore
    now: datetime

    def ingest(self, *contents: Any, first_id: int = 1) -> None:
        """New vacancies get ids first_id, first_id + 1, ... in every run (uuid4 would differ), so a
        batch retried after a crash gives them the ids of the crash-free run."""
        ids = (f"vac_{n}" for n in itertools.count(first_id))
        IngestVacancies(self.store, lambda: self.now, lambda: next(ids))(list(contents))


def start(engine: Any, prefix: str, now: datetime = NOW) -> Replica:
    return Replica(ElasticsearchVacancyStore(engine, prefix, EngineOutbox(engine, prefix, "vacancies", URN)), now)


def nothing(replica: Replica) -> None:
    return None


def two_new(replica: Replica) -> None:
    replica.ingest(vacancy("A-1", title="Kok"), vacancy("A-2", title="Schoonmaker"))


def one_changed_one_new(replica: Replica) -> None:
    replica.ingest(vacancy("A-1", title="Chef-kok"), vacancy("A-3", title="Afwasser"), first_id=10)


def withdrawn(replica: Replica) -> None:
    WithdrawVacancy(replica.store, lambda: replica.now)("vac_1", "vervuld")


def short_lived(replica: Replica) -> None:
    replica.ingest(vacancy("A-1", title="Kok", valid_through="2026-11-26"), vacancy("A-2", title="Schoonmaker"))


def expired(replica: Replica) -> None:
    replica.now = NOW + timedelta(days=3)
    ExpireVacancies(replica.store, lambda: replica.now)()


@dataclass(frozen=True)
class Operation:
    name: str
    setup: Callable[[Replica], None]
    run: Callable[[Replica], None]


OPERATIONS = [
    Operation("import of new vacancies", nothing, two_new),
    Operation("import of a change and a new one", two_new, one_changed_one_new),
    Operation("withdrawal", two_new, withdrawn),
    Operation("expiry", short_lived, expired),
]


@dataclass
class Outcome:
    writes: int
    died: bool
    events: Counter[tuple[str, str, str, bytes]]
    documents: dict[str, Any]


def observe(engine: SearchEngine, prefix: str, replica: Replica) -> Outcome:
    outbox = replica.store._outbox
    entries = outbox.pending(outbox.connect(), limit=10_000)
    assert len({e.event.id for e in entries}) == len(entries)
    assert gap_free_per_source(entries), [(e.event.source, e.event.sequence) for e in entries]
    aliases = {
        name: spec.alias(prefix)
        for name, spec in (("vacancies", m.VACANCIES), ("sources", m.VACANCY_SOURCES), ("changes", m.VACANCY_CHANGES))
    }
    assert still_pending(engine, {"vacancies": aliases["vacancies"]}) == []
    stored = stored_documents(engine, aliases)
    by_position = sorted(stored["vacancies"].values(), key=lambda doc: doc["position"])
    changes = sorted(stored["changes"].values(), key=lambda doc: doc["sequence"])
    stream = [(c["vacancy_id"], c["change_type"], c["changed_at"]) for c in changes]
    assert len(set(stream)) == len(stream), stream  # each change once in the change stream
    numbered = ("position", "pending_changes")  # reserved numbers: compared by order (above), not by value
    documents = {
        "vacancies in storage order": [{k: v for k, v in doc.items() if k not in numbered} for doc in by_position],
        "sources": stored["sources"],
        "change stream": stream,
    }
    events = Counter((e.event.type, e.key, e.event.subject, e.event.data) for e in entries)
    return Outcome(0, False, events, documents)


def run(engine: SearchEngine, operation: Operation, crash_at: int | None, sweep_first: bool) -> Outcome:
    prefix = f"crash-{next(_prefixes)}"
    migrate(engine, SPECS, prefix)
    operation.setup(start(engine, prefix))
    crashing = CrashingEngine(engine, crash_at)
    died = run_until_crash(lambda: operation.run(start(crashing, prefix)))
    restarted = start(engine, prefix)
    if crash_at is None:
        pass
    elif sweep_first:
        restarted.store.settle_abandoned(older_than_s=0)
        operation.run(restarted)
    else:
        operation.run(restarted)
        restarted.store.settle_abandoned(older_than_s=0)
    outcome = observe(engine, prefix, restarted)
    outcome.writes, outcome.died = len(crashing.writes), died
    return outcome


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_a_crash_before_any_write_loses_and_doubles_no_announcement(engine: SearchEngine, operation: Operation) -> None:
    clean = run(engine, operation, crash_at=None, sweep_first=False)
    assert clean.writes >= 2 and clean.events  # there are gaps to test, and something to announce
    for crash_at, sweep_first in itertools.product(range(1, clean.writes + 2), (False, True)):  # +1: after the last
        outcome = run(engine, operation, crash_at, sweep_first)
        where = f"crash before write {crash_at} of {clean.writes}, {'sweep' if sweep_first else 'retry'} first"
        assert outcome.died == (crash_at <= clean.writes), where
        assert outcome.events == clean.events, where
        assert outcome.documents == clean.documents, where
