"""Search profiles and the matching service's view of an open vacancy.

Pure: pydantic models and validation only. Enum numbers equal the proto enums
(`jobmatch.matching.v1`, which mirror `jobmatch.vacancies.v1`), so mapping is `int(x)`.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import IntEnum

from pydantic import BaseModel, ConfigDict

from services.common.errors import FieldViolation, InvalidArgument, t
from services.common.reference import occupations, places
from services.common.text import has_control_characters

MAX_TRAVEL_KM = 300
MAX_HOURS_PER_WEEK = 60  # the Arbeidstijdenwet maximum: more is a typing error
MAX_OCCUPATIONS = 20
MAX_SKILLS = 100
MAX_SKILL_LENGTH = 200
MAX_MIN_SALARY_MONTHLY = 50_000
CLIENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")
LANGUAGE_PATTERN = re.compile(r"^[a-z]{2}$")


class OccupationBreadth(IntEnum):
    UNSPECIFIED = 0
    EXACT = 1
    UNIT_GROUP = 2
    MINOR_GROUP = 3


class OccupationMatch(IntEnum):
    """How close the vacancy's occupation is; lower is closer."""

    UNSPECIFIED = 0
    EXACT = 1
    UNIT_GROUP = 2
    MINOR_GROUP = 3


class ContractType(IntEnum):
    UNSPECIFIED = 0
    PERMANENT = 1
    TEMPORARY = 2
    TEMPORARY_AGENCY = 3
    FREELANCE = 4
    INTERNSHIP = 5
    APPRENTICESHIP = 6
    VOLUNTEER = 7


class EducationLevel(IntEnum):
    UNSPECIFIED = 0
    NONE = 1
    PRIMARY = 2
    VMBO = 3
    MBO_1 = 4
    MBO_2 = 5
    MBO_3 = 6
    MBO_4 = 7
    HAVO = 8
    VWO = 9
    HBO = 10
    WO = 11
    DOCTORATE = 12


class ProfileStatus(IntEnum):
    UNSPECIFIED = 0
    ACTIVE = 1
    PAUSED = 2


class FeedbackKind(IntEnum):
    UNSPECIFIED = 0
    SAVE = 1
    DISMISS = 2
    APPLIED = 3


class Criterion(IntEnum):
    UNSPECIFIED = 0
    OCCUPATION = 1
    TRAVEL_DISTANCE = 2
    REMOTE = 3
    HOURS = 4
    CONTRACT_TYPE = 5
    EDUCATION = 6
    LANGUAGES = 7
    DRIVING_LICENCE = 8
    SALARY = 9


class OccupationWish(BaseModel):
    """One wanted occupation. After validation `isco_code` is always the 4-digit unit group."""

    model_config = ConfigDict(frozen=True)

    esco_uri: str = ""
    isco_code: str
    breadth: OccupationBreadth
    label_nl: str = ""


class SearchProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    client_id: str
    occupations: tuple[OccupationWish, ...]
    skills: tuple[str, ...] = ()
    home_place_name: str
    home_latitude: float
    home_longitude: float
    max_travel_km: int
    hours_min: int
    hours_max: int
    contract_types: tuple[ContractType, ...] = ()
    education_level: EducationLevel = EducationLevel.UNSPECIFIED
    languages: tuple[str, ...] = ("nl",)
    has_driving_licence: bool = False
    remote_acceptable: bool = False
    min_salary_monthly: int = 0
    status: ProfileStatus = ProfileStatus.ACTIVE
    updated_at: datetime

    @property
    def active(self) -> bool:
        return self.status == ProfileStatus.ACTIVE


class OccupationWishInput(BaseModel):
    """A wish as a caller sends it, before checking it against ESCO/ISCO."""

    esco_uri: str = ""
    isco_code: str = ""
    breadth: int = 0


class SearchProfileInput(BaseModel):
    """A profile as a caller sends it (the SetSearchProfile command's payload)."""

    client_id: str
    occupations: list[OccupationWishInput] = []
    skills: list[str] = []
    home_place_name: str = ""
    max_travel_km: int = 0
    hours_min: int = 0
    hours_max: int = 0
    contract_types: list[int] = []
    education_level: int = 0
    languages: list[str] = []
    has_driving_licence: bool = False
    remote_acceptable: bool = False
    min_salary_monthly: int = 0
    status: int = 0


def _wish(index: int, wish: OccupationWishInput, out: list[FieldViolation]) -> OccupationWish | None:
    field = f"profile.occupations[{index}]"
    uri, code = wish.esco_uri.strip(), wish.isco_code.strip()
    if wish.breadth not in {b.value for b in OccupationBreadth}:
        out.append(
            FieldViolation(
                f"{field}.breadth",
                t("Kies exact, beroepsgroep of bredere groep.", "Choose exact, unit group or minor group."),
            )
        )
        return None
    breadth = OccupationBreadth(wish.breadth) or OccupationBreadth.EXACT
    if not uri and not code:
        out.append(
            FieldViolation(
                field, t("Geef een ESCO-beroep of een ISCO-code.", "Give an ESCO occupation or an ISCO code.")
            )
        )
        return None
    occupation = occupations.by_uri(uri) if uri else None
    if uri and occupation is None:
        out.append(
            FieldViolation(
                f"{field}.esco_uri", t(f"Dit ESCO-beroep kennen we niet: {uri}.", f"Unknown ESCO occupation: {uri}.")
            )
        )
        return None
    if code and not (len(code) == 4 and code.isdigit() and occupations.is_valid_isco_code(code)):
        out.append(
            FieldViolation(
                f"{field}.isco_code",
                t(
                    f"Een ISCO-code is een bestaande beroepsgroep van 4 cijfers, zoals 2512. '{code}' is dat niet.",
                    f"An ISCO code is an existing 4-digit unit group such as 2512; '{code}' is not.",
                ),
            )
        )
        return None
    if occupation is not None and code and occupation.isco_code != code:
        out.append(
            FieldViolation(
                f"{field}.isco_code",
                t(
                    f"Dit beroep hoort bij ISCO {occupation.isco_code}, niet bij {code}.",
                    f"This occupation belongs to ISCO {occupation.isco_code}, not {code}.",
                ),
            )
        )
        return None
    if occupation is not None:
        return OccupationWish(
            esco_uri=occupation.uri, isco_code=occupation.isco_code, breadth=breadth, label_nl=occupation.label_nl
        )
    return OccupationWish(isco_code=code, breadth=breadth, label_nl=occupations.isco_group_label_nl(code))


def make_search_profile(draft: SearchProfileInput, *, now: datetime) -> SearchProfile:
    """Check every field of `draft`; raise InvalidArgument with all violations, or return the profile."""
    out: list[FieldViolation] = []
    if not CLIENT_ID_PATTERN.match(draft.client_id):
        out.append(
            FieldViolation(
                "client_id",
                t(
                    "Geef een geldige klant-id (letters, cijfers, . _ : -).",
                    "Give a valid client id (letters, digits, . _ : -).",
                ),
            )
        )
    if draft.status not in {s.value for s in ProfileStatus}:
        out.append(FieldViolation("profile.status", t("Kies actief of gepauzeerd.", "Choose active or paused.")))
    status = ProfileStatus(draft.status) if draft.status in {s.value for s in ProfileStatus} else ProfileStatus.ACTIVE
    status = status or ProfileStatus.ACTIVE
    if len(draft.occupations) > MAX_OCCUPATIONS:
        out.append(
            FieldViolation(
                "profile.occupations",
                t(f"Kies hoogstens {MAX_OCCUPATIONS} beroepen.", f"Choose at most {MAX_OCCUPATIONS} occupations."),
            )
        )
    wishes = [
        wish for i, raw in enumerate(draft.occupations[:MAX_OCCUPATIONS]) if (wish := _wish(i, raw, out)) is not None
    ]
    if not draft.occupations and status == ProfileStatus.ACTIVE:
        out.append(
            FieldViolation(
                "profile.occupations",
                t("Kies minstens één beroep dat u zoekt.", "Choose at least one occupation you are looking for."),
            )
        )
    place = places.lookup(draft.home_place_name) if draft.home_place_name.strip() else None
    if place is None:
        hint_nl, hint_en = places.did_you_mean(draft.home_place_name[:60])
        out.append(
            FieldViolation(
                "profile.home_place_name",
                t(
                    f"Deze woonplaats kennen we niet: '{draft.home_place_name}'.{hint_nl or ' Kies een plaats in Nederland.'}",
                    f"Unknown home place '{draft.home_place_name}'.{hint_en or ' Choose a place in the Netherlands.'}",
                ),
            )
        )
    if not 0 < draft.max_travel_km <= MAX_TRAVEL_KM:
        out.append(
            FieldViolation(
                "profile.max_travel_km",
                t(
                    f"De reisafstand moet tussen 1 en {MAX_TRAVEL_KM} km liggen.",
                    f"Travel distance must be 1 to {MAX_TRAVEL_KM} km.",
                ),
            )
        )
    if not 1 <= draft.hours_max <= MAX_HOURS_PER_WEEK:
        out.append(
            FieldViolation(
                "profile.hours_max",
                t(
                    f"Het maximum aantal uren per week moet tussen 1 en {MAX_HOURS_PER_WEEK} liggen.",
                    f"Maximum hours per week must be 1 to {MAX_HOURS_PER_WEEK}.",
                ),
            )
        )
    if draft.hours_min < 0 or draft.hours_min > draft.hours_max:
        out.append(
            FieldViolation(
                "profile.hours_min",
                t(
                    "Het minimum aantal uren moet 0 of meer zijn, en niet meer dan het maximum.",
                    "Minimum hours must be 0 or more and not above the maximum.",
                ),
            )
        )
    contract_values = {c.value for c in ContractType if c}
    for i, contract in enumerate(draft.contract_types):
        if contract not in contract_values:
            out.append(
                FieldViolation(
                    f"profile.contract_types[{i}]", t("Dit soort contract kennen we niet.", "Unknown contract type.")
                )
            )
    if draft.education_level not in {e.value for e in EducationLevel}:
        out.append(
            FieldViolation(
                "profile.education_level", t("Dit opleidingsniveau kennen we niet.", "Unknown education level.")
            )
        )
    languages = tuple(dict.fromkeys(code.strip().lower() for code in draft.languages)) or ("nl",)
    for i, code in enumerate(languages):
        if not LANGUAGE_PATTERN.match(code):
            out.append(
                FieldViolation(
                    f"profile.languages[{i}]",
                    t(
                        "Gebruik een taalcode van 2 letters, zoals nl of en.",
                        "Use a 2-letter language code such as nl or en.",
                    ),
                )
            )
    if len(draft.skills) > MAX_SKILLS:
        out.append(
            FieldViolation(
                "profile.skills", t(f"Geef hoogstens {MAX_SKILLS} vaardigheden.", f"Give at most {MAX_SKILLS} skills.")
            )
        )
    for i, skill in enumerate(draft.skills):
        if not skill.strip() or len(skill) > MAX_SKILL_LENGTH:
            out.append(
                FieldViolation(
                    f"profile.skills[{i}]",
                    t(
                        f"Een vaardigheid is 1 tot {MAX_SKILL_LENGTH} tekens.",
                        f"A skill is 1 to {MAX_SKILL_LENGTH} characters.",
                    ),
                )
            )
        elif has_control_characters(skill):
            out.append(
                FieldViolation(
                    f"profile.skills[{i}]",
                    t("Gebruik geen stuurtekens in een vaardigheid.", "Do not use control characters in a skill."),
                )
            )
    if not 0 <= draft.min_salary_monthly <= MAX_MIN_SALARY_MONTHLY:
        out.append(
            FieldViolation(
                "profile.min_salary_monthly",
                t(
                    f"Het minimumsalaris moet tussen 0 en {MAX_MIN_SALARY_MONTHLY} euro per maand liggen.",
                    f"Minimum salary must be 0 to {MAX_MIN_SALARY_MONTHLY} euro a month.",
                ),
            )
        )
    if out:
        raise InvalidArgument(out)
    assert place is not None
    return SearchProfile(
        client_id=draft.client_id,
        occupations=tuple(wishes),
        skills=tuple(dict.fromkeys(s.strip() for s in draft.skills)),
        home_place_name=place.name,
        home_latitude=place.latitude,
        home_longitude=place.longitude,
        max_travel_km=draft.max_travel_km,
        hours_min=draft.hours_min,
        hours_max=draft.hours_max,
        contract_types=tuple(sorted({ContractType(c) for c in draft.contract_types})),
        education_level=EducationLevel(draft.education_level),
        languages=languages,
        has_driving_licence=draft.has_driving_licence,
        remote_acceptable=draft.remote_acceptable,
        min_salary_monthly=draft.min_salary_monthly,
        status=status,
        updated_at=now,
    )


class OpenVacancy(BaseModel):
    """The matching service's projection of one open vacancy (built from vacancy events)."""

    model_config = ConfigDict(frozen=True)

    vacancy_id: str
    title: str = ""
    employer: str = ""
    esco_uri: str = ""
    isco_code: str = ""  # 1 to 4 digits or empty
    place_name: str = ""
    latitude: float = 0.0
    longitude: float = 0.0
    has_coordinates: bool = False
    remote: bool = False  # fully remote; hybrid still means travelling
    hours_min: float = 0.0
    hours_max: float = 0.0
    contract_type: ContractType = ContractType.UNSPECIFIED
    education_level: EducationLevel = EducationLevel.UNSPECIFIED
    salary_min: int = 0  # euro per month, 0 = not given
    salary_max: int = 0
    languages: tuple[str, ...] = ()
    driving_licence_required: bool = False
    required_skills: tuple[str, ...] = ()
    optional_skills: tuple[str, ...] = ()
    date_posted: str = ""  # YYYY-MM-DD
    valid_through: str = ""
    application_url: str = ""
    received_at: datetime  # when the matching service first saw it: drives "new since last visit"
    # The vacancies service's `updated_at` of this version: orders the versions of one vacancy,
    # so a redelivered older event can never overwrite a newer state (None: unknown, oldest).
    source_updated_at: datetime | None = None

    def is_older_than(self, other: OpenVacancy) -> bool:
        """This version is older than `other` (equal versions are the same state, not older)."""
        if other.source_updated_at is None:
            return False
        return self.source_updated_at is None or self.source_updated_at < other.source_updated_at
