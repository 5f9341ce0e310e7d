from __future__ import annotations

import pytest

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.vacancies.entrypoints.jsonld import RecordError, job_posting_to_vacancy

POSTING = {
    "@type": "JobPosting",
    "identifier": {"@type": "PropertyValue", "name": "werkbank.example", "value": "WB-1"},
    "title": "Kok",
    "description": "<p>Koken</p><ul><li>vers</li></ul>",
    "datePosted": "2026-11-01T09:00:00+01:00",
    "validThrough": "2026-12-31T23:59",
    "employmentType": ["FULL_TIME", "TEMPORARY"],
    "hiringOrganization": {"@type": "Organization", "name": "Restaurant Zwolle"},
    "jobLocation": {"@type": "Place", "address": {"addressLocality": "Zwolle", "postalCode": "8011 AA",
                                                  "addressCountry": {"name": "NL"}},
                    "geo": {"latitude": "52.51", "longitude": "6.09"}},
    "baseSalary": {"currency": "EUR", "value": {"minValue": 14, "maxValue": 17.5, "unitText": "HOUR"}},
    "occupationalCategory": "5120 Cooks",
    "skills": "koken, hygiëne",
    "workHours": "24 - 32 uur",
    "url": "https://werkbank.example/WB-1",
}


class TestJobPostingMapping:
    def test_the_google_for_jobs_properties_are_mapped(self) -> None:
        v = job_posting_to_vacancy(POSTING)
        assert (v.source, v.external_id, v.title, v.employer) == ("werkbank.example", "WB-1", "Kok", "Restaurant Zwolle")
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

    @pytest.mark.parametrize(("change", "reason"), [
        ({"@type": "Organization"}, "not a JobPosting"),
        ({"employmentType": "SOMETIMES"}, "employmentType"),
        ({"datePosted": "gisteren"}, "datePosted"),
        ({"jobLocation": {"geo": {"latitude": "noord", "longitude": 5}}}, "latitude"),
        ({"title": True}, "title"),
    ])
    def test_records_that_cannot_be_understood_give_a_reason(self, change: dict, reason: str) -> None:  # type: ignore[type-arg]
        with pytest.raises(RecordError, match=reason):
            job_posting_to_vacancy({**POSTING, **change})

    def test_a_record_that_is_not_an_object_is_refused(self) -> None:
        with pytest.raises(RecordError):
            job_posting_to_vacancy(["not", "an", "object"])
