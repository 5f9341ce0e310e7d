"""The ingest path builds its models without pydantic validation (`_Frozen.trusted`): from the
proto mapping and from the checks. What they build must be what validating the same values
builds, field for field and byte for byte in the JSON the content hash is taken of."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.vacancies.domain.fingerprints import content_hash, content_json
from services.vacancies.domain.model import Location, Occupation, VacancyContent
from services.vacancies.domain.rules import check_content
from services.vacancies.seed import sample_vacancies
from services.vacancies.service_layer.proto_codec import content_from_proto, content_to_proto

TODAY = date(2026, 11, 25)


def validated_again(model: BaseModel) -> BaseModel:
    return type(model).model_validate(model.model_dump())


def assert_same_as_validated(model: BaseModel) -> None:
    again = validated_again(model)
    assert model == again
    assert model.model_dump_json() == again.model_dump_json()
    assert model.model_fields_set == again.model_fields_set


def samples() -> list[VacancyContent]:
    plain = VacancyContent(source="s", external_id="1", title="Kok")  # every optional field empty
    abroad = VacancyContent(
        source="s",
        external_id="2",
        title="Kok",
        location=Location(place_name="Aken", country_code="DE", latitude=50.77, longitude=6.08),
        salary_min=3000,
        hours_min=20,
    )
    return [plain, abroad, *sample_vacancies(150, today=TODAY, seed=3, source="trusted")]


@pytest.mark.parametrize("content", samples(), ids=lambda c: c.external_id)
def test_the_proto_mapping_builds_what_validation_builds(content: VacancyContent) -> None:
    mapped = content_from_proto(content_to_proto(content))
    assert_same_as_validated(mapped)
    assert_same_as_validated(mapped.location)
    assert_same_as_validated(mapped.occupation)


@pytest.mark.parametrize("content", samples(), ids=lambda c: c.external_id)
def test_the_checks_build_what_validation_builds(content: VacancyContent) -> None:
    cleaned, violations = check_content(content_from_proto(content_to_proto(content)), today=TODAY)
    assert cleaned is not None, violations
    assert_same_as_validated(cleaned)
    assert_same_as_validated(cleaned.location)
    assert_same_as_validated(cleaned.occupation)
    assert content_hash(cleaned) == content_hash(validated_again(cleaned))  # type: ignore[arg-type]


@pytest.mark.parametrize("content", samples()[:20], ids=lambda c: c.external_id)
def test_the_content_hash_is_the_hash_of_the_model_json_that_stored_hashes_were_made_of(
    content: VacancyContent,
) -> None:
    cleaned, _ = check_content(content, today=TODAY)
    assert cleaned is not None
    made_before = hashlib.blake2b(cleaned.model_dump_json().encode(), digest_size=16).hexdigest()
    assert content_hash(cleaned) == made_before


FLOATS = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(),
    skills=st.lists(st.text(max_size=8), max_size=3),
    numbers=st.tuples(FLOATS, FLOATS, FLOATS, FLOATS),
    licence=st.booleans(),
)
def test_the_content_json_is_what_pydantic_writes_for_any_values(
    text: str, skills: list[str], numbers: tuple[float | None, ...], licence: bool
) -> None:
    low, high, latitude, longitude = numbers
    content = VacancyContent(
        source="s",
        external_id=text,
        title=text,
        description=f"{text}\n{text}",
        occupation=Occupation(esco_uri=text, isco_code="2512", label=text),
        required_skills=tuple(skills),
        location=Location(place_name=text, latitude=latitude, longitude=longitude),
        hours_min=low,
        salary_max=high,
        languages=("nl",),
        driving_licence_required=licence,
    )
    assert content_json(content) == content.model_dump_json().encode()


def test_a_trusted_model_is_frozen_and_copies_like_a_validated_one() -> None:
    occupation = Occupation.trusted(esco_uri="", isco_code="2512", label="")
    with pytest.raises(ValidationError):
        occupation.isco_code = "1"  # type: ignore[misc]
    assert occupation.model_copy(update={"label": "Ontwikkelaar"}) == Occupation(isco_code="2512", label="Ontwikkelaar")
    assert hash(occupation) == hash(Occupation(isco_code="2512"))


def test_the_mapping_reads_an_empty_message_as_empty_content() -> None:
    mapped = content_from_proto(pb.Vacancy())
    assert mapped == VacancyContent(source="", external_id="", title="")
    assert mapped.location.latitude is None and not mapped.required_skills
