"""Why a vacancy is in a client's feed: structured facts plus plain Dutch (B1) and English.

No codes in the text (ISCO numbers stay in the structured fields). Skill labels are ESCO's
English ones (ESCO skills have no Dutch labels in our reference data), so the Dutch sentence
says so and puts them apart, in quotes after a colon.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.matching.domain.model import Criterion, OccupationMatch, OpenVacancy
from services.matching.domain.rules import ProfileCriteria, RuleMatch, VacancyCriteria
from services.matching.domain.scoring import ScoreParts


@dataclass(frozen=True, slots=True)
class Explanation:
    matched_criteria: tuple[Criterion, ...]
    occupation_match: OccupationMatch
    distance_km: float | None
    skills_in_common: tuple[str, ...]
    skills_missing: tuple[str, ...]
    text_nl: str
    text_en: str
    parts: ScoreParts


# Built once: a feed page explains up to 100 vacancies, and reading an enum member is slow in 3.11.
_REMOTE, _HOURS = Criterion.REMOTE, Criterion.HOURS
_OTHER_NL = {
    Criterion.CONTRACT_TYPE: "het soort contract",
    Criterion.EDUCATION: "uw opleiding",
    Criterion.LANGUAGES: "de talen die u spreekt",
    Criterion.DRIVING_LICENCE: "uw rijbewijs",
    Criterion.SALARY: "uw minimumsalaris",
}
_OTHER_EN = {
    Criterion.CONTRACT_TYPE: "the contract type",
    Criterion.EDUCATION: "your education",
    Criterion.LANGUAGES: "the languages you speak",
    Criterion.DRIVING_LICENCE: "your driving licence",
    Criterion.SALARY: "your minimum salary",
}


def _hours(low: float, high: float) -> str:
    low_text, high_text = f"{low:g}", f"{high:g}"
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


def _occupation_text(vacancy: OpenVacancy, match: OccupationMatch) -> tuple[str, str]:
    if match == OccupationMatch.EXACT:
        return "Dit is het beroep dat u zoekt.", "This is the occupation you are looking for."
    if match == OccupationMatch.UNIT_GROUP:
        return "Dit beroep lijkt erg op wat u zoekt.", "This occupation is very close to what you want."
    return (
        "Dit beroep lijkt op wat u zoekt: het is hetzelfde soort werk.",
        "This occupation is like what you want: the same kind of work.",
    )


def _quoted(labels: tuple[str, ...]) -> str:
    return ", ".join(f"\u201c{label}\u201d" for label in labels)


def explain(
    profile: ProfileCriteria, home_place_name: str, vac: VacancyCriteria, match: RuleMatch, parts: ScoreParts
) -> Explanation:
    vacancy = vac.vacancy
    labels = vac.skill_labels
    common_display = tuple(labels[s] for s in (*vac.required_skills, *vac.optional_skills) if s in profile.skills)
    missing_display = tuple(labels[s] for s in vac.required_skills if s not in profile.skills)
    nl, en = _occupation_text(vacancy, match.occupation_match)
    lines_nl, lines_en = [nl], [en]
    if _REMOTE in match.criteria:
        lines_nl.append("U kunt dit werk op afstand doen, dat wilde u ook.")
        lines_en.append("You can do this work remotely, as you wanted.")
    elif match.distance_km is not None:
        # "0 km" reads as a mistake; under a kilometre we say so.
        near = match.distance_km < 1
        km_nl = "minder dan 1" if near else f"{match.distance_km:.0f}"
        km_en = "less than 1" if near else km_nl
        lines_nl.append(
            f"Het werk is {km_nl} km van {home_place_name}. Dat is binnen uw grens van {profile.max_km} km."
        )
        lines_en.append(f"The work is {km_en} km from {home_place_name}, within your limit of {profile.max_km} km.")
    if _HOURS in match.criteria:
        hours = _hours(vacancy.hours_min or vacancy.hours_max, vacancy.hours_max or vacancy.hours_min)
        lines_nl.append(f"Het werk is {hours} uur per week. U zoekt {profile.hours_min}–{profile.hours_max} uur.")
        lines_en.append(f"The job is {hours} hours a week; you want {profile.hours_min}–{profile.hours_max} hours.")
    also = [c for c in match.criteria if c in _OTHER_NL]
    if also:
        lines_nl.append("Het past ook bij " + ", ".join(_OTHER_NL[c] for c in also) + ".")
        lines_en.append("It also fits " + ", ".join(_OTHER_EN[c] for c in also) + ".")
    if common_display:
        word_nl = (
            "vaardigheid (naam in het Engels)" if len(common_display) == 1 else "vaardigheden (namen in het Engels)"
        )
        lines_nl.append(f"Deze {word_nl} heeft u al: {_quoted(common_display)}.")
        lines_en.append(f"{'Skill' if len(common_display) == 1 else 'Skills'} you have: {_quoted(common_display)}.")
    if missing_display:
        word_nl = (
            "vaardigheid (naam in het Engels)" if len(missing_display) == 1 else "vaardigheden (namen in het Engels)"
        )
        lines_nl.append(f"Deze {word_nl} vragen ze ook: {_quoted(missing_display)}.")
        lines_en.append(
            f"{'Skill' if len(missing_display) == 1 else 'Skills'} they also ask for: {_quoted(missing_display)}."
        )
    return Explanation(
        matched_criteria=match.criteria,
        occupation_match=match.occupation_match,
        distance_km=match.distance_km,
        skills_in_common=common_display,
        skills_missing=missing_display,
        text_nl=" ".join(lines_nl),
        text_en=" ".join(lines_en),
        parts=parts,
    )
