"""`check_content` for a whole ingest batch, with a fast path for the common, clean item.

Most items of a bulk feed hold no BSN-shaped number and no control character, and break no
rule. Scans over the joined texts of the batch (their UTF-8 bytes) show which items may hold
such a number or character; for every other item a short path builds the cleaned content
directly, from values checked once per batch or once per feed (see `clean_values`).
Any item that path is not sure of (a possible BSN, a suspicious character, a value that
breaks or even nears a rule) goes through `check_content` itself, so every violation, message
and field path comes from the one reference check. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from itertools import chain
from operator import attrgetter

from services.common.errors import FieldViolation

from .clean_values import clean_date, clean_list, clean_location, clean_occupation
from .model import (
    CONTRACT_TYPES,
    EDUCATION_LEVELS,
    SALARY_PERIODS,
    WORKPLACE_TYPES,
    VacancyContent,
)
from .personal_numbers import may_hold_bsn
from .rules import (
    _CURRENCY,
    _EMAIL,
    _LANGUAGE,
    _SUSPICIOUS,
    _SUSPICIOUS_MULTI_LINE,
    MAX_DESCRIPTION_BYTES,
    MAX_HOURS_PER_WEEK,
    MAX_ID,
    MAX_SHORT_TEXT,
    MAX_URL,
    _check_range,
    check_content,
)

_CONTRACT = frozenset(CONTRACT_TYPES)
_WORKPLACE = frozenset(WORKPLACE_TYPES)
_EDUCATION = frozenset(EDUCATION_LEVELS)
_SALARY_PERIOD = frozenset(SALARY_PERIODS)
# Up to this many characters a description is surely within MAX_DESCRIPTION_BYTES (<= 4 bytes each).
_SURELY_SHORT_DESCRIPTION = MAX_DESCRIPTION_BYTES // 4

_single_lines = attrgetter("source", "external_id", "title", "employer", "application_url", "application_email")
_description = attrgetter("description")
_public_texts = attrgetter("title", "employer", "description")  # the texts a BSN is masked in
Checked = tuple[VacancyContent | None, list[FieldViolation]]


def check_batch(batch: Sequence[VacancyContent], *, today: date, prefix: str) -> list[Checked]:
    """`check_content` of every item, in order (`prefix` is formatted with each item's index)."""
    doubtful = _doubtful_items(batch)
    checked: list[Checked] = []
    for index, content in enumerate(batch):
        cleaned = None if index in doubtful else _clean(content, today)
        if cleaned is not None:
            checked.append((cleaned, []))
        else:
            checked.append(check_content(content, today=today, prefix=prefix.format(index=index)))
    return checked


def _doubtful_items(batch: Sequence[VacancyContent]) -> set[int]:
    """Items that may hold a BSN-shaped number or a control character (or lone surrogate).

    The joins keep each text apart (a line feed is neither a digit nor a separator of the BSN
    look, and is allowed in descriptions); a scan finds everything the per-text scans would, so
    only when it finds something are the items looked at one by one."""
    doubtful: set[int] = set()
    if suspicious(" ".join(chain.from_iterable(map(_single_lines, batch))), multi_line=False):
        doubtful.update(i for i, c in enumerate(batch) if _SUSPICIOUS.search(" ".join(_single_lines(c))))
    if suspicious("\n".join(map(_description, batch)), multi_line=True):
        doubtful.update(i for i, c in enumerate(batch) if _SUSPICIOUS_MULTI_LINE.search(c.description))
    if may_hold_bsn("\n".join(chain.from_iterable(map(_public_texts, batch)))):
        doubtful.update(i for i, c in enumerate(batch) if may_hold_bsn("\n".join(_public_texts(c))))
    return doubtful


# What `_SUSPICIOUS` and `_SUSPICIOUS_MULTI_LINE` look for, found in the UTF-8 bytes: a lone
# surrogate does not encode, and deleting every other byte leaves only the control characters
# (a byte of a multi-byte character is never below 0x80). Twice as fast as the regex engine,
# which steps through every character.
_CONTROLS = bytes(range(0x20)) + b"\x7f"
_ALL_BUT_CONTROLS = bytes(b for b in range(256) if b not in _CONTROLS)
_ALL_BUT_MULTI_LINE_CONTROLS = bytes(b for b in range(256) if b not in _CONTROLS or b in b"\t\n\r")


def suspicious(text: str, *, multi_line: bool) -> bool:
    """A control character (tab and line breaks allowed when `multi_line`) or a lone surrogate."""
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return bool(raw.translate(None, _ALL_BUT_MULTI_LINE_CONTROLS if multi_line else _ALL_BUT_CONTROLS))


def _clean(c: VacancyContent, today: date) -> VacancyContent | None:
    """What `check_content` returns for a clean item with no BSN-shaped number; None when the
    item breaks or nears a rule (the caller then runs `check_content`)."""
    source, external_id, title = c.source.strip(), c.external_id.strip(), c.title.strip()
    employer, description = c.employer.strip(), c.description.strip()
    url, email = c.application_url.strip(), c.application_email.strip()
    if not (source and external_id and title) or len(source) > MAX_ID or len(external_id) > MAX_ID:
        return None
    if len(title) > MAX_SHORT_TEXT or len(employer) > MAX_SHORT_TEXT or len(description) > _SURELY_SHORT_DESCRIPTION:
        return None
    if url and (len(url) > MAX_URL or not url.lower().startswith(("https://", "http://"))):
        return None
    if email and (len(email) > MAX_SHORT_TEXT or not _EMAIL.match(email)):
        return None
    if (
        (c.contract_type and c.contract_type not in _CONTRACT)
        or (c.workplace_type and c.workplace_type not in _WORKPLACE)
        or (c.education_level and c.education_level not in _EDUCATION)
        or (c.salary_period and c.salary_period not in _SALARY_PERIOD)
    ):
        return None
    required, optional, languages = (
        clean_list(c.required_skills),
        clean_list(c.optional_skills),
        clean_list(c.languages),
    )
    if required is None or optional is None or languages is None:
        return None
    if languages:
        languages = tuple(lang.lower() for lang in languages)
        if not all(_LANGUAGE.match(lang) for lang in languages):
            return None
    found: list[FieldViolation] = []  # any violation here sends the item to check_content
    # Both ends given and in order: _check_range keeps them as they are (NaN fails every comparison).
    hours_min, hours_max = c.hours_min, c.hours_max
    if hours_min and hours_max and 0.0 < hours_min <= hours_max <= MAX_HOURS_PER_WEEK:
        pass
    elif hours_min or hours_max:
        hours_min, hours_max = _check_range("hours", hours_min, hours_max, MAX_HOURS_PER_WEEK, found)
    else:
        hours_min = hours_max = None
    salary_min, salary_max = c.salary_min, c.salary_max
    if salary_min and salary_max and 0.0 < salary_min <= salary_max < math.inf:
        pass
    elif salary_min or salary_max:
        salary_min, salary_max = _check_range("salary", salary_min, salary_max, None, found)
    else:
        salary_min = salary_max = None
    currency = c.salary_currency.strip().upper() or ("EUR" if salary_min is not None else "")
    if currency and not _CURRENCY.match(currency):
        return None
    posted, valid_through = clean_date(c.date_posted), clean_date(c.valid_through)
    if posted is None or valid_through is None:
        return None
    if valid_through and ((posted and valid_through[0] < posted[0]) or valid_through[0] < today):
        return None
    if found:
        return None
    occupation = clean_occupation(c.occupation.esco_uri, c.occupation.isco_code)
    location = clean_location(c.location)
    if occupation is None or location is None:
        return None
    return VacancyContent.trusted_fields(
        {
            "source": source,
            "external_id": external_id,
            "title": title,
            "description": description,
            "employer": employer,
            "occupation": occupation,
            "required_skills": required,
            "optional_skills": optional,
            "location": location,
            "workplace_type": c.workplace_type,
            "hours_min": hours_min,
            "hours_max": hours_max,
            "contract_type": c.contract_type,
            "education_level": c.education_level,
            "salary_min": salary_min,
            "salary_max": salary_max,
            "salary_currency": currency,
            "salary_period": c.salary_period,
            "languages": languages,
            "driving_licence_required": c.driving_licence_required,
            "date_posted": posted[1] if posted else today.isoformat(),
            "valid_through": valid_through[1] if valid_through else "",
            "application_url": url,
            "application_email": email,
        }
    )
