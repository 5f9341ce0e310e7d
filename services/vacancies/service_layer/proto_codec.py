"""Mapping between the domain models and `jobmatch.vacancies.v1` messages.

Used by the gRPC servicer and by the stores (events and stored documents are the proto
`Vacancy`, so one mapping per write serves both); it lives in the service layer so that
entrypoints and adapters both reach it without reaching each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from google.protobuf.timestamp_pb2 import Timestamp

from jobmatch.vacancies.v1 import vacancy_pb2 as pb

from ..domain.model import Location, Occupation, SourceReference, Vacancy, VacancyContent

E = TypeVar("E", bound=int)


def _enum_maps(enum: type[E], prefix: str) -> tuple[dict[E, str], dict[str, E]]:
    """Number -> domain word and back. `enum` is a generated enum: an EnumTypeWrapper at run
    time, an int class to the type checker (so the numbers keep their enum type)."""
    wrapper: Any = enum  # the EnumTypeWrapper it is at run time
    to_domain: dict[E, str] = {number: name[len(prefix) :].lower() for name, number in wrapper.items() if number}
    return to_domain, {name: number for number, name in to_domain.items()}


CONTRACT, CONTRACT_PB = _enum_maps(pb.ContractType, "CONTRACT_TYPE_")
WORKPLACE, WORKPLACE_PB = _enum_maps(pb.WorkplaceType, "WORKPLACE_TYPE_")
EDUCATION, EDUCATION_PB = _enum_maps(pb.EducationLevel, "EDUCATION_LEVEL_")
SALARY_PERIOD, SALARY_PERIOD_PB = _enum_maps(pb.SalaryPeriod, "SALARY_PERIOD_")
_STATUS_PB = {"open": pb.VACANCY_STATUS_OPEN, "closed": pb.VACANCY_STATUS_CLOSED}
_STATUS = {number: name for name, number in _STATUS_PB.items()}


def enum_to_domain(value: int, names: Mapping[Any, str]) -> str:
    """0 -> "" (not given); an unknown number stays visible so the rules can reject it."""
    if not value:
        return ""
    return names.get(value, f"#{value}")


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


class _Reading(dict[int, str]):
    """`enum_to_domain` as one look-up: every known number (0 included), "#<n>" for the rest."""

    def __missing__(self, number: int) -> str:
        return f"#{number}"


def _reading(names: Mapping[Any, str]) -> _Reading:
    return _Reading({0: "", **names})


_WORKPLACE_IN, _CONTRACT_IN = _reading(WORKPLACE), _reading(CONTRACT)
_EDUCATION_IN, _SALARY_PERIOD_IN = _reading(EDUCATION), _reading(SALARY_PERIOD)


@lru_cache(maxsize=8192)
def _occupation(esco_uri: str, isco_code: str) -> Occupation:
    # Feeds name the same occupations over and over; the model is frozen, so one serves all.
    return Occupation.trusted(esco_uri=esco_uri, isco_code=isco_code, label="")


def content_from_proto(msg: pb.Vacancy) -> VacancyContent:
    """The content as the message carries it, not validated: protobuf already guarantees every
    field's type, and `check_content` (ingest, upsert) is the one check of the values. Skipping
    pydantic's validation here saves ~35 µs a vacancy on the ingest path. Each field is read
    once (a read from the message costs about as much as a dict look-up and a call)."""
    loc = msg.location
    latitude: float | None = loc.latitude
    longitude: float | None = loc.longitude
    if not (loc.has_coordinates or latitude or longitude):
        latitude = longitude = None
    occupation = msg.occupation
    workplace, contract = msg.workplace_type, msg.contract_type
    education, salary_period = msg.education_level, msg.salary_period
    return VacancyContent.trusted_fields(
        {
            "source": msg.source,
            "external_id": msg.external_id,
            "title": msg.title,
            "description": msg.description,
            "employer": msg.employer,
            "occupation": _occupation(occupation.esco_uri, occupation.isco_code),
            "required_skills": tuple(msg.required_skills),
            "optional_skills": tuple(msg.optional_skills),
            "location": Location.trusted_fields(
                {
                    "place_name": loc.place_name,
                    "postal_code": loc.postal_code,
                    "country_code": loc.country_code,
                    "province_code": loc.province_code,
                    "latitude": latitude,
                    "longitude": longitude,
                }
            ),
            "workplace_type": _WORKPLACE_IN[workplace],
            "hours_min": msg.hours_min or None,
            "hours_max": msg.hours_max or None,
            "contract_type": _CONTRACT_IN[contract],
            "education_level": _EDUCATION_IN[education],
            "salary_min": msg.salary_min or None,
            "salary_max": msg.salary_max or None,
            "salary_currency": msg.salary_currency,
            "salary_period": _SALARY_PERIOD_IN[salary_period],
            "languages": tuple(msg.languages),
            "driving_licence_required": msg.driving_licence_required,
            "date_posted": msg.date_posted,
            "valid_through": msg.valid_through,
            "application_url": msg.application_url,
            "application_email": msg.application_email,
        }
    )


def content_to_proto(c: VacancyContent, msg: pb.Vacancy | None = None) -> pb.Vacancy:
    msg = msg if msg is not None else pb.Vacancy()
    loc = c.location
    msg.source = c.source
    msg.external_id = c.external_id
    msg.title = c.title
    msg.description = c.description
    msg.employer = c.employer
    occ = msg.occupation
    occ.esco_uri, occ.isco_code, occ.label = c.occupation.esco_uri, c.occupation.isco_code, c.occupation.label
    msg.required_skills.extend(c.required_skills)
    msg.optional_skills.extend(c.optional_skills)
    ploc = msg.location
    ploc.place_name, ploc.postal_code, ploc.country_code, ploc.province_code = (
        loc.place_name,
        loc.postal_code,
        loc.country_code,
        loc.province_code,
    )
    if loc.latitude is not None and loc.longitude is not None:
        ploc.latitude, ploc.longitude, ploc.has_coordinates = loc.latitude, loc.longitude, True
    msg.workplace_type = WORKPLACE_PB.get(c.workplace_type, pb.WORKPLACE_TYPE_UNSPECIFIED)
    msg.hours_min = c.hours_min or 0.0
    msg.hours_max = c.hours_max or 0.0
    msg.contract_type = CONTRACT_PB.get(c.contract_type, pb.CONTRACT_TYPE_UNSPECIFIED)
    msg.education_level = EDUCATION_PB.get(c.education_level, pb.EDUCATION_LEVEL_UNSPECIFIED)
    msg.salary_min = c.salary_min or 0.0
    msg.salary_max = c.salary_max or 0.0
    msg.salary_currency = c.salary_currency
    msg.salary_period = SALARY_PERIOD_PB.get(c.salary_period, pb.SALARY_PERIOD_UNSPECIFIED)
    msg.languages.extend(c.languages)
    msg.driving_licence_required = c.driving_licence_required
    msg.date_posted = c.date_posted
    msg.valid_through = c.valid_through
    msg.application_url = c.application_url
    msg.application_email = c.application_email
    return msg


def vacancy_to_proto(v: Vacancy) -> pb.Vacancy:
    msg = content_to_proto(v.content)
    msg.vacancy_id = v.vacancy_id
    msg.status = _STATUS_PB[v.status]
    msg.closed_reason = v.closed_reason
    for ref in v.linked_sources:
        msg.linked_sources.add(source=ref.source, external_id=ref.external_id)
    msg.created_at.FromDatetime(v.created_at)
    msg.updated_at.FromDatetime(v.updated_at)
    return msg


def vacancy_from_proto(msg: pb.Vacancy, fingerprint: str = "") -> Vacancy:
    """Back from a stored document (the content was checked when it was stored)."""
    content = content_from_proto(msg).model_copy(
        update={
            "occupation": Occupation(
                esco_uri=msg.occupation.esco_uri, isco_code=msg.occupation.isco_code, label=msg.occupation.label
            )
        }
    )
    return Vacancy(
        vacancy_id=msg.vacancy_id,
        content=content,
        fingerprint=fingerprint,
        status=_STATUS.get(msg.status, "open"),
        closed_reason=msg.closed_reason,
        linked_sources=tuple(SourceReference(source=r.source, external_id=r.external_id) for r in msg.linked_sources),
        created_at=msg.created_at.ToDatetime(tzinfo=UTC),
        updated_at=msg.updated_at.ToDatetime(tzinfo=UTC),
    )
