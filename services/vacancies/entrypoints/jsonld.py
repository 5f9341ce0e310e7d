"""A schema.org `JobPosting` (as employers, job boards and ATSs publish it) -> proto vacancy.

A tolerant reader: the essentials decide acceptance (a title or `name`; an employer or a
description; a location or a remote flag), every other property is read best-effort. What
cannot be read is left out with a warning, never guessed; values that are there but
impossible (a negative salary, a latitude of 123) go to the service, whose checks refuse them.
Reading files and their shapes is `feed_reader.py`.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.common.i18n import Text
from services.common.reference import occupations

from ..domain.html_text import html_to_text
from ..domain.posting_values import calendar_date, weekly_hours
from ..domain.rules import MAX_HOURS_PER_WEEK
from .posting_parts import Notes, contract, country, first, salary, text

ESCO_PREFIX = "http://data.europa.eu/esco/occupation/"
_REMOTE = re.compile(r"TELECOMMUTE|REMOTE|HOME_?OFFICE|THUISWERK|TELETRAVAIL", re.IGNORECASE)


class RecordError(ValueError):
    """Why one record cannot be imported: every problem, Dutch and English."""


@dataclass
class Mapped:
    vacancy: pb.Vacancy | None
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def types(item: Mapping[str, Any]) -> list[str]:
    """@type (or `type`, which schema.org's context aliases), without "schema:" or the vocabulary URL."""
    kind = item.get("@type", item.get("type", []))
    return [str(k).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for k in (kind if isinstance(kind, list) else [kind])]


def is_job_posting(item: Any) -> bool:
    return isinstance(item, dict) and (item.get("@type") == "JobPosting" or "JobPosting" in types(item))


def job_posting_to_vacancy(item: Any, source: str | None = None) -> pb.Vacancy:
    """The vacancy, or RecordError with all its problems."""
    mapped = map_job_posting(item, source)
    if mapped.vacancy is None:
        raise RecordError(Text.joined("; ", mapped.errors))
    return mapped.vacancy


def map_job_posting(item: Any, source: str | None = None, nodes: Mapping[str, Any] | None = None) -> Mapped:
    """`nodes`: the document's nodes by @id, for references such as {"@id": ".../#org"}."""
    notes = Notes()
    if not isinstance(item, dict):
        notes.error("record", "Dit is geen JSON-object.", "This is not a JSON object.")
        return Mapped(None, notes.errors)
    if not is_job_posting(item):
        kind = ", ".join(types(item)) or "ontbreekt / missing"
        notes.error("@type", f"Dit is geen JobPosting (@type {kind}).", f"not a JobPosting (@type {kind})")
        return Mapped(None, notes.errors)
    nodes = nodes or {}
    v = pb.Vacancy()
    v.title = text(item.get("title"), "title", notes)
    if not v.title and (name := text(item.get("name"), "name", notes)):
        v.title = name
        notes.warn("title", "Geen title: de naam (name) is als titel gebruikt.", "No title: the name is used as title.")
    v.description = _description(text(item.get("description"), "description", notes))
    v.date_posted = _date(item.get("datePosted"), "datePosted", notes)
    v.valid_through = _date(item.get("validThrough"), "validThrough", notes)
    v.employer = _organization(item.get("hiringOrganization"), nodes, notes)
    url = text(item.get("url"), "url", notes)
    v.application_url = url
    contract(v, item.get("employmentType"), notes)
    _location(v, item, nodes, notes)
    salary(v, item.get("baseSalary"), text(item.get("salaryCurrency"), "salaryCurrency", notes), notes)
    _occupation(v, item.get("occupationalCategory"), notes)
    _skills(v, item.get("skills"), notes)
    _hours(v, text(item.get("workHours"), "workHours", notes), notes)
    language = text(item.get("inLanguage"), "inLanguage", notes).lower()[:2]
    if language.isalpha() and len(language) == 2:
        v.languages.append(language)
    identifier, id_source = _identifier(item.get("identifier"), notes)
    v.external_id = (
        identifier
        or url
        or "fp-"
        + hashlib.sha256(
            json.dumps(item, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
        ).hexdigest()[:24]
    )
    v.source = source or id_source or (urlparse(url).hostname or "" if url else "") or "jsonld-import"
    _essentials(v, notes)
    return Mapped(None if notes.errors else v, notes.errors, notes.warnings)


def _essentials(v: pb.Vacancy, notes: Notes) -> None:
    if not v.title and not any(e.startswith("title:") for e in notes.errors):
        notes.error("title", "Geen functietitel (title of name).", "No job title (title or name).")
    if not v.employer and not v.description:
        notes.error(
            "hiringOrganization",
            "Geen werkgever en geen omschrijving: niet genoeg om de vacature te tonen.",
            "No employer and no description: not enough to show the job.",
        )
    has_place = bool(v.location.place_name or v.location.postal_code or v.location.has_coordinates)
    if not has_place and v.workplace_type != pb.WORKPLACE_TYPE_REMOTE:
        notes.error(
            "jobLocation",
            "Geen werkplek en niet op afstand (jobLocationType TELECOMMUTE).",
            "No job location and not remote (jobLocationType TELECOMMUTE).",
        )


def _description(raw: str) -> str:
    if "&lt;" in raw and "<" not in raw:  # HTML escaped once more by the publisher
        raw = html.unescape(raw)
    return html_to_text(raw) if raw else ""


def _date(value: Any, name: str, notes: Notes) -> str:
    if value is not None and not isinstance(value, str | list | dict):
        notes.error(name, "Hier hoort een datum (JJJJ-MM-DD) te staan.", "Expected a date (YYYY-MM-DD).")
        return ""
    raw = text(value, name, notes)
    if not raw:
        return ""
    read = calendar_date(raw)
    if read is None:
        notes.warn(
            name,
            f"Datum niet te lezen ({raw[:30]!r}): niet overgenomen.",
            f"Date could not be read ({raw[:30]!r}): left out.",
        )
        return ""
    return read


def _organization(value: Any, nodes: Mapping[str, Any], notes: Notes) -> str:
    value = first(value)
    if isinstance(value, dict) and not value.get("name") and value.get("@id"):
        value = nodes.get(str(value["@id"]), value)
    elif isinstance(value, str) and value in nodes:
        value = nodes[value]
    if isinstance(value, dict) and not value.get("name") and value.get("@id"):
        notes.warn(
            "hiringOrganization",
            "Werkgever verwijst naar iets wat niet in het bestand staat.",
            "The employer refers to something not in the file.",
        )
        return ""
    return text(value, "hiringOrganization", notes)


def _location(v: pb.Vacancy, item: Mapping[str, Any], nodes: Mapping[str, Any], notes: Notes) -> None:
    places = item.get("jobLocation")
    places = [
        nodes.get(p["@id"], p) if isinstance(p, dict) and "@id" in p else p
        for p in (places if isinstance(places, list) else [places] if places else [])
    ]
    kinds = item.get("jobLocationType")
    remote = any(
        _REMOTE.search(text(k, "jobLocationType", notes)) for k in (kinds if isinstance(kinds, list) else [kinds])
    )
    usable = [p for p in places if isinstance(p, str | dict) and p]
    if len(usable) > 1:
        notes.warn(
            "jobLocation",
            f"{len(usable)} werkplekken: alleen de eerste is overgenomen.",
            f"{len(usable)} job locations: only the first is used.",
        )
    if remote:
        v.workplace_type = pb.WORKPLACE_TYPE_HYBRID if usable else pb.WORKPLACE_TYPE_REMOTE
    if not usable:
        return
    place = usable[0]
    address = first(place.get("address")) if isinstance(place, dict) else place
    if isinstance(address, dict):
        v.location.place_name = text(address.get("addressLocality"), "jobLocation.address.addressLocality", notes)
        v.location.postal_code = text(address.get("postalCode"), "jobLocation.address.postalCode", notes)
        v.location.country_code = country(address.get("addressCountry"), notes)
    elif isinstance(address, str):
        v.location.place_name = address.strip()
    elif isinstance(place, dict) and isinstance(place.get("name"), str):
        v.location.place_name = place["name"].strip()
    point = place.get("geo") if isinstance(place, dict) else None
    if isinstance(point, dict) and point.get("latitude") is not None and point.get("longitude") is not None:
        lat, lon = (_coordinate(point[k]) for k in ("latitude", "longitude"))
        if lat is None or lon is None:
            notes.warn(
                "jobLocation.geo",
                "Coördinaten niet te lezen: niet overgenomen.",
                "Coordinates could not be read: left out.",
            )
        else:
            v.location.latitude, v.location.longitude, v.location.has_coordinates = lat, lon, True


def _coordinate(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(str(value).strip().replace(",", "."))
    except ValueError:
        return None


def _occupation(v: pb.Vacancy, value: Any, notes: Notes) -> None:
    value = first(value)
    code = text(value.get("codeValue") if isinstance(value, dict) else value, "occupationalCategory", notes)
    if code.startswith(ESCO_PREFIX):
        v.occupation.esco_uri = code
    elif (match := re.match(r"^(\d{1,4})\b", code)) and not re.match(r"^\d{2}-\d{4}", code):
        # An ISCO-08 code ("2512" or "2512 Software developers"); O*NET codes ("15-1132") are not ISCO.
        if occupations.is_valid_isco_code(match.group(1)):
            v.occupation.isco_code = match.group(1)
        else:
            notes.warn(
                "occupationalCategory",
                f"Onbekende ISCO-code {match.group(1)!r}: niet overgenomen.",
                f"Unknown ISCO code {match.group(1)!r}: left out.",
            )


def _skills(v: pb.Vacancy, value: Any, notes: Notes) -> None:
    if isinstance(value, str):
        value = re.split(r"[,;\n]", value)
    for skill in value if isinstance(value, list) else []:
        if label := text(skill, "skills", notes):
            v.required_skills.append(label)


def _hours(v: pb.Vacancy, raw: str, notes: Notes) -> None:
    if not raw:
        return
    hours = weekly_hours(raw)
    if hours is not None and 0 < hours[0] <= hours[1] <= MAX_HOURS_PER_WEEK:
        v.hours_min, v.hours_max = hours
        return
    notes.warn(
        "workHours",
        f"Uren per week niet te lezen ({raw[:40]!r}): als tekst bij de omschrijving gezet.",
        f"Hours per week could not be read ({raw[:40]!r}): added as text to the description.",
    )
    v.description = f"{v.description}\n\nWerktijden / working hours: {raw[:200]}".strip()


def _identifier(value: Any, notes: Notes) -> tuple[str, str]:
    value = first(value)
    if isinstance(value, dict):
        return (
            text(value.get("value") or value.get("@id"), "identifier.value", notes),
            text(value.get("name"), "identifier.name", notes),
        )
    return text(value, "identifier", notes), ""
