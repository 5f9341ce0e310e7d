"""What the shipped ESCO skill data does and does not support."""

from __future__ import annotations

from services.common.reference import skills

SOFTWARE_DEVELOPER = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
TYPESCRIPT = "http://data.europa.eu/esco/skill/867137fb-ff1b-4ca3-99f3-cb6969aa2c68"


class TestSkillLabels:
    def test_typescript_is_linked_to_its_esco_uri(self) -> None:
        skill = skills.by_uri(TYPESCRIPT)
        assert skill is not None and skill.label == "TypeScript"
        assert skills.by_label("typescript") == skill

    def test_a_label_that_fits_several_skill_texts_gets_no_uri(self) -> None:
        # "JavaScript" starts the texts of both "JavaScript" and "JavaScript Framework".
        assert "JavaScript" in skills.skill_labels()
        assert skills.by_label("JavaScript") is None

    def test_every_linked_skill_has_a_unique_uri_and_a_known_label(self) -> None:
        every = skills.all_skills()
        assert len(every) > 600
        assert len({s.uri for s in every}) == len(every)
        assert {s.label for s in every} <= set(skills.skill_labels())

    def test_labels_carry_no_stray_spaces(self) -> None:
        assert all(label == label.strip() for label in skills.skill_labels())

    def test_an_unknown_uri_finds_nothing(self) -> None:
        assert skills.by_uri("http://data.europa.eu/esco/skill/does-not-exist") is None


class TestSkillsForOccupation:
    def test_the_software_developer_has_its_essential_skills(self) -> None:
        found = skills.skills_for_occupation(SOFTWARE_DEVELOPER)
        assert "integrated development environment software" in found
        assert len(found) == len(set(found))

    def test_an_occupation_outside_ict_has_no_skills(self) -> None:
        # A technical director (theatre), ISCO 2654.
        assert (
            skills.skills_for_occupation("http://data.europa.eu/esco/occupation/00030d09-2b3a-4efd-87cc-c4ea39d27c34")
            == ()
        )


class TestNormaliseSkill:
    def test_a_uri_and_its_label_give_the_same_key(self) -> None:
        assert skills.normalise_skill(TYPESCRIPT) == skills.normalise_skill(" TypeScript ") == "typescript"

    def test_case_and_spacing_do_not_matter(self) -> None:
        assert skills.normalise_skill("Manage  ICT Data Architecture") == "manage ict data architecture"

    def test_an_unknown_uri_stays_its_own_key(self) -> None:
        uri = "http://data.europa.eu/esco/skill/does-not-exist"
        assert skills.normalise_skill(uri) == uri
