"""Seeded benchmark data built by the matching service's own sample-data helpers, which draw
from the real reference data (ESCO occupations and skills, Dutch places weighted by population)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from services.matching.domain.model import make_search_profile
from services.matching.domain.rules import (
    ProfileCriteria,
    VacancyCriteria,
    compile_profile,
    compile_vacancy,
)
from services.matching.sample_data import random_profile_input, random_vacancy


def profile_criteria(n: int, now: datetime, seed: int = 11) -> Iterator[ProfileCriteria]:
    """`n` validated search profiles (the domain's own constructor), compiled for matching."""
    rng = random.Random(seed)
    for i in range(n):
        yield compile_profile(make_search_profile(random_profile_input(rng, f"c-bench-{i:07d}"), now=now))


def vacancy_criteria(n: int, now: datetime, seed: int = 12, prefix: str = "v-bench") -> Iterator[VacancyCriteria]:
    """`n` open vacancies, received over the last two weeks, compiled for matching."""
    rng = random.Random(seed)
    for i in range(n):
        received = now - timedelta(seconds=rng.randrange(14 * 24 * 3600))
        yield compile_vacancy(random_vacancy(rng, f"{prefix}-{i:07d}", today=now.date(), received_at=received))
