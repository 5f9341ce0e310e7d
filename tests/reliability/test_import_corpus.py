"""Bad-input corpus for the JSON-LD importer (`jobmatch vacancies import`): every bad file or
record is reported with file, record and reason, nothing of it is stored, the service keeps
serving, and the command never crashes."""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from reliability_support import Stack, changed_tables

from services.vacancies.entrypoints.cli import register

IMPORT_COUNT: dict[str, int] = {"cases": 0, "passed": 0}


def posting(**fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "identifier": "IMP-1",
        "title": "Softwareontwikkelaar",
        "description": "Python in Utrecht.",
        "datePosted": "2026-11-20",
        "validThrough": "2026-12-31",
        "hiringOrganization": {"name": "Voorbeeld B.V."},
        "jobLocation": {"address": {"addressLocality": "Utrecht"}},
        "url": "https://example.org/jobs/1",
    }
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@dataclass(frozen=True)
class ImportCase:
    id: str
    content: bytes
    suffix: str = ".json"
    records: int = 1  # how many records the file holds (each must be rejected)
    bug: str = ""


MEGABYTE = "x" * (1024 * 1024)
CASES = [
    ImportCase("empty-file", b""),
    ImportCase("whitespace-only", b"   \n\t  "),
    ImportCase("json-null", b"null"),
    ImportCase("json-string", b'"hello"'),
    ImportCase("json-number", b"42"),
    ImportCase("malformed-json", b'{"@type": "JobPosting", "title": '),
    ImportCase("byte-order-mark-then-garbage", b"\xef\xbb\xbf\x00\x01\x02"),
    ImportCase(
        "invalid-utf8-bytes",
        b'{"@type": "JobPosting", "identifier": "IMP-9", "title": "Ontwikkelaar \xff\xfe",'
        b' "jobLocation": {"address": {"addressLocality": "Utrecht"}}}',
    ),
    ImportCase("not-a-job-posting", _json({"@type": "Person", "name": "Jan Jansen"})),
    ImportCase("type-missing", _json({"title": "Ontwikkelaar"})),
    ImportCase("title-missing", _json(posting(title=None))),
    ImportCase("title-an-object-without-text", _json(posting(title={"@id": "urn:x"}))),
    ImportCase("title-a-list-of-objects", _json(posting(title=[{"a": 1}]))),
    ImportCase("title-1mb", _json(posting(title=MEGABYTE))),
    ImportCase("description-1mb", _json(posting(description=MEGABYTE))),
    ImportCase("control-chars-in-title", _json(posting(title="Ontwikkelaar\x00\x07\x1b[31m"))),
    ImportCase("date-posted-impossible", _json(posting(datePosted="2026-02-30"))),
    ImportCase("date-posted-a-boolean", _json(posting(datePosted=True))),
    ImportCase("valid-through-passed", _json(posting(validThrough="2020-01-01"))),
    ImportCase("salary-negative", _json(posting(baseSalary={"currency": "EUR", "value": -100}))),
    ImportCase(
        "salary-nan",
        b'{"@type": "JobPosting", "identifier": "IMP-2", "title": "Ontwikkelaar", '
        b'"baseSalary": {"currency": "EUR", "value": NaN}}',
    ),
    ImportCase(
        "salary-infinite",
        b'{"@type": "JobPosting", "identifier": "IMP-3", "title": "Ontwikkelaar", '
        b'"datePosted": "2026-11-20", "validThrough": "2026-12-31", '
        b'"baseSalary": {"currency": "EUR", "value": Infinity}}',
    ),
    ImportCase("geo-out-of-range", _json(posting(jobLocation={"geo": {"latitude": 123.4, "longitude": 999}}))),
    ImportCase("huge-skill-list", _json(posting(skills=[f"skill {i}" for i in range(100_000)]))),
    ImportCase("bad-url", _json(posting(url="javascript:alert(1)", identifier="IMP-4"))),
    ImportCase("deeply-nested-json", b"[" * 100_000 + b"]" * 100_000),
    ImportCase("deeply-nested-ndjson-line", b"[" * 100_000 + b"]" * 100_000 + b"\n", suffix=".ndjson"),
    ImportCase("graph-of-bad-records", _json({"@graph": [posting(title=""), {"@type": "Thing"}, 7]}), records=3),
    ImportCase(
        "ndjson-all-bad-lines",
        b'{"@type": "JobPosting"\nnot json\n[1, 2]\n' + _json(posting(title="")),
        suffix=".ndjson",
        records=4,
    ),
]


# Were rejected before the tolerant reader (issue 17): an odd optional value is now left out
# with a warning and the posting is stored. (case, identifier, field warned about)
TOLERATED = [
    ("unknown-employment-type", posting(identifier="TOL-1", employmentType="FOREVER"), "employmentType"),
    ("salary-not-a-number", posting(identifier="TOL-2", baseSalary={"currency": "EUR", "value": "veel"}), "baseSalary"),
    ("work-hours-absurd", posting(identifier="TOL-3", workHours="400 uur per week"), "workHours"),
]


def run_import(port: int, path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    parser = argparse.ArgumentParser(prog="jobmatch")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["vacancies", "import", str(path), "--json", "--target", f"127.0.0.1:{port}"])
    code = args.func(args)
    out = capsys.readouterr().out
    return code, json.loads(out)


class TestImporterCorpus:
    @pytest.mark.parametrize(
        "case",
        [
            pytest.param(case, id=case.id, marks=[pytest.mark.xfail(strict=True, reason=case.bug)] if case.bug else [])
            for case in CASES
        ],
    )
    def test_bad_records_are_reported_and_nothing_is_stored(
        self, case: ImportCase, stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        IMPORT_COUNT["cases"] += 1
        path = tmp_path / f"{case.id}{case.suffix}"
        path.write_bytes(case.content)
        before = stack.snapshot()
        code, summary = run_import(stack.services["vacancies"].port, path, capsys)
        assert changed_tables(before, stack.snapshot()) == [], f"{case.id} changed the store: {summary}"
        assert code == 1, summary
        assert summary["accepted"] == summary["updated"] == summary["unchanged"] == summary["duplicate"] == 0
        assert summary["rejected"] >= case.records
        assert summary["errors"] and all(e["reason"] and e["file"] == str(path) for e in summary["errors"])
        assert stack.healthy()
        IMPORT_COUNT["passed"] += 1

    def test_a_good_file_after_the_bad_ones_is_imported(
        self, stack: Stack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "good.json"
        path.write_bytes(_json(posting(identifier="IMP-GOOD")))
        code, summary = run_import(stack.services["vacancies"].port, path, capsys)
        assert (code, summary["accepted"]) == (0, 1), summary

    @pytest.mark.parametrize(("case", "content", "field"), TOLERATED, ids=[c[0] for c in TOLERATED])
    def test_an_odd_optional_value_is_left_out_with_a_warning_and_the_posting_stored(
        self,
        case: str,
        content: dict[str, Any],
        field: str,
        stack: Stack,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        path = tmp_path / f"{case}.json"
        path.write_bytes(_json(content))
        code, summary = run_import(stack.services["vacancies"].port, path, capsys)
        assert (code, summary["accepted"], summary["errors"]) == (0, 1, []), summary
        (item,) = summary["warnings"]
        assert [w.split(":", 1)[0] for w in item["warnings"]] == [field]
