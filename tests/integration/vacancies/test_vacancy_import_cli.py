"""`jobmatch vacancies import` and `search` against a real server (port 0)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest
from vacancies_support import FIXTURES

from services.vacancies.entrypoints.cli import register

ALL_FILES = [
    FIXTURES / "werkbank_graph.jsonld",
    FIXTURES / "malformed.json",
    FIXTURES / "jobboard_array.json",
    FIXTURES / "feed.ndjson",
]


def run_cli(capsys: pytest.CaptureFixture[str], port: int, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="jobmatch")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([*argv, "--target", f"127.0.0.1:{port}"])
    code = args.func(args)
    return code, capsys.readouterr().out


def import_json(capsys, port: int, *files: Path) -> dict:  # type: ignore[no-untyped-def,type-arg]
    _, out = run_cli(capsys, port, "vacancies", "import", *map(str, files), "--json")
    return json.loads(out)


class TestImport:
    def test_the_summary_counts_every_record_and_names_each_problem(self, served, capsys) -> None:  # type: ignore[no-untyped-def]
        summary = import_json(capsys, served[1], *ALL_FILES)
        assert {k: summary[k] for k in ("accepted", "updated", "unchanged", "duplicate", "rejected")} == {
            "accepted": 5,
            "updated": 0,
            "unchanged": 0,
            "duplicate": 1,
            "rejected": 6,
        }
        problems = {(Path(e["file"]).name, e["record"]): e["reason"] for e in summary["errors"]}
        assert set(problems) == {
            ("werkbank_graph.jsonld", 4),
            ("werkbank_graph.jsonld", 5),
            ("werkbank_graph.jsonld", 6),
            ("malformed.json", 0),
            ("jobboard_array.json", 2),
            ("feed.ndjson", 2),
        }
        assert "geen JobPosting" in problems[("werkbank_graph.jsonld", 4)]
        assert problems[("werkbank_graph.jsonld", 5)].startswith("title:")
        assert "Geen geldige JSON" in problems[("malformed.json", 0)]
        assert problems[("jobboard_array.json", 2)].startswith("valid_through:")
        assert not any("(EN" in p or "JSON at line" in p for p in problems.values())

    def test_with_jobmatch_language_en_every_problem_is_in_english_only(self, served, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.setenv("JOBMATCH_LANGUAGE", "en")
        summary = import_json(capsys, served[1], *ALL_FILES)
        problems = {(Path(e["file"]).name, e["record"]): e["reason"] for e in summary["errors"]}
        assert "not a JobPosting" in problems[("werkbank_graph.jsonld", 4)]
        assert "malformed JSON" in problems[("malformed.json", 0)]
        # Checked by the service, answered in the language the command asked for (accept-language).
        assert "closing date" in problems[("jobboard_array.json", 2)]
        assert not any("Geen" in p or "Dit " in p for p in problems.values())

    def test_importing_the_same_files_twice_reports_every_item_unchanged(self, served, capsys) -> None:  # type: ignore[no-untyped-def]
        first = import_json(capsys, served[1], *ALL_FILES)
        second = import_json(capsys, served[1], *ALL_FILES)
        assert second["unchanged"] == first["accepted"] + first["duplicate"]
        assert (second["accepted"], second["updated"], second["duplicate"]) == (0, 0, 0)

    def test_the_same_vacancy_from_two_sources_is_stored_once(self, served, app, capsys) -> None:  # type: ignore[no-untyped-def]
        import_json(capsys, served[1], FIXTURES / "werkbank_graph.jsonld", FIXTURES / "jobboard_array.json")
        (stored,) = [v for _, v in app.store.open_vacancies_after(0, 100) if "Python" in v.content.title]
        assert [(s.source, s.external_id) for s in stored.linked_sources] == [("jobboard.example", "JB-77")]

    def test_html_descriptions_become_readable_plain_text(self, served, app, capsys) -> None:  # type: ignore[no-untyped-def]
        import_json(capsys, served[1], FIXTURES / "werkbank_graph.jsonld")
        (stored,) = [v for _, v in app.store.open_vacancies_after(0, 100) if v.content.external_id == "WB-1001"]
        assert "<" not in stored.content.description and "alert" not in stored.content.description
        assert "- API's bouwen\n- Code reviews & testen" in stored.content.description

    def test_an_address_without_geo_is_placed_from_the_dutch_places_and_a_foreign_one_is_not(
        self, served, app, capsys
    ) -> None:  # type: ignore[no-untyped-def]
        import_json(capsys, served[1], FIXTURES / "werkbank_graph.jsonld")
        by_place = {
            v.content.location.place_name: v.content.location for _, v in app.store.open_vacancies_after(0, 100)
        }
        assert by_place["Amersfoort"].has_coordinates and by_place["Amersfoort"].province_code == "09"
        assert not by_place["Antwerpen"].has_coordinates

    def test_the_table_output_shows_a_summary_per_status(self, served, capsys) -> None:  # type: ignore[no-untyped-def]
        code, out = run_cli(capsys, served[1], "vacancies", "import", str(FIXTURES / "feed.ndjson"))
        assert code == 1  # one malformed line
        assert "accepted" in out and "rejected" in out and "feed.ndjson" in out


class TestSearchCommand:
    def test_search_near_a_place_prints_the_hits_as_json(self, served, capsys) -> None:  # type: ignore[no-untyped-def]
        import_json(capsys, served[1], FIXTURES / "werkbank_graph.jsonld")
        code, out = run_cli(
            capsys, served[1], "vacancies", "search", "--near", "Utrecht", "--radius", "25", "--isco", "25", "--json"
        )
        result = json.loads(out)
        assert code == 0
        assert [h["title"] for h in result["hits"]] == ["Softwareontwikkelaar Python (m/v/x)"]
        assert result["hits"][0]["distance_km"] < 1

    def test_text_search_finds_a_vacancy_abroad_without_coordinates(self, served, capsys) -> None:  # type: ignore[no-untyped-def]
        import_json(capsys, served[1], FIXTURES / "werkbank_graph.jsonld")
        _, out = run_cli(capsys, served[1], "vacancies", "search", "--text", "orderpicken", "--json")
        assert [h["place_name"] for h in json.loads(out)["hits"]] == ["Antwerpen"]

    def test_an_unknown_place_is_explained_and_fails(self, served, capsys) -> None:  # type: ignore[no-untyped-def]
        parser = argparse.ArgumentParser(prog="jobmatch")
        register(parser.add_subparsers(dest="command", required=True))
        args = parser.parse_args(["vacancies", "search", "--near", "Atlantis", "--target", f"127.0.0.1:{served[1]}"])
        assert args.func(args) == 2
        assert "near_place" in capsys.readouterr().err


class TestReadingFiles:
    def test_undecodable_bytes_reject_only_their_record(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.vacancies.entrypoints.feed_reader import read_file

        path = tmp_path / "mixed.json"
        path.write_bytes(
            b'[{"@type": "JobPosting", "title": "Caf\xe9 medewerker", "url": "https://x.example/1",'
            b' "hiringOrganization": "Caf\xc3\xa9 Zwolle", "jobLocation": "Zwolle"},'
            b' {"@type": "JobPosting", "title": "Kok", "url": "https://x.example/2",'
            b' "hiringOrganization": "Restaurant Zwolle", "jobLocation": "Zwolle"}]'
        )
        records = list(read_file(path))
        assert [(r.record, r.problems) for r in records] == [
            (1, ("title: Deze tekst is geen geldige UTF-8.",)),
            (2, ()),
        ]
        assert records[0].problems[0].en == "title: This text is not valid UTF-8."

    def test_one_object_per_line_in_a_json_file_is_read_as_ndjson(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.vacancies.entrypoints.feed_reader import read_file

        path = tmp_path / "lines.json"
        path.write_text(
            '{"@type": "JobPosting", "title": "A", "url": "https://x.example/a", "description": "a",'
            ' "jobLocationType": "TELECOMMUTE"}\n'
            '{"@type": "JobPosting", "title": "B", "url": "https://x.example/b", "description": "b",'
            ' "jobLocationType": "TELECOMMUTE"}\n',
            encoding="utf-8",
        )
        assert [r.vacancy.title for r in read_file(path) if r.vacancy] == ["A", "B"]

    def test_a_missing_file_is_reported_and_the_next_file_is_still_read(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.vacancies.entrypoints.feed_reader import read_files

        records = list(read_files([tmp_path / "missing.json", FIXTURES / "feed.ndjson"]))
        assert records[0].error.startswith("Bestand niet te lezen") and records[0].error.en.startswith(
            "cannot read file"
        )
        assert [r.vacancy.external_id for r in records[1:] if r.vacancy] == ["F-1", "F-3"]
