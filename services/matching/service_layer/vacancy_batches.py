"""Vacancy events handled together: the decisions of `vacancy_opened_or_changed`, with the
store's reads and writes done for a whole batch at once where the store can (the search store:
one read of the vacancies and their closures, one search request for the reverse matches, one
write of the commit documents, one settle).

Each vacancy is decided exactly as on its own: against the version and match set read for it,
its events derived from its own incoming event (`within`: that event's handling context), its
commit document written with the guard of that read. A vacancy whose stored state changed after
the read (another replica wrote it) is handled again on its own, on the state that won. Two
events of the same vacancy never share a batch (`distinct_runs`): the second is decided on
what the first wrote, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime

from services.matching.domain.model import OpenVacancy
from services.matching.domain.ranking import ProfileMatch
from services.matching.domain.rules import compile_vacancy
from services.matching.service_layer import match_events
from services.matching.service_layer.ports import VacancyChange


@dataclass(frozen=True)
class IncomingVacancy:
    """A vacancy as one incoming event opened or changed it."""

    vacancy: OpenVacancy
    # The incoming event's context (its id for derived event ids, its trace) to decide in.
    within: Callable[[], AbstractContextManager[object]] = field(default=nullcontext)


def distinct_runs(incoming: Sequence[IncomingVacancy]) -> Iterator[list[IncomingVacancy]]:
    """Consecutive pieces of `incoming`, in order, none holding a vacancy twice."""
    run: list[IncomingVacancy] = []
    ids: set[str] = set()
    for item in incoming:
        if item.vacancy.vacancy_id in ids:
            yield run
            run, ids = [], set()
        run.append(item)
        ids.add(item.vacancy.vacancy_id)
    if run:
        yield run


def opened_or_changed(
    store: object,
    profiles: object,
    run: Sequence[IncomingVacancy],
    now: datetime,
    single: Callable[[OpenVacancy], list[ProfileMatch]],
) -> list[list[ProfileMatch]]:
    """The matches of each vacancy of `run` (distinct ids) as `single` would decide them ([] when
    nothing was written); `store` and `profiles` have the batch calls (ports.VacancyBatchStore)."""
    reads = store.read_vacancies([item.vacancy.vacancy_id for item in run])  # type: ignore[attr-defined]
    decided: list[tuple[int, OpenVacancy]] = []
    for n, (item, read) in enumerate(zip(run, reads, strict=True)):
        vacancy = item.vacancy
        if read.stored is not None:
            if vacancy.is_older_than(read.stored):
                continue  # a redelivery overtaken by a newer event: nothing to decide
            # An update is not news to the client: keep when we first saw the vacancy.
            vacancy = vacancy.model_copy(update={"received_at": read.stored.received_at})
        decided.append((n, vacancy))
    criteria = [compile_vacancy(vacancy) for _, vacancy in decided]
    found = profiles.find_matching_many(criteria, now.date())  # type: ignore[attr-defined]
    changes = []
    for (n, vacancy), compiled, matches in zip(decided, criteria, found, strict=True):
        before = reads[n].match_set
        with run[n].within():
            pending = match_events.match_set_changed(vacancy.vacancy_id, before, matches, now)
        gone = sorted(set(before) - {m.client_id for m in matches})
        changes.append(VacancyChange(reads[n], vacancy, matches, gone, pending, compiled))
    results: list[list[ProfileMatch]] = [[] for _ in run]
    outcomes = store.apply_vacancies(changes)  # type: ignore[attr-defined]
    for (n, _), change, outcome in zip(decided, changes, outcomes, strict=True):
        if outcome is None:  # written by someone else since the read: decided again on what won
            with run[n].within():
                results[n] = single(run[n].vacancy)
        elif outcome:
            results[n] = change.matches
    return results
