"""Reading one vacancy, withdrawing it, and closing the ones whose closing date passed."""

from __future__ import annotations

import re
from datetime import datetime

from services.common.errors import FieldViolation, InvalidArgument, NotFound, t

from ..domain.model import Vacancy
from .ingest import DUTCH_TIME
from .ports import Clock, VacancyStore

MAX_REASON = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def _not_found(vacancy_id: str) -> NotFound:
    return NotFound(t(f"Vacature {vacancy_id[:60]} bestaat niet.", f"Vacancy {vacancy_id[:60]} does not exist."))


def _require_id(vacancy_id: str) -> None:
    if not vacancy_id.strip():
        raise InvalidArgument([FieldViolation("vacancy_id", t("Dit veld is verplicht.", "This field is required."))])


class GetVacancy:
    def __init__(self, store: VacancyStore) -> None:
        self._store = store

    def __call__(self, vacancy_id: str) -> Vacancy:
        _require_id(vacancy_id)
        vacancy = self._store.get(vacancy_id)
        if vacancy is None:
            raise _not_found(vacancy_id)
        return vacancy


class WithdrawVacancy:
    """Close a vacancy early (e.g. filled). Withdrawing a closed vacancy changes nothing."""

    def __init__(self, store: VacancyStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def __call__(self, vacancy_id: str, reason: str = "") -> Vacancy:
        _require_id(vacancy_id)
        reason = reason.strip() or "withdrawn"
        if len(reason) > MAX_REASON or _CONTROL.search(reason):
            raise InvalidArgument(
                [
                    FieldViolation(
                        "reason",
                        t(
                            f"Geef een korte reden (maximaal {MAX_REASON} tekens, zonder stuurtekens).",
                            f"Give a short reason (at most {MAX_REASON} characters, no control characters).",
                        ),
                    )
                ]
            )
        vacancy = self._store.close(vacancy_id, reason, self._clock())
        if vacancy is None:
            raise _not_found(vacancy_id)
        return vacancy


class ExpireVacancies:
    """Close every open vacancy whose last open day (valid_through, Dutch date) has passed."""

    def __init__(self, store: VacancyStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def __call__(self, now: datetime | None = None) -> list[str]:
        now = now or self._clock()
        return self._store.expire(now.astimezone(DUTCH_TIME).date().isoformat(), now)
