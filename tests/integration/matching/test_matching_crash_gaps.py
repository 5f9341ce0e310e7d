"""No change without its event, no event without its change: the matching search store with a
crash before each of its writes (issue 14, point 4).

For every operation that announces something (a vacancy opened or changed, closed, "I
applied", an erasure) the operation first runs without a crash to count its writes and to
record the outcome. Then, for each write N, on fresh indices: the process dies before write N
(tests/crash_points.py), a new store starts on the same engine and indices, and the change is
recovered — by the redelivery of the same incoming event (or the retried call) before the
sweep, or by the sweep first and the redelivery after it. Afterwards the engine's outbox holds
every event of the crash-free run exactly once, with sequence numbers gap-free, and the stored
documents equal the crash-free run's with nothing left pending. "After the last write" (the
crash falls between the store's work and the consumer's processed-mark) is one more case.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import pytest
from crash_points import CrashingEngine, gap_free_per_source, run_until_crash, still_pending, stored_documents
from matching_support import make_vacancy
from search_legs import osmem_cluster

from services.common.bus.handling import handling
from services.common.privacy import EVENT_TYPE_ERASED
from services.common.search.client import Connection, create_engine
from services.common.search.engine import SearchEngine
from services.common.search.indices import migrate
from services.common.search.outbox import EngineOutbox, outbox_index_spec
from services.matching.adapters import elasticsearch_mappings as m
from services.matching.adapters.elasticsearch_store import ElasticsearchMatchingStore
from services.matching.bootstrap import MatchingEraser
from services.matching.domain.model import FeedbackKind, OccupationWishInput, SearchProfileInput, make_search_profile
from services.matching.service_layer.handlers import MatchingHandlers, RecordFeedback
from services.matching.service_layer.ports import VacancyChange
from services.matching.service_layer.vacancy_batches import IncomingVacancy

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
URN = "urn:nld:oin:00000000000000000000:systeem:jobmatch-matching:replica-1"
SPECS = [*m.INDEX_SPECS, outbox_index_spec("matching")]
STATE = {spec.name: spec for spec in m.INDEX_SPECS if spec is not m.ERASURES}
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
    """One process of the matching service on the shared engine (a restart is a new one)."""

    store: ElasticsearchMatchingStore
    handlers: MatchingHandlers


def start(engine: Any, prefix: str) -> Replica:
    store = ElasticsearchMatchingStore(engine, prefix, EngineOutbox(engine, prefix, "matching", URN))
    return Replica(store, MatchingHandlers(store, store, store, lambda: NOW))


def profile(replica: Replica, client_id: str, place: str, km: int) -> None:
    replica.store.save_profile(
        make_search_profile(
            SearchProfileInput(
                client_id=client_id,
                occupations=[OccupationWishInput(isco_code="2512", breadth=1)],
                home_place_name=place,
                max_travel_km=km,
                hours_min=24,
                hours_max=36,
            ),
            now=NOW,
        )
    )


def matched_in_amersfoort(replica: Replica) -> None:
    """c-utrecht and c-amersfoort match vac-1 in Amersfoort; c-zeist is too far from it."""
    profile(replica, "c-utrecht", "Utrecht", 25)
    profile(replica, "c-amersfoort", "Amersfoort", 10)
    profile(replica, "c-zeist", "Zeist", 10)
    with handling("evt-opened"):
        replica.handlers.vacancy_opened_or_changed(make_vacancy("vac-1", "Amersfoort", source_updated_at=NOW))


def moved_to_utrecht(replica: Replica) -> None:
    """c-utrecht still matches (updated), c-amersfoort no longer (unmatched), c-zeist now (added)."""
    with handling("evt-moved"):
        replica.handlers.vacancy_opened_or_changed(
            make_vacancy("vac-1", "Utrecht", source_updated_at=NOW + timedelta(hours=1))
        )


def moved_and_another_opened_in_one_batch(replica: Replica) -> None:
    """The consumer's batch path: vac-1 moves to Utrecht (as above) and vac-2 opens in Zeist,
    two events handled together (one read, one msearch, one bulk of commit documents, one settle)."""
    replica.handlers.vacancies_opened_or_changed(
        [
            IncomingVacancy(
                make_vacancy("vac-1", "Utrecht", source_updated_at=NOW + timedelta(hours=1)),
                partial(handling, "evt-moved"),
            ),
            IncomingVacancy(make_vacancy("vac-2", "Zeist", source_updated_at=NOW), partial(handling, "evt-opened-2")),
        ]
    )


def closed(replica: Replica) -> None:
    with handling("evt-closed"):
        replica.handlers.vacancy_closed("vac-1", NOW + timedelta(hours=2))


def applied(replica: Replica) -> None:
    replica.handlers.record_feedback(RecordFeedback("c-utrecht", "vac-1", int(FeedbackKind.APPLIED)))


def with_feedback_and_a_visit(replica: Replica) -> None:
    matched_in_amersfoort(replica)
    replica.store.add_feedback("c-amersfoort", "vac-1", FeedbackKind.SAVE, NOW)
    replica.store.record_visit("c-amersfoort", NOW)


def erased(replica: Replica) -> None:
    MatchingEraser(replica.store).erase_client_data("c-amersfoort", "verzoek van de klant")


@dataclass(frozen=True)
class Operation:
    name: str
    setup: Callable[[Replica], None]
    run: Callable[[Replica], None]
    # Bytes that differ per run (a timestamp taken at call time) are not compared.
    compare_data: bool = True


OPERATIONS = [
    Operation("apply_vacancy", matched_in_amersfoort, moved_to_utrecht),
    Operation("close_vacancy", matched_in_amersfoort, closed),
    Operation("add_feedback", matched_in_amersfoort, applied),
    Operation("erase_client", with_feedback_and_a_visit, erased, compare_data=False),
    Operation("apply_vacancies (a batch)", matched_in_amersfoort, moved_and_another_opened_in_one_batch),
]


@dataclass
class Outcome:
    writes: int
    died: bool
    events: Counter[tuple[str, str, str, bytes]]
    documents: dict[str, Any]


def observe(engine: SearchEngine, prefix: str, replica: Replica, operation: Operation) -> Outcome:
    outbox = replica.store._outbox
    entries = outbox.pending(outbox.connect(), limit=10_000)
    assert len({e.event.id for e in entries}) == len(entries)
    assert gap_free_per_source(entries), [(e.event.source, e.event.sequence) for e in entries]
    aliases = {name: spec.alias(prefix) for name, spec in STATE.items()}
    assert still_pending(engine, {**aliases, "erasures": m.ERASURES.alias(prefix)}) == []
    assert engine.count(index=m.ERASURES.alias(prefix)) == 0
    events = Counter(
        (e.event.type, e.key, e.event.subject, e.event.data if operation.compare_data else b"") for e in entries
    )
    return Outcome(0, False, events, stored_documents(engine, aliases))


def run(engine: SearchEngine, operation: Operation, crash_at: int | None, sweep_first: bool) -> Outcome:
    prefix = f"crash-{next(_prefixes)}"
    migrate(engine, SPECS, prefix)
    operation.setup(start(engine, prefix))
    crashing = CrashingEngine(engine, crash_at)
    died = run_until_crash(lambda: operation.run(start(crashing, prefix)))
    restarted = start(engine, prefix)
    if crash_at is None:  # the crash-free run: nothing to recover
        pass
    elif sweep_first:
        restarted.store.settle_abandoned(older_than_s=0)
        operation.run(restarted)
    else:
        operation.run(restarted)
        restarted.store.settle_abandoned(older_than_s=0)
    outcome = observe(engine, prefix, restarted, operation)
    outcome.writes, outcome.died = len(crashing.writes), died
    return outcome


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_a_crash_before_any_write_loses_and_doubles_no_announcement(engine: SearchEngine, operation: Operation) -> None:
    clean = run(engine, operation, crash_at=None, sweep_first=False)
    assert clean.writes >= 2 and clean.events  # there are gaps to test, and something to announce
    for crash_at, sweep_first in itertools.product(range(1, clean.writes + 2), (False, True)):  # +1: after the last
        outcome = run(engine, operation, crash_at, sweep_first)
        where = f"crash before write {crash_at} of {clean.writes}, {'sweep' if sweep_first else 'redelivery'} first"
        assert outcome.died == (crash_at <= clean.writes), where
        assert outcome.events == clean.events, where
        assert outcome.documents == clean.documents, where


def test_the_unmatched_client_of_a_crashed_update_is_told_once(engine: SearchEngine) -> None:
    """The case of issue 14: the retry sees the new match set already stored and must not
    decide 'nothing changed' — the VacancyUnmatched of the first run still goes out."""
    operation = OPERATIONS[0]
    clean = run(engine, operation, crash_at=None, sweep_first=False)
    unmatched = [key for (kind, key, _, _), n in clean.events.items() if kind.endswith("vacancy-unmatched.v1")]
    assert unmatched == ["c-amersfoort"]
    outcome = run(engine, operation, crash_at=2, sweep_first=False)  # after the vacancy document, before settling
    assert outcome.events[next(k for k in clean.events if k[0].endswith("vacancy-unmatched.v1"))] == 1


def test_an_erasure_announces_once_and_leaves_no_trace_of_the_client(engine: SearchEngine) -> None:
    outcome = run(engine, OPERATIONS[3], crash_at=None, sweep_first=False)
    assert [kind for kind, *_ in outcome.events.elements()].count(EVENT_TYPE_ERASED) == 1
    assert "c-amersfoort" not in str(outcome.documents)


def test_a_closure_before_the_sweep_keeps_the_events_a_dead_writer_left_in_the_vacancy(engine: SearchEngine) -> None:
    """The update's writer dies after writing the vacancy document (its events inside) and before
    settling them; the closure comes first, removes that document, and must take them along."""

    def moved_then_closed(replica: Replica) -> None:
        moved_to_utrecht(replica)
        closed(replica)

    clean = run(
        engine,
        Operation("moved then closed", matched_in_amersfoort, moved_then_closed),
        crash_at=None,
        sweep_first=False,
    )
    prefix = f"crash-{next(_prefixes)}"
    migrate(engine, SPECS, prefix)
    matched_in_amersfoort(start(engine, prefix))
    assert run_until_crash(lambda: moved_to_utrecht(start(CrashingEngine(engine, 2), prefix)))
    restarted = start(engine, prefix)
    closed(restarted)  # no redelivery of the update, no sweep before the closure
    restarted.store.settle_abandoned(older_than_s=0)
    assert observe(engine, prefix, restarted, OPERATIONS[0]).events == clean.events


def test_a_replica_never_writes_over_a_match_set_it_did_not_decide_against(engine: SearchEngine) -> None:
    """Two replicas on one vacancy (a rebalance): the one whose read is overtaken gets a
    Conflict (its event is handled again), so the other's announced match set stands."""
    from services.common.search.engine import Conflict

    prefix = f"crash-{next(_prefixes)}"
    migrate(engine, SPECS, prefix)
    first, second = start(engine, prefix), start(engine, prefix)
    matched_in_amersfoort(first)
    before = first.store.match_set("vac-1")  # the first replica reads, then the second one writes
    moved_to_utrecht(second)
    with pytest.raises(Conflict):
        first.store.apply_vacancy(
            make_vacancy("vac-1", "Amersfoort", source_updated_at=NOW + timedelta(hours=1)), [], sorted(before), []
        )
    assert sorted(first.store.match_set("vac-1")) == ["c-utrecht", "c-zeist"]


def test_a_batch_writes_the_commit_documents_of_its_vacancies_in_one_request(engine: SearchEngine) -> None:
    prefix = f"crash-{next(_prefixes)}"
    migrate(engine, SPECS, prefix)
    matched_in_amersfoort(start(engine, prefix))
    counting = CrashingEngine(engine, None)
    moved_and_another_opened_in_one_batch(start(counting, prefix))
    assert counting.writes[0] == ("bulk", m.MATCHING_VACANCIES.alias(prefix))
    assert [call for call, _ in counting.writes].count("bulk") == 3  # commit documents, outbox, clearing them


def test_a_batch_never_writes_over_a_match_set_it_did_not_decide_against(engine: SearchEngine) -> None:
    """As for one event: the vacancy whose read is overtaken by another replica's write is
    refused (None: handled again on its own), and the other replica's match set stands."""
    prefix = f"crash-{next(_prefixes)}"
    migrate(engine, SPECS, prefix)
    first, second = start(engine, prefix), start(engine, prefix)
    matched_in_amersfoort(first)
    read = first.store.read_vacancies(["vac-1"])[0]
    moved_to_utrecht(second)
    stale = VacancyChange(
        read,
        make_vacancy("vac-1", "Amersfoort", source_updated_at=NOW + timedelta(hours=1)),
        [],
        sorted(read.match_set),
        [],
    )
    assert first.store.apply_vacancies([stale]) == [None]
    assert sorted(first.store.match_set("vac-1")) == ["c-utrecht", "c-zeist"]
