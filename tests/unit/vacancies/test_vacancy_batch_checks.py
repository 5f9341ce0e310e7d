"""A batch is checked with a fast path for clean items (services/vacancies/domain/batch_checks.py);
every item's outcome must be what `check_content` gives for it alone: the same cleaned
content (field for field, and so the same hashes) or the same violations with the same field
paths and texts."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from services.vacancies.domain.batch_checks import check_batch, suspicious
from services.vacancies.domain.fingerprints import content_hash
from services.vacancies.domain.model import Location, Occupation, VacancyContent
from services.vacancies.domain.rules import _SUSPICIOUS, _SUSPICIOUS_MULTI_LINE, check_content
from services.vacancies.seed import sample_vacancies
from services.vacancies.service_layer.proto_codec import content_from_proto, content_to_proto

TODAY = date(2026, 11, 25)
PREFIX = "vacancies[{index}]."
BASE = [content_from_proto(content_to_proto(c)) for c in sample_vacancies(40, today=TODAY, seed=5, source="batch")]

# Each changes one thing of an otherwise clean vacancy: a rule broken, nearly broken, or a
# value the checks clean up (trim, mask, look up).
CHANGES: list[dict[str, Any]] = [
    {},
    {"title": "  Kok (m/v)  "},
    {"title": ""},
    {"title": "\tKok"},
    {"title": "Kok\x07"},
    {"title": "Kok \ud800"},
    {"employer": "x" * 301},
    {"source": "s" * 201},
    {"description": "Bel 111222333 of 1112.22.333 voor info."},
    {"description": "BSN 123456782 van een kandidaat"},
    {"description": "Regel een\nregel twee\ttab\r\n"},
    {"description": "Stuurteken \x0b hier"},
    {"description": "é" * 16_385},
    {"description": "x" * 70_000},
    {"employer": "Bakkerij 12 345"},
    {"title": "Kok ١٢٣٤٥٦٧٨٩"},  # Arabic-Indic digits are digits to \d
    {"application_url": "ftp://example.nl"},
    {"application_url": "HTTPS://example.nl/apply"},
    {"application_email": "geen-adres"},
    {"application_email": " jobs@example.nl "},
    {"contract_type": "forever"},
    {"workplace_type": "hybrid", "education_level": "mbo_4", "salary_period": "month"},
    {"required_skills": ("koken", " bakken ")},
    {"required_skills": ("koken", "koken")},
    {"optional_skills": ("", "bakken")},
    {"optional_skills": tuple(f"s{i}" for i in range(101))},
    {"required_skills": ("x" * 301,)},
    {"required_skills": ("kok\x00",)},
    {"languages": ("NL", "en")},
    {"languages": ("dutch",)},
    {"hours_min": 40.0, "hours_max": 32.0},
    {"hours_min": 90.0},
    {"hours_max": 24.0},
    {"hours_min": float("nan")},
    {"hours_min": 32.0, "hours_max": float("nan")},
    {"hours_min": 32.0, "hours_max": 80.0},
    {"hours_min": 32.0, "hours_max": 80.5},
    {"salary_min": 3000.0, "salary_max": float("inf")},
    {"salary_min": 3000.0, "salary_max": 3000.0},
    {"salary_min": 3000.0, "salary_currency": ""},
    {"salary_max": 4000.0, "salary_currency": "eur"},
    {"salary_min": -1.0},
    {"salary_currency": "EURO", "salary_min": 1.0},
    {"date_posted": "2026-13-01"},
    {"date_posted": "26-11-2026"},
    {"date_posted": "2026-11-20", "valid_through": "2026-11-19"},
    {"valid_through": "2026-11-24"},
    {"valid_through": "2026-02-30"},
    {"date_posted": "\uff12\uff10\uff12\uff16-01-01"},
    {"date_posted": "2026-11-25", "valid_through": "2026-11-25"},
    {"valid_through": " 2026-12-31 ", "date_posted": ""},
    {"occupation": Occupation.trusted(esco_uri="http://example.org/x", isco_code="", label="")},
    {"occupation": Occupation.trusted(esco_uri="", isco_code="99999", label="")},
    {"location": Location(place_name="Aken", country_code="DE", latitude=50.77, longitude=6.08)},
    {"location": Location(place_name=" utrecht ", postal_code="3511 ab")},
    {"location": Location(place_name="Utrecht", latitude=91.0, longitude=5.0)},
    {"location": Location(place_name="Utr\x01echt")},
    {"location": Location(province_code="XX")},
    {"location": Location(place_name="Utrecht", latitude=-0.0, longitude=5.0)},
    {"location": Location(place_name="Utrecht", latitude=0.0, longitude=5.0)},
    {"location": Location(place_name="Utrecht", latitude=float("nan"), longitude=5.0)},
    {"location": Location(place_name="Utrecht", latitude=52.1)},
    {"location": Location(place_name="Utrecht", latitude=52.1, longitude=181.0)},
    {"location": Location(place_name="utrecht", province_code="26", latitude=52.1, longitude=5.1)},
    {"location": Location(place_name="Utrecht", country_code="be", latitude=50.1, longitude=4.1)},
    {"occupation": Occupation.trusted(esco_uri="", isco_code="2512", label="x")},
    {"occupation": Occupation.trusted(esco_uri="", isco_code="2512", label="")},
]


def changed(base: VacancyContent, change: dict[str, Any]) -> VacancyContent:
    return VacancyContent.trusted(**{**base.__dict__, **change})


def one_by_one(batch: list[VacancyContent]) -> list[Any]:
    return [check_content(c, today=TODAY, prefix=PREFIX.format(index=i)) for i, c in enumerate(batch)]


def test_every_item_of_a_batch_comes_out_as_check_content_gives_it_alone() -> None:
    batch = [changed(BASE[i % len(BASE)], change) for i, change in enumerate(CHANGES)]
    by_batch = check_batch(batch, today=TODAY, prefix=PREFIX)
    assert by_batch == one_by_one(batch)
    for (cleaned, _), (alone, _) in zip(by_batch, one_by_one(batch), strict=True):
        if cleaned is not None and alone is not None:
            assert content_hash(cleaned) == content_hash(alone)


def test_a_clean_batch_of_sample_vacancies_comes_out_as_check_content_gives_it() -> None:
    by_batch = check_batch(BASE, today=TODAY, prefix=PREFIX)
    assert all(cleaned is not None for cleaned, _ in by_batch)
    assert by_batch == one_by_one(BASE)


TEXT = st.text(alphabet=st.sampled_from("ab 1234567890.\t\n\x07\x0béŞ٣"), max_size=30)


@settings(max_examples=150, deadline=None)
@given(
    texts=st.lists(
        st.fixed_dictionaries({"title": TEXT, "employer": TEXT, "description": TEXT, "external_id": TEXT}),
        min_size=1,
        max_size=6,
    )
)
def test_any_texts_come_out_of_a_batch_as_check_content_gives_them(texts: list[dict[str, str]]) -> None:
    batch = [changed(BASE[i], change) for i, change in enumerate(texts)]
    assert check_batch(batch, today=TODAY, prefix=PREFIX) == one_by_one(batch)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0xE000, exclude_categories=()), max_size=20))
def test_the_byte_scan_finds_what_the_suspicious_character_patterns_find(text: str) -> None:
    assert suspicious(text, multi_line=False) == (_SUSPICIOUS.search(text) is not None)
    assert suspicious(text, multi_line=True) == (_SUSPICIOUS_MULTI_LINE.search(text) is not None)
