"""Reading the loosely typed values of published job postings: employment types, working
hours, countries and dates as employers, job boards and ATSs write them.

Pure and tolerant: every reader returns the value or None ("could not read it"); the caller
turns None into a warning and leaves the field out. Nothing here guesses a value that the
text does not say.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date
from email.utils import parsedate_tz
from functools import lru_cache

# employmentType (Google's values, local words, ATS codes) -> contract type of the domain
# ("" = says nothing about the contract, e.g. full-time) or a workplace type ("@remote").
# The table is documented in services/vacancies/README.md ("Import: employmentType").
EMPLOYMENT_TYPES: dict[str, str] = {
    # schema.org / Google for Jobs
    "FULL_TIME": "",
    "PART_TIME": "",
    "OTHER": "",
    "CONTRACTOR": "freelance",
    "TEMPORARY": "temporary",
    "INTERN": "internship",
    "VOLUNTEER": "volunteer",
    "PER_DIEM": "temporary",
    "PERMANENT": "permanent",
    # English words and ATS codes (Indeed XML jobtype, Workable, Personio, Recruitee, Greenhouse)
    "FULLTIME": "",
    "PARTTIME": "",
    "FULL": "",
    "PART": "",
    "FULL_TIME_PERMANENT": "permanent",
    "CONTRACT": "freelance",
    "FREELANCE": "freelance",
    "SELF_EMPLOYED": "freelance",
    "TEMP": "temporary",
    "FIXED_TERM": "temporary",
    "SEASONAL": "temporary",
    "INTERNSHIP": "internship",
    "TRAINEE": "internship",
    "APPRENTICESHIP": "apprenticeship",
    "APPRENTICE": "apprenticeship",
    "WORKING_STUDENT": "",
    "GRADUATE": "",
    "STUDENT": "",
    "CASUAL": "temporary",
    "AGENCY": "temporary_agency",
    # Dutch
    "VOLTIJD": "",
    "DEELTIJD": "",
    "VAST": "permanent",
    "VASTE_BAAN": "permanent",
    "VAST_CONTRACT": "permanent",
    "ONBEPAALDE_TIJD": "permanent",
    "TIJDELIJK": "temporary",
    "TIJDELIJK_CONTRACT": "temporary",
    "BEPAALDE_TIJD": "temporary",
    "UITZENDEN": "temporary_agency",
    "UITZENDWERK": "temporary_agency",
    "DETACHERING": "temporary_agency",
    "ZZP": "freelance",
    "STAGE": "internship",
    "AFSTUDEERSTAGE": "internship",
    "BBL": "apprenticeship",
    "LEERWERKBAAN": "apprenticeship",
    "VRIJWILLIGER": "volunteer",
    "VRIJWILLIGERSWERK": "volunteer",
    "BIJBAAN": "",
    "OPROEPKRACHT": "temporary",
    # German
    "VOLLZEIT": "",
    "TEILZEIT": "",
    "FESTANSTELLUNG": "permanent",
    "UNBEFRISTET": "permanent",
    "BEFRISTET": "temporary",
    "PRAKTIKUM": "internship",
    "AUSBILDUNG": "apprenticeship",
    "WERKSTUDENT": "",
    "MINIJOB": "",
    "FREIBERUFLICH": "freelance",
    "ZEITARBEIT": "temporary_agency",
    "EHRENAMT": "volunteer",
    # French
    "CDI": "permanent",
    "CDD": "temporary",
    "TEMPS_PLEIN": "",
    "TEMPS_PARTIEL": "",
    "ALTERNANCE": "apprenticeship",
    "APPRENTISSAGE": "apprenticeship",
    "INTERIM": "temporary_agency",
    "BENEVOLAT": "volunteer",
    "INDEPENDANT": "freelance",
    # Really workplace types, published in employmentType
    "REMOTE": "@remote",
    "TELECOMMUTE": "@remote",
    "THUISWERK": "@remote",
    "HOMEOFFICE": "@remote",
    "TELETRAVAIL": "@remote",
    "HYBRID": "@hybrid",
    "HYBRIDE": "@hybrid",
    "ON_SITE": "@on_site",
    "ONSITE": "@on_site",
}
# Sent as one string: "Full-Time, Part-Time", "fulltime; parttime".
_LIST_SEPARATORS = re.compile(r"\s*[,;/|]\s*|\s+(?:and|en|und|et|or|of|oder|ou)\s+", re.IGNORECASE)


def fold_key(value: str) -> str:
    """ "Full-time" / "full time" / "Intérim" -> "FULL_TIME" / "FULL_TIME" / "INTERIM"."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "_", plain.upper()).strip("_")


@lru_cache(maxsize=4096)
def employment_types(value: str) -> tuple[tuple[str, str | None], ...]:
    """Each word of one employmentType string with what it means (None: unknown)."""
    found: list[tuple[str, str | None]] = []
    for part in _LIST_SEPARATORS.split(value.strip()):
        key = fold_key(part)
        if not key:
            continue
        meaning = EMPLOYMENT_TYPES.get(key)
        if meaning is None and "_" in key:  # compound ATS codes: "FULLTIME_PERMANENT", "PART_TIME_TEMPORARY"
            pieces = [EMPLOYMENT_TYPES.get(p) for p in key.split("_")]
            joined = [EMPLOYMENT_TYPES.get(a + "_" + b) for a, b in itertools.pairwise(key.split("_"))]
            known = [p for p in (*pieces, *joined) if p is not None]
            meaning = next((p for p in known if p), "" if known else None)
        found.append((part.strip(), meaning))
    return tuple(found)


# Working hours per week: "24-36 uur", "32 hours per week", "38,5 Std./Woche", "40".
_NUMBER = r"(\d{1,3}(?:[.,]\d{1,2})?)"
_HOUR_WORDS = r"(?:uur|u\b|hours?|hrs?\b|h\b|std\b|stunden|heures?|hod)"
_HOURS_WITH_UNIT = re.compile(
    _NUMBER + r"\s*(?:(?:-|–|—|tot|to|bis|à|a|t/m)\s*" + _NUMBER + r")?\s*" + _HOUR_WORDS, re.IGNORECASE
)
_ONLY_NUMBERS = re.compile(r"^\s*" + _NUMBER + r"\s*(?:(?:-|–|—|tot|to|bis|à)\s*" + _NUMBER + r")?\s*$", re.IGNORECASE)
_CLOCK_TIMES = re.compile(r"\d{1,2}[:.]\d{2}\s*(?:-|–|—|to|tot|bis)|\d\s*(?:am|pm)\b", re.IGNORECASE)


@lru_cache(maxsize=4096)
def weekly_hours(text: str) -> tuple[float, float] | None:
    """Hours per week as (low, high), or None when the text gives no hours per week."""
    if not text.strip() or _CLOCK_TIMES.search(text):
        return None  # "8am - 5pm", "9:00-17:00": times of day, not hours per week
    match = _ONLY_NUMBERS.match(text) or _HOURS_WITH_UNIT.search(text)
    if match is None:
        return None
    low = float(match.group(1).replace(",", "."))
    high = float(match.group(2).replace(",", ".")) if match.group(2) else low
    return low, high


_COUNTRY_NAMES = {
    "NEDERLAND": "NL",
    "HOLLAND": "NL",
    "THE_NETHERLANDS": "NL",
    "NIEDERLANDE": "NL",
    "PAYS_BAS": "NL",
    "BELGIE": "BE",
    "BELGIQUE": "BE",
    "BELGIEN": "BE",
    "DUITSLAND": "DE",
    "DEUTSCHLAND": "DE",
    "ALLEMAGNE": "DE",
    "FRANKRIJK": "FR",
    "FRANKREICH": "FR",
    "LUXEMBURG": "LU",
    "OSTERREICH": "AT",
    "OOSTENRIJK": "AT",
    "SCHWEIZ": "CH",
    "SUISSE": "CH",
    "ZWITSERLAND": "CH",
    "ESPANA": "ES",
    "SPANJE": "ES",
    "ITALIE": "IT",
    "UK": "GB",
    "ENGLAND": "GB",
    "GROOT_BRITTANNIE": "GB",
    "VERENIGD_KONINKRIJK": "GB",
    "USA": "US",
    "VERENIGDE_STATEN": "US",
    "POLEN": "PL",
    "DENEMARKEN": "DK",
    "ZWEDEN": "SE",
    "NOORWEGEN": "NO",
}


@lru_cache(maxsize=1024)
def country_code(value: str) -> str | None:
    """ISO 3166 alpha-2 for an alpha-2 or alpha-3 code or a country name (English, Dutch,
    German, French); None when it is not a country we can name."""
    import pycountry  # loaded on first use: its data files take a moment

    text = value.strip()
    key = fold_key(text)
    if key in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[key]
    if len(text) == 2 and text.isalpha():
        country = pycountry.countries.get(alpha_2=text.upper())
    elif len(text) == 3 and text.isalpha():
        country = pycountry.countries.get(alpha_3=text.upper())
    else:
        try:
            country = pycountry.countries.lookup(text)
        except LookupError:
            country = None
    return country.alpha_2 if country is not None else None


_ISO_DATE = re.compile(r"^\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:$|[T\s])")
_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+(" + "|".join(_MONTHS) + r")[a-z]*\.?\s+(\d{4})\b", re.IGNORECASE)


@lru_cache(maxsize=8192)
def calendar_date(text: str) -> str | None:
    """ "YYYY-MM-DD" from ISO dates (with or without time and zone, space instead of T),
    RFC 2822 dates and unambiguous day-first dates ("19/10/2018"); None otherwise.

    An ISO-shaped date that does not exist ("2026-02-30") is returned as written: the
    service's checks refuse it, a broken date is not quietly dropped."""
    if match := _ISO_DATE.match(text):
        return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}"
    if match := _DAY_FIRST.match(text):
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if first > 12 >= second:
            day, month = first, second
        elif second > 12 >= first:
            day, month = second, first
        else:
            return None  # 05/06/2024: 5 June or May 6? Not guessed.
        return _valid(year, month, day)
    parsed = parsedate_tz(text)
    if parsed is not None and parsed[0] > 1900:
        return _valid(parsed[0], parsed[1], parsed[2])
    if match := _DAY_MONTH_YEAR.search(text):  # "Mon, 08 Nov 2021" (RFC 2822 without a time)
        return _valid(int(match.group(3)), _MONTHS.index(match.group(2).lower()) + 1, int(match.group(1)))
    return None


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None
