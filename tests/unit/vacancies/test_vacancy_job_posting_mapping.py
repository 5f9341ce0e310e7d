from __future__ import annotations

import pytest

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.vacancies.entrypoints.jsonld import RecordError, job_posting_to_vacancy, map_job_posting

POSTING = {
    "@type": "JobPosting",
    "identifier": {"@type": "PropertyValue", "name": "werkbank.example", "value": "WB-1"},
    "title": "Kok",
    "description": "<p>Koken</p><ul><li>vers</li></ul>",
    "datePosted": "2026-11-01T09:00:00+01:00",
    "validThrough": "2026-12-31T23:59",
    "employmentType": ["FULL_TIME", "TEMPORARY"],
    "hiringOrganization": {"@type": "Organization", "name": "Restaurant Zwolle"},
    "jobLocation": {
        "@type": "Place",
        "address": {"addressLocality": "Zwolle", "postalCode": "8011 AA", "addressCountry": {"name": "NL"}},
        "geo": {"latitude": "52.51", "longitude": "6.09"},
    },
    "baseSalary": {"currency": "EUR", "value": {"minValue": 14, "maxValue": 17.5, "unitText": "HOUR"}},
    "occupationalCategory": "5120 Cooks",
    "skills": "koken, hygiëne",
    "workHours": "24 - 32 uur",
    "url": "https://werkbank.example/WB-1",
}


class TestJobPostingMapping:
    def test_the_google_for_jobs_properties_are_mapped(self) -> None:
        v = job_posting_to_vacancy(POSTING)
        assert (v.source, v.external_id, v.title, v.employer) == (
            "werkbank.example",
            "WB-1",
            "Kok",
            "Restaurant Zwolle",
        )
        assert v.description == "Koken\n\n- vers"
        assert (v.date_posted, v.valid_through) == ("2026-11-01", "2026-12-31")
        assert v.contract_type == pb.CONTRACT_TYPE_TEMPORARY
        assert (v.location.place_name, v.location.postal_code, v.location.country_code) == ("Zwolle", "8011 AA", "NL")
        assert v.location.has_coordinates and v.location.latitude == 52.51
        assert (v.salary_min, v.salary_max, v.salary_period) == (14, 17.5, pb.SALARY_PERIOD_HOUR)
        assert v.occupation.isco_code == "5120"
        assert list(v.required_skills) == ["koken", "hygiëne"]
        assert (v.hours_min, v.hours_max) == (24, 32)

    def test_without_identifier_the_url_is_the_external_id(self) -> None:
        posting = {k: val for k, val in POSTING.items() if k != "identifier"}
        v = job_posting_to_vacancy(posting)
        assert v.external_id == "https://werkbank.example/WB-1"
        assert v.source == "werkbank.example"

    def test_without_identifier_and_url_a_stable_content_fingerprint_is_the_external_id(self) -> None:
        posting = {k: val for k, val in POSTING.items() if k not in ("identifier", "url")}
        first, second = job_posting_to_vacancy(posting), job_posting_to_vacancy(dict(posting))
        assert first.external_id.startswith("fp-") and first.external_id == second.external_id

    def test_an_address_without_geo_gets_no_coordinates_from_the_importer(self) -> None:
        posting = {**POSTING, "jobLocation": {"address": {"addressLocality": "Zwolle"}}}
        assert not job_posting_to_vacancy(posting).location.has_coordinates

    def test_telecommute_without_a_location_is_remote(self) -> None:
        posting = {**POSTING, "jobLocationType": "TELECOMMUTE"}
        posting.pop("jobLocation")
        assert job_posting_to_vacancy(posting).workplace_type == pb.WORKPLACE_TYPE_REMOTE

    def test_an_esco_uri_as_occupational_category_is_kept_as_uri(self) -> None:
        uri = "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
        assert job_posting_to_vacancy({**POSTING, "occupationalCategory": uri}).occupation.esco_uri == uri

    def test_an_onet_code_is_not_taken_for_isco(self) -> None:
        v = job_posting_to_vacancy({**POSTING, "occupationalCategory": "15-1132.00 Software Developers"})
        assert v.occupation.isco_code == ""

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            ({"@type": "Organization"}, "geen JobPosting"),
            ({"title": True}, "title"),
            ({"datePosted": True}, "datePosted"),
            ({"title": "", "name": ""}, "title"),
        ],
    )
    def test_records_that_cannot_be_understood_give_a_reason(self, change: dict, reason: str) -> None:  # type: ignore[type-arg]
        with pytest.raises(RecordError, match=reason):
            job_posting_to_vacancy({**POSTING, **change})

    def test_a_record_that_is_not_an_object_is_refused(self) -> None:
        with pytest.raises(RecordError):
            job_posting_to_vacancy(["not", "an", "object"])

    def test_every_problem_of_a_posting_is_listed_at_once_in_dutch_and_english(self) -> None:
        mapped = map_job_posting({"@type": "JobPosting", "title": True})
        assert [e.split(":", 1)[0] for e in mapped.errors] == ["title", "hiringOrganization", "jobLocation"]
        assert all(e.en.split(":", 1)[0] == e.split(":", 1)[0] and e.en != e.nl for e in mapped.errors)


class TestTolerantFields:
    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"employmentType": "SOMETIMES"}, "employmentType"),
            ({"datePosted": "gisteren"}, "datePosted"),
            (
                {
                    "jobLocation": {
                        "address": {"addressLocality": "Zwolle"},
                        "geo": {"latitude": "noord", "longitude": 5},
                    }
                },
                "jobLocation.geo",
            ),
            ({"baseSalary": {"currency": "EUR", "value": "marktconform"}}, "baseSalary"),
            ({"workHours": "8am - 5pm"}, "workHours"),
            ({"occupationalCategory": "9999"}, "occupationalCategory"),
        ],
    )
    def test_an_unreadable_optional_value_is_a_warning_and_the_posting_is_kept(self, change: dict, field: str) -> None:  # type: ignore[type-arg]
        mapped = map_job_posting({**POSTING, **change})
        assert mapped.vacancy is not None and not mapped.errors
        assert [w.split(":", 1)[0] for w in mapped.warnings] == [field]
        assert mapped.warnings[0].en.startswith(f"{field}: ") and mapped.warnings[0].en != mapped.warnings[0].nl

    def test_an_unreadable_salary_is_left_out_not_invented(self) -> None:
        mapped = map_job_posting({**POSTING, "baseSalary": {"currency": "EUR", "value": "veel"}})
        assert mapped.vacancy is not None
        assert (mapped.vacancy.salary_min, mapped.vacancy.salary_max, mapped.vacancy.salary_currency) == (0, 0, "")

    @pytest.mark.parametrize(
        ("salary", "expected"),
        [
            (
                {
                    "@type": "MonetaryAmount",
                    "currency": "EUR",
                    "value": {"@type": "QuantitativeValue", "value": "2.800,50", "unitText": "MONTH"},
                },
                (2800.5, 2800.5, "EUR", pb.SALARY_PERIOD_MONTH),
            ),
            ("€ 2.800 - € 3.400 per maand", (2800, 3400, "EUR", pb.SALARY_PERIOD_MONTH)),
            ("$50K per year", (50000, 50000, "USD", pb.SALARY_PERIOD_YEAR)),
            (
                {
                    "@type": "PriceSpecification",
                    "priceCurrency": "EUR",
                    "minPrice": 14,
                    "maxPrice": 17,
                    "unitText": "HOUR",
                },
                (14, 17, "EUR", pb.SALARY_PERIOD_HOUR),
            ),
            ({"currency": "CHF", "minValue": 90000, "maxValue": 110000}, (90000, 110000, "CHF", 0)),
            ({"currency": "EUR", "value": "45000"}, (45000, 45000, "EUR", 0)),
        ],
    )
    def test_salaries_in_every_published_shape_are_read(self, salary: object, expected: tuple) -> None:  # type: ignore[type-arg]
        v = job_posting_to_vacancy({**POSTING, "baseSalary": salary})
        assert (v.salary_min, v.salary_max, v.salary_currency, v.salary_period) == expected

    def test_a_salary_without_a_currency_is_left_out_with_a_warning(self) -> None:
        mapped = map_job_posting({**POSTING, "baseSalary": 3000})
        assert mapped.vacancy is not None and mapped.vacancy.salary_min == 0
        assert mapped.warnings[0].startswith("baseSalary:")

    @pytest.mark.parametrize(
        ("value", "contract", "workplace"),
        [
            ("Vollzeit, unbefristet", pb.CONTRACT_TYPE_PERMANENT, 0),
            (["CDD", "TEMPS_PLEIN"], pb.CONTRACT_TYPE_TEMPORARY, 0),
            ("fulltime_permanent", pb.CONTRACT_TYPE_PERMANENT, 0),
            ("Uitzendwerk", pb.CONTRACT_TYPE_TEMPORARY_AGENCY, 0),
            ("REMOTE", 0, pb.WORKPLACE_TYPE_REMOTE),
        ],
    )
    def test_local_and_ats_employment_types_are_mapped(self, value: object, contract: int, workplace: int) -> None:
        mapped = map_job_posting({**POSTING, "employmentType": value})
        assert mapped.vacancy is not None and not mapped.warnings
        assert (mapped.vacancy.contract_type, mapped.vacancy.workplace_type) == (contract, workplace)

    @pytest.mark.parametrize(
        ("country", "code"),
        [("NLD", "NL"), ("Netherlands", "NL"), ("Deutschland", "DE"), ({"@type": "Country", "name": "FR"}, "FR")],
    )
    def test_a_country_as_alpha3_or_a_name_becomes_alpha2(self, country: object, code: str) -> None:
        posting = {**POSTING, "jobLocation": {"address": {"addressLocality": "X", "addressCountry": country}}}
        assert job_posting_to_vacancy(posting).location.country_code == code

    def test_out_of_bounds_work_hours_are_kept_as_text_never_as_hours(self) -> None:
        mapped = map_job_posting({**POSTING, "workHours": "400 uur per week"})
        assert mapped.vacancy is not None and (mapped.vacancy.hours_min, mapped.vacancy.hours_max) == (0, 0)
        assert mapped.vacancy.description.endswith("Werktijden / working hours: 400 uur per week")

    def test_name_stands_in_for_a_missing_title(self) -> None:
        posting = {k: v for k, v in POSTING.items() if k != "title"} | {"name": "Kok (m/v)"}
        mapped = map_job_posting(posting)
        assert mapped.vacancy is not None and mapped.vacancy.title == "Kok (m/v)"

    def test_an_entity_escaped_html_description_becomes_plain_text(self) -> None:
        v = job_posting_to_vacancy({**POSTING, "description": "&lt;p&gt;Koken &amp;amp; bakken&lt;/p&gt;"})
        assert v.description == "Koken & bakken"

    def test_an_employer_given_by_reference_is_looked_up(self) -> None:
        posting = {**POSTING, "hiringOrganization": {"@id": "#org"}}
        mapped = map_job_posting(posting, nodes={"#org": {"@type": "Organization", "name": "Gemeente Zwolle"}})
        assert mapped.vacancy is not None and mapped.vacancy.employer == "Gemeente Zwolle"

    def test_several_locations_keep_the_first_with_a_warning(self) -> None:
        places = [{"address": {"addressLocality": "Zwolle"}}, {"address": {"addressLocality": "Kampen"}}]
        mapped = map_job_posting({**POSTING, "jobLocation": places})
        assert mapped.vacancy is not None and mapped.vacancy.location.place_name == "Zwolle"
        assert mapped.warnings[0].startswith("jobLocation:")

    @pytest.mark.parametrize("identifier", ["WB-1", 1001, [{"@type": "PropertyValue", "value": "WB-1"}]])
    def test_an_identifier_as_text_number_or_property_value_is_the_external_id(self, identifier: object) -> None:
        assert job_posting_to_vacancy({**POSTING, "identifier": identifier}).external_id in ("WB-1", "1001")
