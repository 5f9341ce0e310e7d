"""Use cases that write vacancy content: bulk ingest (the fast path) and single upsert."""

from __future__ import annotations

import itertools
import os
import secrets
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from services.common.errors import InvalidArgument, NotFound, ResourceExhausted, t

from ..domain.batch_checks import check_batch
from ..domain.fingerprints import content_hash, fingerprint
from ..domain.ingest import ItemResult, PreparedItem, plan_ingest
from ..domain.model import IngestStatus, Vacancy, VacancyContent
from ..domain.rules import CLOSING_DATE_PASSED
from .ports import Clock, VacancyStore

DUTCH_TIME = ZoneInfo("Europe/Amsterdam")


class _VacancyIds:
    """ "vac_" + 32 hex digits, like the uuid4 ids before: a random 64-bit prefix per process
    and a counter (~1 µs an id where uuid4 took ~5 µs). The prefix is drawn again in every
    forked child, so worker processes never share one."""

    def __init__(self) -> None:
        self.renew()

    def renew(self) -> None:
        self._prefix = "vac_" + secrets.token_hex(8)
        self._counter = itertools.count()  # next() on it is atomic under the GIL

    def __call__(self) -> str:
        return f"{self._prefix}{next(self._counter):016x}"


new_vacancy_id = _VacancyIds()
os.register_at_fork(after_in_child=new_vacancy_id.renew)


@dataclass
class CheckedBatch:
    """A batch after the pure work (checks, hashes), before the store is consulted."""

    now: datetime
    size: int
    rejected: dict[int, ItemResult]
    prepared: list[PreparedItem]


# A batch is one gRPC message: thousands fit the 32 MiB message limit and keep a batch's
# SQLite transaction short. A stream may carry a large feed, but not an endless one.
MAX_BATCH_ITEMS = 5_000
MAX_STREAM_ITEMS = 1_000_000


def check_ingest_limits(batch_items: int, streamed_items: int) -> None:
    """ResourceExhausted when a batch or a whole stream carries more than we take at once."""
    if batch_items > MAX_BATCH_ITEMS:
        raise ResourceExhausted(
            t(
                f"Stuur hoogstens {MAX_BATCH_ITEMS} vacatures per batch; deze batch had er {batch_items}.",
                f"Send at most {MAX_BATCH_ITEMS} vacancies per batch; this batch had {batch_items}.",
            )
        )
    if streamed_items > MAX_STREAM_ITEMS:
        raise ResourceExhausted(
            t(
                f"Stuur hoogstens {MAX_STREAM_ITEMS} vacatures per stream. Begin een nieuwe stream voor de rest.",
                f"Send at most {MAX_STREAM_ITEMS} vacancies per stream. Start a new stream for the rest.",
            )
        )


class IngestVacancies:
    """Check, deduplicate and store one batch; one result per item, in order.

    A bad item is rejected with field violations; the rest of the batch goes on.
    """

    def __init__(self, store: VacancyStore, clock: Clock, new_id: Callable[[], str] = new_vacancy_id) -> None:
        self._store = store
        self._clock = clock
        self._new_id = new_id
        # Look-up, decision and write must not interleave between two concurrent streams,
        # or both would take the same new (source, external_id) for theirs.
        self._storing = threading.Lock()

    def __call__(self, batch: Sequence[VacancyContent], field_prefix: str = "vacancies[{index}].") -> list[ItemResult]:
        return self.store(self.check(batch, field_prefix))

    def check(self, batch: Sequence[VacancyContent], field_prefix: str = "vacancies[{index}].") -> CheckedBatch:
        """The pure half: validate and hash every item (no store access)."""
        now = self._clock()
        today = now.astimezone(DUTCH_TIME).date()
        rejected: dict[int, ItemResult] = {}
        prepared: list[PreparedItem] = []
        checked = check_batch(batch, today=today, prefix=field_prefix)
        for index, (content, (cleaned, violations)) in enumerate(zip(batch, checked, strict=True)):
            if cleaned is None:
                expired = all(v.description == CLOSING_DATE_PASSED for v in violations)
                rejected[index] = ItemResult(
                    index,
                    content.source,
                    content.external_id,
                    "rejected",
                    violations=tuple(violations),
                    expired=expired,
                )
                continue
            prepared.append(PreparedItem(index, cleaned, fingerprint(cleaned), content_hash(cleaned)))
        return CheckedBatch(now, len(batch), rejected, prepared)

    def store(self, checked: CheckedBatch) -> list[ItemResult]:
        """The store half: look up what is known, decide, write in one transaction."""
        prepared = checked.prepared
        with self._storing:
            known = self._store.known_sources([item.content.key for item in prepared])
            unknown = [item.fingerprint for item in prepared if item.content.key not in known]
            by_fingerprint = self._store.open_by_fingerprint(unknown) if unknown else {}
            plan, decided = plan_ingest(prepared, known, by_fingerprint, self._new_id)
            self._store.apply_ingest(plan, checked.now)
        if not checked.rejected:
            return decided  # one result per item, in the items' order
        results = dict(checked.rejected)
        for result in decided:
            results[result.index] = result
        return [results[index] for index in range(checked.size)]


@dataclass(frozen=True)
class UpsertResult:
    vacancy: Vacancy
    status: IngestStatus
    duplicate_of: str


class UpsertVacancy:
    """One vacancy through the same rules as ingest; bad input is an InvalidArgument error."""

    def __init__(self, ingest: IngestVacancies, store: VacancyStore) -> None:
        self._ingest = ingest
        self._store = store

    def __call__(self, content: VacancyContent) -> UpsertResult:
        (result,) = self._ingest([content], field_prefix="vacancy.")
        if result.status == "rejected":
            raise InvalidArgument(result.violations)
        vacancy = self._store.get(result.vacancy_id)
        if vacancy is None:  # pragma: no cover - the store just wrote it
            raise NotFound()
        return UpsertResult(vacancy, result.status, result.duplicate_of)
