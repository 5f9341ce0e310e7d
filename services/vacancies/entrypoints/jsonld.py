"""Reading schema.org `JobPosting` JSON-LD (object, array, `@graph`) and NDJSON into
proto vacancies, with the file and record number of every record for error reports.

Only the properties Google for Jobs uses are read. A record that cannot be understood
becomes an error with a reason; it never stops the file, and a broken file never stops
the others.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from jobmatch.vacancies.v1 import vacancy_pb2 as pb

from ..domain.html_text import html_to_text

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
ESCO_PREFIX = "http://data.europa.eu/esco/occupation/"
# schema.org employmentType -> our contract type; FULL_TIME/PART_TIME/OTHER say nothing about the contract.
EMPLOYMENT_TYPES: dict[str, int] = {
    "FULL_TIME": 0, "PART_TIME": 0, "OTHER": 0,
    "CONTRACTOR": pb.CONTRACT_TYPE_FREELANCE, "TEMPORARY": pb.CONTRACT_TYPE_TEMPORARY,
    "INTERN": pb.CONTRACT_TYPE_INTERNSHIP, "VOLUNTEER": pb.CONTRACT_TYPE_VOLUNTEER,
    "PER_DIEM": pb.CONTRACT_TYPE_TEMPORARY, "PERMANENT": pb.CONTRACT_TYPE_PERMANENT,
}
TOO_DEEP = "malformed JSON: nested too deeply"
SALARY_UNITS = {"HOUR": pb.SALARY_PERIOD_HOUR, "MONTH": pb.SALARY_PERIOD_MONTH, "YEAR": pb.SALARY_PERIOD_YEAR}


class RecordError(ValueError):
    """Why one record cannot be imported (plain text for the operator)."""


@dataclass(frozen=True)
class ImportRecord:
    file: str
    record: int  # 1-based: position in the array/graph, or line number in NDJSON
    vacancy: pb.Vacancy | None = None
    error: str = ""


def read_files(paths: list[Path], source: str | None = None) -> Iterator[ImportRecord]:
    for path in paths:
        yield from read_file(path, source)


def read_file(path: Path, source: str | None = None) -> Iterator[ImportRecord]:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        yield ImportRecord(name, 0, error=f"cannot read file: {error.strerror or error}")
        return
    # Undecodable bytes become lone surrogates, reported per record instead of failing the file.
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    if path.suffix.lower() in (".ndjson", ".jsonl"):
        yield from _read_lines(name, text, source)
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data":  # several objects, one per line
            yield from _read_lines(name, text, source)
        else:
            yield ImportRecord(name, 0, error=f"malformed JSON at line {error.lineno}, column {error.colno}: {error.msg}")
        return
    except RecursionError:  # the json module gives up on very deep nesting instead of a JSONDecodeError
        yield ImportRecord(name, 0, error=TOO_DEEP)
        return
    for number, item in enumerate(_items(document), start=1):
        yield _record(name, number, item, source)


def _read_lines(name: str, text: str, source: str | None) -> Iterator[ImportRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as error:
            yield ImportRecord(name, number, error=f"malformed JSON at column {error.colno}: {error.msg}")
            continue
        except RecursionError:
            yield ImportRecord(name, number, error=TOO_DEEP)
            continue
        items = _items(document)
        for item in items:
            yield _record(name, number, item, source)


def _items(document: Any) -> list[Any]:
    if isinstance(document, list):
        return document
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):
        return document["@graph"]
    return [document]


def _record(name: str, number: int, item: Any, source: str | None) -> ImportRecord:
    try:
        return ImportRecord(name, number, vacancy=job_posting_to_vacancy(item, source))
    except RecordError as error:
        return ImportRecord(name, number, error=str(error))


def _types(item: dict[str, Any]) -> list[str]:
    kind = item.get("@type", [])
    return [str(k) for k in (kind if isinstance(kind, list) else [kind])]


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value") or ""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(f"{field}: expected text")
    text = str(value)
    if _SURROGATE.search(text):
        raise RecordError(f"{field}: invalid UTF-8")
    return text.strip()


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool):
        raise RecordError(f"{field}: expected a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", "."))
        except ValueError:
            raise RecordError(f"{field}: expected a number, got {value[:30]!r}") from None
    raise RecordError(f"{field}: expected a number")


def _date(value: Any, field: str) -> str:
    text = _text(value, field)
    if not text:
        return ""
    match = _DATE.match(text)
    if match is None:
        raise RecordError(f"{field}: expected an ISO 8601 date, got {text[:30]!r}")
    return match.group(1)


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def job_posting_to_vacancy(item: Any, source: str | None = None) -> pb.Vacancy:
    if not isinstance(item, dict):
        raise RecordError("not a JSON object")
    if "JobPosting" not in _types(item):
        raise RecordError(f"not a JobPosting (@type {', '.join(_types(item)) or 'missing'})")
    v = pb.Vacancy()
    v.title = _text(item.get("title"), "title")
    v.description = html_to_text(_text(item.get("description"), "description"))
    v.date_posted = _date(item.get("datePosted"), "datePosted")
    v.valid_through = _date(item.get("validThrough"), "validThrough")
    v.employer = _text(item.get("hiringOrganization"), "hiringOrganization")
    url = _text(item.get("url"), "url")
    v.application_url = url
    _contract(v, item.get("employmentType"))
    _location(v, item)
    _salary(v, item.get("baseSalary"))
    _occupation(v, item.get("occupationalCategory"))
    skills = item.get("skills")
    if isinstance(skills, str):
        skills = [s for s in re.split(r"[,;\n]", skills)]
    for skill in skills if isinstance(skills, list) else []:
        label = _text(skill, "skills")
        if label:
            v.required_skills.append(label)
    hours = [float(n.replace(",", ".")) for n in _NUMBER.findall(_text(item.get("workHours"), "workHours"))]
    if hours:
        v.hours_min, v.hours_max = min(hours[:2]), max(hours[:2])
    language = _text(item.get("inLanguage"), "inLanguage").lower()[:2]
    if language.isalpha() and len(language) == 2:
        v.languages.append(language)
    identifier, id_source = _identifier(item.get("identifier"))
    v.external_id = identifier or url or "fp-" + hashlib.sha256(
        json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()[:24]
    v.source = source or id_source or (urlparse(url).hostname or "" if url else "") or "jsonld-import"
    return v


def _identifier(value: Any) -> tuple[str, str]:
    value = _first(value)
    if isinstance(value, dict):
        return _text(value.get("value"), "identifier.value"), _text(value.get("name"), "identifier.name")
    return _text(value, "identifier"), ""


def _contract(v: pb.Vacancy, value: Any) -> None:
    kinds = value if isinstance(value, list) else [value] if value else []
    for kind in kinds:
        key = _text(kind, "employmentType").upper().replace("-", "_").replace(" ", "_")
        if key not in EMPLOYMENT_TYPES:
            raise RecordError(f"employmentType: unknown value {key[:30]!r}")
        v.contract_type = v.contract_type or EMPLOYMENT_TYPES[key]


def _location(v: pb.Vacancy, item: dict[str, Any]) -> None:
    place = _first(item.get("jobLocation"))
    remote = "TELECOMMUTE" in _text(item.get("jobLocationType"), "jobLocationType").upper()
    if remote:
        v.workplace_type = pb.WORKPLACE_TYPE_HYBRID if place else pb.WORKPLACE_TYPE_REMOTE
    if not isinstance(place, dict):
        return
    address = _first(place.get("address"))
    if isinstance(address, dict):
        v.location.place_name = _text(address.get("addressLocality"), "jobLocation.address.addressLocality")
        v.location.postal_code = _text(address.get("postalCode"), "jobLocation.address.postalCode")
        country = _text(address.get("addressCountry"), "jobLocation.address.addressCountry").upper()
        v.location.country_code = {"NEDERLAND": "NL", "NETHERLANDS": "NL", "THE NETHERLANDS": "NL"}.get(country, country)
    elif isinstance(address, str):
        v.location.place_name = address.strip()
    point = place.get("geo")
    if isinstance(point, dict) and point.get("latitude") is not None and point.get("longitude") is not None:
        v.location.latitude = _number(point["latitude"], "jobLocation.geo.latitude")
        v.location.longitude = _number(point["longitude"], "jobLocation.geo.longitude")
        v.location.has_coordinates = True


def _salary(v: pb.Vacancy, value: Any) -> None:
    if not isinstance(value, dict):
        return
    amount = value.get("value")
    unit = ""
    if isinstance(amount, dict):
        unit = _text(amount.get("unitText"), "baseSalary.value.unitText").upper()
        low = amount.get("minValue", amount.get("value"))
        high = amount.get("maxValue", amount.get("value"))
    else:
        low = high = amount
    if unit and unit not in SALARY_UNITS:
        return  # per week/day: not comparable with our periods, left out rather than converted
    if low is not None:
        v.salary_min = _number(low, "baseSalary.value.minValue")
    if high is not None:
        v.salary_max = _number(high, "baseSalary.value.maxValue")
    v.salary_currency = _text(value.get("currency"), "baseSalary.currency")
    v.salary_period = SALARY_UNITS.get(unit, 0)


def _occupation(v: pb.Vacancy, value: Any) -> None:
    value = _first(value)
    code = _text(value.get("codeValue") if isinstance(value, dict) else value, "occupationalCategory")
    if code.startswith(ESCO_PREFIX):
        v.occupation.esco_uri = code
    elif re.match(r"^\d{1,4}\b", code) and not re.match(r"^\d{2}-\d{4}", code):
        # An ISCO-08 code ("2512" or "2512 Software developers"); O*NET codes ("15-1132") are not ISCO.
        v.occupation.isco_code = re.match(r"^\d{1,4}", code).group(0)  # type: ignore[union-attr]
