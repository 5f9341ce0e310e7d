"""The regression corpus of published job-posting documents (tests/fixtures/vacancies/corpus,
provenance in PROVENANCE.md): per file what is stored, warned about and rejected, a broken
file reported with a usable reason, and re-importing everything changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from test_vacancy_import_cli import import_json
from vacancies_support import FIXTURES

CORPUS = FIXTURES / "corpus"
# file -> (stored, with warnings, rejected); a file that is not well-formed is one rejected record 0.
EXPECTED = {
    "gtm_course_job_posting.json": (1, 1, 0),
    "indeed_xml_spec_example.xml": (1, 0, 0),
    "jobrapido_xml_spec_example.xml": (1, 0, 3),  # three "<job>...</job>" placeholders, as published
    "ziprecruiter_organic_sample.xml": (0, 0, 1),  # text after </source>: malformed XML
}
BROKEN = {"ziprecruiter_organic_sample.xml"}
AS_PUBLISHED = datetime(2012, 1, 2, 9, 0, tzinfo=UTC)  # before every closing date in the corpus


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.name != "PROVENANCE.md")


def per_file(summary: dict) -> dict[str, tuple[int, int, int]]:  # type: ignore[type-arg]
    rejected: dict[str, int] = {}
    for error in summary["errors"]:
        rejected[Path(error["file"]).name] = rejected.get(Path(error["file"]).name, 0) + 1
    warned: dict[str, int] = {}
    for item in summary["warnings"]:
        warned[Path(item["file"]).name] = warned.get(Path(item["file"]).name, 0) + 1
    return {name: (0, warned.get(name, 0), rejected.get(name, 0)) for name in EXPECTED}


class TestCorpus:
    def test_every_corpus_file_has_a_provenance_line(self) -> None:
        provenance = (CORPUS / "PROVENANCE.md").read_text(encoding="utf-8")
        assert {p.name for p in corpus_files()} == set(EXPECTED)
        assert all(f"`{name}`" in provenance for name in EXPECTED)

    def test_each_file_stores_warns_and_rejects_what_the_table_says(self, served, app, clock, capsys) -> None:  # type: ignore[no-untyped-def]
        clock.now = AS_PUBLISHED
        summary = import_json(capsys, served[1], *corpus_files())
        stored_by_file: dict[str, int] = {}
        for _, vacancy in app.store.open_vacancies_after(0, 1000):
            url = vacancy.content.application_url
            name = next(n for n, host in (("gtm_course_job_posting.json", "search"), ("indeed_xml_spec_example.xml", "unique123131"),
                                          ("jobrapido_xml_spec_example.xml", "ad3456")) if host in (vacancy.content.source + vacancy.content.external_id + url).lower())
            stored_by_file[name] = stored_by_file.get(name, 0) + 1
        table = {name: (stored_by_file.get(name, 0), warned, rejected) for name, (_, warned, rejected) in per_file(summary).items()}
        assert table == EXPECTED
        assert summary["accepted"] == sum(stored for stored, _, _ in EXPECTED.values())
        for error in summary["errors"]:
            assert error["problems"] and all("(EN: " in p for p in error["problems"])
            if Path(error["file"]).name in BROKEN:
                assert error["record"] == 0 and "line" in error["reason"] and "column" in error["reason"]

    def test_at_least_nine_in_ten_postings_of_well_formed_files_are_stored(self, served, clock, capsys) -> None:  # type: ignore[no-untyped-def]
        clock.now = AS_PUBLISHED
        summary = import_json(capsys, served[1], *corpus_files())
        placeholders = 3  # "<job>...</job>": not postings, only the feed specification's ellipsis
        postings = sum(s + r for name, (s, _, r) in EXPECTED.items() if name not in BROKEN) - placeholders
        assert summary["accepted"] / postings >= 0.9

    def test_importing_the_corpus_again_leaves_everything_unchanged(self, served, clock, capsys) -> None:  # type: ignore[no-untyped-def]
        clock.now = AS_PUBLISHED
        first = import_json(capsys, served[1], *corpus_files())
        second = import_json(capsys, served[1], *corpus_files())
        assert (second["accepted"], second["updated"], second["duplicate"]) == (0, 0, 0)
        assert second["unchanged"] == first["accepted"] and second["rejected"] == first["rejected"]

    def test_postings_whose_closing_date_passed_are_counted_expired_not_as_errors(self, served, app, capsys) -> None:  # type: ignore[no-untyped-def]
        summary = import_json(capsys, served[1], *corpus_files())  # the clock's today: 2026-11-25
        assert (summary["accepted"], summary["expired"]) == (0, 3)
        assert all(Path(e["file"]).name != "gtm_course_job_posting.json" for e in summary["errors"])
        assert app.store.open_vacancies_after(0, 100) == [] or not list(app.store.open_vacancies_after(0, 100))
