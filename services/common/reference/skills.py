"""ESCO skills: labels, URIs and the essential skills of ICT occupations.

What the shipped data honestly supports:
- `esco_ict_occupations_with_skills.json.gz` gives clean skill labels (no URIs) for the
  essential skills of 91 ICT occupations.
- `esco_skills.tsv.gz` gives a URI and one run-on text per skill: preferred label, then
  alternative labels, then the description, joined by spaces. Where one label ends and
  the next begins cannot be told in general, so we do not guess labels from it.
A skill therefore gets a URI only where exactly one skill text starts with one of the ICT
labels (the longest one that fits). Labels that fit several texts ("database",
"JavaScript") stay without a URI. That gives 698 skills with URI and label.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache, lru_cache

from pydantic import BaseModel, ConfigDict

from services.common.reference._data import read_json, read_tsv
from services.common.reference._text import fold

SKILLS_FILE = "esco_skills.tsv.gz"
ICT_OCCUPATIONS_FILE = "esco_ict_occupations_with_skills.json.gz"


class Skill(BaseModel):
    model_config = ConfigDict(frozen=True)

    uri: str
    label: str  # ESCO preferred label (English)


@cache
def _ict_skills_by_occupation() -> dict[str, tuple[str, ...]]:
    by_occupation: dict[str, tuple[str, ...]] = {}
    for occupation in read_json(ICT_OCCUPATIONS_FILE):
        # Some labels in the source carry a trailing space.
        labels = dict.fromkeys(label.strip() for label in occupation["skills"] if label.strip())
        by_occupation[occupation["uri"]] = tuple(labels)
    return by_occupation


@cache
def skill_labels() -> tuple[str, ...]:
    """Every known skill label (from the ICT file), sorted."""
    labels = {label for labels in _ict_skills_by_occupation().values() for label in labels}
    return tuple(sorted(labels, key=str.casefold))


@cache
def all_skills() -> tuple[Skill, ...]:
    """Skills whose URI and label could be linked reliably, sorted by label."""
    labels_by_first_word: dict[str, list[str]] = defaultdict(list)
    for label in skill_labels():
        labels_by_first_word[label.split()[0]].append(label)

    uris_by_label: dict[str, list[str]] = defaultdict(list)
    for row in read_tsv(SKILLS_FILE):
        text = row["text"]
        words = text.split(maxsplit=1)
        if not words:
            continue
        fitting = [
            label for label in labels_by_first_word.get(words[0], ()) if text == label or text.startswith(label + " ")
        ]
        if fitting:
            uris_by_label[max(fitting, key=len)].append(row["uri"])

    skills = [Skill(uri=uris[0], label=label) for label, uris in uris_by_label.items() if len(uris) == 1]
    skills.sort(key=lambda skill: (skill.label.casefold(), skill.uri))
    return tuple(skills)


@cache
def _by_uri() -> dict[str, Skill]:
    return {skill.uri: skill for skill in all_skills()}


@cache
def _by_folded_label() -> dict[str, Skill]:
    return {fold(skill.label): skill for skill in all_skills()}


def by_uri(uri: str) -> Skill | None:
    return _by_uri().get(uri.strip())


def by_label(label: str) -> Skill | None:
    """The skill with this preferred label (case- and accent-insensitive), if its URI is known."""
    return _by_folded_label().get(fold(label))


def skills_for_occupation(uri: str) -> tuple[str, ...]:
    """Essential skill labels of an ICT occupation; empty for any other occupation."""
    return _ict_skills_by_occupation().get(uri.strip(), ())


@lru_cache(maxsize=1 << 16)  # every profile and vacancy normalises its skills: most labels recur
def normalise_skill(label_or_uri: str) -> str:
    """The key used to compare skills: a known skill URI becomes its label, then casefolded.

    "http://data.europa.eu/esco/skill/<id-of-TypeScript>", " TypeScript " and "typescript"
    all give "typescript". An unknown URI is kept as its own (folded) key.
    """
    skill = by_uri(label_or_uri) if "://" in label_or_uri else None
    return fold(skill.label if skill else label_or_uri)
