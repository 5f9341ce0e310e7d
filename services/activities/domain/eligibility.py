"""Which activities of a period may count at all, and which of them are duplicates.

- The type counts under the policy, the activity is not rejected and it was logged no later
  than the period's deadline.
- Registering with an agency or staffing pool counts once per agency, across all periods:
  UWV counts registering with a *new* agency (no source gives a cap per period).
- The same vacancy or the same employer on the same day counts once (CRvB via Judex: proof
  must be concrete and verifiable; two entries for one contact are one activity).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from services.activities.domain.counting import Candidate
from services.activities.domain.model import AGENCY_TYPES, Verification

if TYPE_CHECKING:
    from services.activities.domain.grid import Period
    from services.activities.domain.periods import ActivityFact

_NOT_WORD = re.compile(r"[\W_]+")
_LEGAL_FORMS = re.compile(r"\b(bv|b v|nv|n v|vof|v o f)\b")


@lru_cache(maxsize=8192)
def employer_key(name: str) -> str:
    """'Randstad B.V.' and ' randstad ' are one employer."""
    words = _NOT_WORD.sub(" ", name.casefold())
    return " ".join(_LEGAL_FORMS.sub(" ", words).split())


def repeated_agency_ids(facts: Iterable[ActivityFact]) -> set[str]:
    """Agency registrations after the first (not rejected) one with the same agency."""
    first: set[str] = set()
    repeated: set[str] = set()
    ordered = sorted(
        (f for f in facts if f.type in AGENCY_TYPES and f.verification is not Verification.REJECTED),
        key=lambda f: (f.date, f.logged_on, f.activity_id),
    )
    for f in ordered:
        key = employer_key(f.employer_key)
        if not key:
            continue
        if key in first:
            repeated.add(f.activity_id)
        first.add(key)
    return repeated


def _groups(facts: list[ActivityFact]) -> dict[str, str]:
    """Union of 'same day + same vacancy' and 'same day + same employer' into one group id."""
    parent = {f.activity_id: f.activity_id for f in facts}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    seen: dict[tuple[str, object, str], str] = {}
    for f in sorted(facts, key=lambda f: f.activity_id):
        for key in (("v", f.date, f.vacancy_id), ("e", f.date, employer_key(f.employer_key))):
            if not key[2]:
                continue
            if key in seen:
                parent[root(f.activity_id)] = root(seen[key])
            else:
                seen[key] = f.activity_id
    return {aid: root(aid) for aid in parent}


def eligible(period: Period, all_facts: list[ActivityFact], in_period: list[ActivityFact]) -> list[Candidate]:
    rule = period.policy.rule
    deadline = period.deadline
    ok = [f for f in in_period if f.type in rule.counting_types and f.logged_on <= deadline]
    if rule.new_agency_only and any(f.type in AGENCY_TYPES for f in ok):
        repeated = repeated_agency_ids(all_facts)
        ok = [f for f in ok if f.activity_id not in repeated]
    groups = _groups(ok)
    return [
        Candidate(f.activity_id, f.type, f.date, f.verification is Verification.APPROVED, groups[f.activity_id])
        for f in ok
    ]
