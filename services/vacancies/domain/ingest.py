"""Deciding what an incoming batch means: new, updated, unchanged, duplicate or rejected.

Pure: the service layer hands in what the store already knows (per (source, external_id)
and per fingerprint) and gets back a plan for the store plus one result per item.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from services.common.errors import FieldViolation, t

from .model import EXPIRED, IngestStatus, VacancyContent


@dataclass(frozen=True, slots=True)
class KnownSource:
    """What the store holds for one (source, external_id)."""

    vacancy_id: str
    content_hash: str
    canonical: bool  # False: a link from another source onto an existing vacancy
    is_open: bool
    closed_reason: str = ""


# Not frozen, like ItemResult and NewVacancy: ingest makes one of each per vacancy, and a frozen
# dataclass sets every field through object.__setattr__ (~2.7 µs an ItemResult, ~0.5 plain).
# Nothing changes them after they are made.
@dataclass(slots=True)
class PreparedItem:
    """A checked item with its hashes computed (once, before any store access)."""

    index: int
    content: VacancyContent
    fingerprint: str
    content_hash: str


@dataclass(slots=True)  # not frozen: see PreparedItem
class ItemResult:
    index: int
    source: str
    external_id: str
    status: IngestStatus
    vacancy_id: str = ""
    duplicate_of: str = ""
    violations: tuple[FieldViolation, ...] = ()
    expired: bool = False  # rejected only because its closing date has passed


@dataclass(slots=True)  # not frozen: see PreparedItem
class NewVacancy:
    vacancy_id: str
    item: PreparedItem


@dataclass(frozen=True, slots=True)
class ChangedVacancy:
    vacancy_id: str
    item: PreparedItem
    is_open: bool  # only open vacancies announce the change
    reopen: bool = False  # expired, and the source sent it again (so with a closing date still ahead)


@dataclass(frozen=True, slots=True)
class SourceLink:
    """(source, external_id) of another source, pointing at the canonical vacancy."""

    vacancy_id: str
    item: PreparedItem


@dataclass
class IngestPlan:
    new: list[NewVacancy] = field(default_factory=list)
    changed: list[ChangedVacancy] = field(default_factory=list)
    links: list[SourceLink] = field(default_factory=list)  # new or changed links (upserted)

    def is_empty(self) -> bool:
        return not (self.new or self.changed or self.links)


def duplicate_in_batch(index: int, first: int) -> FieldViolation:
    return FieldViolation(
        f"vacancies[{index}].external_id",
        t(
            f"Deze vacature (bron + id) staat al eerder in deze batch (nummer {first}).",
            f"This vacancy (source + id) already appears earlier in this batch (item {first}).",
        ),
    )


def plan_ingest(
    items: Sequence[PreparedItem],
    known: Mapping[tuple[str, str], KnownSource],
    open_by_fingerprint: Mapping[str, Sequence[tuple[str, str]]],
    new_id: Callable[[], str],
) -> tuple[IngestPlan, list[ItemResult]]:
    """What to store for `items` (already checked) and the result for each of them.

    `open_by_fingerprint` maps a fingerprint to (vacancy_id, source) of open vacancies.
    """
    plan = IngestPlan()
    results: list[ItemResult] = []
    seen: dict[tuple[str, str], int] = {}
    # Vacancies created earlier in this batch count for deduplication too.
    batch_fingerprints: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        content = item.content
        key = content.key
        source, external_id = key
        if key in seen:
            results.append(
                ItemResult(
                    item.index, source, external_id, "rejected", violations=(duplicate_in_batch(item.index, seen[key]),)
                )
            )
            continue
        seen[key] = item.index
        existing = known.get(key)
        if existing is not None:
            duplicate_of = "" if existing.canonical else existing.vacancy_id
            if existing.content_hash == item.content_hash:
                results.append(
                    ItemResult(item.index, source, external_id, "unchanged", existing.vacancy_id, duplicate_of)
                )
            elif existing.canonical:
                reopen = not existing.is_open and existing.closed_reason == EXPIRED
                plan.changed.append(ChangedVacancy(existing.vacancy_id, item, existing.is_open, reopen))
                results.append(ItemResult(item.index, source, external_id, "updated", existing.vacancy_id))
            elif not existing.is_open:
                # The vacancy it was linked to is closed, but this source still changes its copy:
                # from now on it is a vacancy of its own.
                vacancy_id = new_id()
                plan.new.append(NewVacancy(vacancy_id, item))
                results.append(ItemResult(item.index, source, external_id, "accepted", vacancy_id))
            else:
                # A linked source changed its copy: the canonical vacancy stays as it is.
                plan.links.append(SourceLink(existing.vacancy_id, item))
                results.append(
                    ItemResult(item.index, source, external_id, "duplicate", existing.vacancy_id, existing.vacancy_id)
                )
            continue
        stored, in_batch = open_by_fingerprint.get(item.fingerprint), batch_fingerprints.get(item.fingerprint)
        canonical = None
        if stored or in_batch:  # most items have no twin: no candidate list to build
            candidates = [*(stored or ()), *(in_batch or ())]
            canonical = next((vid for vid, other in candidates if other != source), None)
        if canonical is not None:
            plan.links.append(SourceLink(canonical, item))
            results.append(ItemResult(item.index, source, external_id, "duplicate", canonical, canonical))
            continue
        vacancy_id = new_id()
        plan.new.append(NewVacancy(vacancy_id, item))
        batch_fingerprints.setdefault(item.fingerprint, []).append((vacancy_id, source))
        results.append(ItemResult(item.index, source, external_id, "accepted", vacancy_id))
    return plan, results
