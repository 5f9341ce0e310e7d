"""Checking and normalising incoming vacancy content.

`check_content` returns either a clean, enriched `VacancyContent` or precise field
violations; nothing invalid gets past it. Pure: "today" is passed in.
"""

from __future__ import annotations

import math
import re
from datetime import date
from functools import lru_cache

from services.common.errors import FieldViolation, t
from services.common.reference import occupations, places
from services.common.text import has_control_characters

from .model import (
    CONTRACT_TYPES,
    EDUCATION_LEVELS,
    SALARY_PERIODS,
    WORKPLACE_TYPES,
    Location,
    Occupation,
    VacancyContent,
)
from .personal_numbers import mask_bsn

MAX_DESCRIPTION_BYTES = 64 * 1024
MAX_SHORT_TEXT = 300
MAX_ID = 200
MAX_URL = 2048
MAX_LIST_ITEMS = 100
MAX_HOURS_PER_WEEK = 80.0
ESCO_OCCUPATION_PREFIX = "http://data.europa.eu/esco/occupation/"

# Control characters are never valid; tab and line breaks only in the description.
# Lone surrogates are what undecodable bytes become (errors="surrogateescape").
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# One scan for "anything suspicious" keeps the common, clean case cheap.
_SUSPICIOUS = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_SUSPICIOUS_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISCO = re.compile(r"^\d{1,4}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
# "(m/v/x)", "m/v", "(v/m)", "(m/w/d)": gender markers differ between sources of one vacancy.
# The one violation of a posting that is only too late: importers count such postings as expired.
CLOSING_DATE_PASSED = t("De sluitingsdatum is al voorbij.", "The closing date has already passed.")

_SINGLE_LINE_FIELDS = ("source", "external_id", "title", "employer", "application_url", "application_email")
_ENUMS = (
    ("contract_type", CONTRACT_TYPES, "contracttype"),
    ("workplace_type", WORKPLACE_TYPES, "werkplek"),
    ("education_level", EDUCATION_LEVELS, "opleidingsniveau"),
    ("salary_period", SALARY_PERIODS, "salarisperiode"),
)


def _bad_text(field: str, value: str, single_line: bool, violations: list[FieldViolation]) -> bool:
    if _SURROGATE.search(value):
        violations.append(
            FieldViolation(field, t("Deze tekst is geen geldige UTF-8.", "This text is not valid UTF-8."))
        )
        return True
    if has_control_characters(value, multiline=not single_line):
        violations.append(
            FieldViolation(
                field, t("Deze tekst bevat verboden stuurtekens.", "This text contains forbidden control characters.")
            )
        )
        return True
    return False


def _too_long(field: str, value: str, limit: int, violations: list[FieldViolation]) -> None:
    if len(value) > limit:
        violations.append(
            FieldViolation(
                field,
                t(
                    f"Deze tekst is te lang: maximaal {limit} tekens.",
                    f"This text is too long: at most {limit} characters.",
                ),
            )
        )


def _parse_date(field: str, value: str, violations: list[FieldViolation]) -> date | None:
    if not value:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        violations.append(
            FieldViolation(
                field, t("Dit is geen geldige datum. Gebruik JJJJ-MM-DD.", "This is not a valid date. Use YYYY-MM-DD.")
            )
        )
        return None


def check_content(
    content: VacancyContent, *, today: date, prefix: str = ""
) -> tuple[VacancyContent | None, list[FieldViolation]]:
    """The cleaned and enriched content, or None plus what is wrong (field names get `prefix`)."""
    v: list[FieldViolation] = []
    c = content
    text = {name: getattr(c, name).strip() for name in (*_SINGLE_LINE_FIELDS, "description")}
    for name in ("title", "employer", "description"):  # a BSN never travels in a public job ad
        text[name] = mask_bsn(text[name])
    single_lines = "".join(text[name] for name in _SINGLE_LINE_FIELDS)
    if _SUSPICIOUS.search(single_lines) or _SUSPICIOUS_MULTI_LINE.search(text["description"]):
        for name, value in text.items():
            _bad_text(name, value, name != "description", v)
    for name in ("source", "external_id", "title"):
        if not text[name]:
            v.append(FieldViolation(name, t("Dit veld is verplicht.", "This field is required.")))
    _too_long("source", text["source"], MAX_ID, v)
    _too_long("external_id", text["external_id"], MAX_ID, v)
    _too_long("title", text["title"], MAX_SHORT_TEXT, v)
    _too_long("employer", text["employer"], MAX_SHORT_TEXT, v)
    _too_long("application_url", text["application_url"], MAX_URL, v)
    _too_long("application_email", text["application_email"], MAX_SHORT_TEXT, v)
    if len(text["description"].encode("utf-8", "surrogatepass")) > MAX_DESCRIPTION_BYTES:
        v.append(
            FieldViolation(
                "description",
                t("De omschrijving is te lang: maximaal 64 KiB.", "The description is too long: at most 64 KiB."),
            )
        )
    url = text["application_url"]
    if url and not url.lower().startswith(("https://", "http://")):
        v.append(
            FieldViolation(
                "application_url",
                t("Dit is geen webadres (begin met https://).", "This is not a web address (start with https://)."),
            )
        )
    if text["application_email"] and not _EMAIL.match(text["application_email"]):
        v.append(
            FieldViolation(
                "application_email", t("Dit is geen geldig e-mailadres.", "This is not a valid e-mail address.")
            )
        )
    for name, allowed, nl_name in _ENUMS:
        value = getattr(c, name)
        if value and value not in allowed:
            v.append(
                FieldViolation(
                    name,
                    t(
                        f"Onbekende {nl_name} '{value[:40]}'. Kies uit: {', '.join(allowed)}.",
                        f"Unknown {name.replace('_', ' ')} '{value[:40]}'. Choose from: {', '.join(allowed)}.",
                    ),
                )
            )
    lists = {
        name: _clean_list(name, getattr(c, name), v) for name in ("required_skills", "optional_skills", "languages")
    }
    languages = tuple(lang.lower() for lang in lists["languages"])
    for lang in languages:
        if not _LANGUAGE.match(lang):
            v.append(
                FieldViolation(
                    "languages",
                    t(
                        f"Onbekende taalcode '{lang[:10]}': gebruik twee letters, zoals 'nl'.",
                        f"Unknown language code '{lang[:10]}': use two letters, like 'nl'.",
                    ),
                )
            )
            break
    hours_min, hours_max = _check_range("hours", c.hours_min, c.hours_max, MAX_HOURS_PER_WEEK, v)
    salary_min, salary_max = _check_range("salary", c.salary_min, c.salary_max, None, v)
    currency = c.salary_currency.strip().upper() or ("EUR" if salary_min is not None else "")
    if currency and not _CURRENCY.match(currency):
        v.append(
            FieldViolation(
                "salary_currency", t("Gebruik een valutacode zoals EUR.", "Use a currency code such as EUR.")
            )
        )
    posted = _parse_date("date_posted", c.date_posted.strip(), v)
    valid_through = _parse_date("valid_through", c.valid_through.strip(), v)
    if posted and valid_through and valid_through < posted:
        v.append(
            FieldViolation(
                "valid_through",
                t("De sluitingsdatum ligt vóór de plaatsingsdatum.", "The closing date is before the date posted."),
            )
        )
    elif valid_through and valid_through < today:
        v.append(FieldViolation("valid_through", CLOSING_DATE_PASSED))
    occupation = _check_occupation(c.occupation, v)
    location = _check_location(c.location, v)
    if v:
        return None, [FieldViolation(f"{prefix}{x.field}", x.description) for x in v]
    # Built from values checked above, each of its field's type: validating them again in
    # pydantic would only repeat that (~20 µs a vacancy on the ingest path).
    cleaned = VacancyContent.trusted(
        **{
            **c.__dict__,
            **text,
            "required_skills": lists["required_skills"],
            "optional_skills": lists["optional_skills"],
            "languages": languages,
            "hours_min": hours_min,
            "hours_max": hours_max,
            "salary_min": salary_min,
            "salary_max": salary_max,
            "salary_currency": currency,
            "date_posted": (posted or today).isoformat(),
            "valid_through": valid_through.isoformat() if valid_through else "",
            "occupation": occupation,
            "location": location,
        }
    )
    return cleaned, []


def _clean_list(field: str, values: tuple[str, ...], v: list[FieldViolation]) -> tuple[str, ...]:
    if not values:  # most vacancies leave most lists empty: no generator, no dict
        return ()
    if len(values) > MAX_LIST_ITEMS:
        v.append(FieldViolation(field, t(f"Maximaal {MAX_LIST_ITEMS} items.", f"At most {MAX_LIST_ITEMS} items.")))
    cleaned = tuple(dict.fromkeys(item.strip() for item in values if item.strip()))
    for item in cleaned:
        if _bad_text(field, item, True, v):
            break
        if len(item) > MAX_SHORT_TEXT:
            _too_long(field, item, MAX_SHORT_TEXT, v)
            break
    return cleaned


def _check_range(
    name: str, low: float | None, high: float | None, limit: float | None, v: list[FieldViolation]
) -> tuple[float | None, float | None]:
    """A [min, max] range where 0/None means "not given"; one given end fills the other."""
    low = low or None
    high = high or None
    for field, value in ((f"{name}_min", low), (f"{name}_max", high)):
        if value is not None and (not math.isfinite(value) or value < 0 or (limit is not None and value > limit)):
            upper = f" en hoogstens {limit:g}" if limit else ""
            upper_en = f" and at most {limit:g}" if limit else ""
            v.append(FieldViolation(field, t(f"Moet 0 of meer zijn{upper}.", f"Must be 0 or more{upper_en}.")))
            return None, None
    if low is not None and high is not None and low > high:
        v.append(
            FieldViolation(
                f"{name}_min", t("Het minimum is hoger dan het maximum.", "The minimum is higher than the maximum.")
            )
        )
    if low is None:
        low = high
    if high is None:
        high = low
    return low, high


def _check_occupation(occupation: Occupation, v: list[FieldViolation]) -> Occupation:
    uri = occupation.esco_uri.strip()
    isco = occupation.isco_code.strip()
    if uri and not uri.startswith(ESCO_OCCUPATION_PREFIX):
        v.append(
            FieldViolation(
                "occupation.esco_uri",
                t(
                    f"Dit is geen ESCO-beroep (begin met {ESCO_OCCUPATION_PREFIX}).",
                    f"This is not an ESCO occupation (start with {ESCO_OCCUPATION_PREFIX}).",
                ),
            )
        )
        return occupation
    if isco and not (_ISCO.match(isco) and occupations.is_valid_isco_code(isco)):
        v.append(FieldViolation("occupation.isco_code", t("Onbekende ISCO-08-code.", "Unknown ISCO-08 code.")))
        return occupation
    known = occupations.by_uri(uri) if uri else None
    if known is not None:
        if isco and not known.isco_code.startswith(isco):
            v.append(
                FieldViolation(
                    "occupation.isco_code",
                    t(
                        f"Hoort niet bij dit ESCO-beroep (dat is {known.isco_code}).",
                        f"Does not belong to this ESCO occupation (that is {known.isco_code}).",
                    ),
                )
            )
        return Occupation.trusted(esco_uri=uri, isco_code=known.isco_code, label=known.label_nl)
    return Occupation.trusted(esco_uri=uri, isco_code=isco, label="")


def _check_location(location: Location, v: list[FieldViolation]) -> Location:
    lat, lon = location.latitude, location.longitude
    name = location.place_name.strip()
    country = location.country_code.strip().upper()
    province = location.province_code.strip()
    if _bad_text("location.place_name", name, True, v):
        return location
    _too_long("location.place_name", name, MAX_SHORT_TEXT, v)
    if (lat is None) != (lon is None):
        v.append(
            FieldViolation("location", t("Geef zowel breedte- als lengtegraad.", "Give both latitude and longitude."))
        )
    if lat is not None and not (-90.0 <= lat <= 90.0):
        v.append(
            FieldViolation(
                "location.latitude",
                t("Breedtegraad moet tussen -90 en 90 liggen.", "Latitude must be between -90 and 90."),
            )
        )
    if lon is not None and not (-180.0 <= lon <= 180.0):
        v.append(
            FieldViolation(
                "location.longitude",
                t("Lengtegraad moet tussen -180 en 180 liggen.", "Longitude must be between -180 and 180."),
            )
        )
    if country and not _COUNTRY.match(country):
        v.append(
            FieldViolation(
                "location.country_code", t("Gebruik een landcode zoals NL.", "Use a country code such as NL.")
            )
        )
    if province and province not in places.PROVINCES:
        v.append(FieldViolation("location.province_code", t("Onbekende provinciecode.", "Unknown province code.")))
    update: dict[str, object] = {
        "place_name": name,
        "country_code": country,
        "province_code": province,
        "postal_code": location.postal_code.strip().upper(),
    }
    if name and country in ("", "NL"):
        # Only a Dutch place we know is placed; anything else keeps its address and no coordinates.
        place = _dutch_place(name)
        if place is not None:
            update["country_code"] = "NL"
            update["province_code"] = province or place.province_code
            if lat is None and lon is None:
                update["latitude"], update["longitude"] = place.latitude, place.longitude
    return Location.trusted(**{**location.__dict__, **update})


@lru_cache(maxsize=8192)
def _dutch_place(name: str) -> places.Place | None:
    # Ingest sees the same few thousand place names over and over; folding them each time is costly.
    return places.lookup(name)
