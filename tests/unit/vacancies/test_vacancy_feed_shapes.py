"""The shapes a job-posting file comes in: JSON-LD wrappers, NDJSON, saved HTML pages,
Indeed-style XML, and files that are broken as a whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.vacancies.entrypoints.feed_reader import read_file

POSTING = {
    "@type": "JobPosting",
    "title": "Kok",
    "hiringOrganization": "Restaurant Zwolle",
    "jobLocation": {"address": {"addressLocality": "Zwolle"}},
    "url": "https://r.example/1",
}


def titles(path: Path, fmt: str = "auto") -> list[str]:
    return [r.vacancy.title if r.vacancy else f"ERROR {r.error}" for r in read_file(path, fmt=fmt)]


@pytest.mark.parametrize(
    "document",
    [
        POSTING,
        [POSTING],
        {"@context": "http://schema.org", "@graph": [POSTING]},
        {
            "@context": "https://schema.org/",
            "@type": "ItemList",
            "itemListElement": [{"@type": "ListItem", "position": 1, "item": POSTING}],
        },
        {"@type": "ItemList", "itemListElement": [POSTING]},
        {"type": "JobPosting", **{k: v for k, v in POSTING.items() if k != "@type"}},
    ],
)
def test_every_json_ld_wrapper_yields_the_posting(document: object, tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert titles(path) == ["Kok"]


def test_an_organization_referenced_by_id_in_a_graph_is_context_not_an_error(tmp_path: Path) -> None:
    graph = {
        "@graph": [
            {"@type": "Organization", "@id": "#org", "name": "Gemeente Zwolle"},
            {**POSTING, "hiringOrganization": {"@id": "#org"}},
        ]
    }
    path = tmp_path / "graph.jsonld"
    path.write_text(json.dumps(graph), encoding="utf-8")
    (record,) = read_file(path)
    assert record.vacancy is not None and record.vacancy.employer == "Gemeente Zwolle"


def test_invalid_json_is_one_error_with_line_column_and_excerpt(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{\n  "@type": "JobPosting",\n  "title": "Kok" "x": 1\n}\n' + '{"a": 1}\n' * 36, encoding="utf-8")
    (record,) = read_file(path)
    assert record.record == 0
    assert "regel 3, kolom 18" in record.error and "'" in record.error and "line 3, column 18" in record.error.en
    assert "line" not in record.error.nl


def test_a_saved_html_page_yields_the_postings_of_all_its_json_ld_blocks(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        '<html><head><script type=\'application/ld+json\'>{"@type": "WebSite", "name": "x"}</script>'
        f"<script type='application/ld+json'>{json.dumps(POSTING)}</script></head><body>"
        f'<script type="application/ld+json">{json.dumps({**POSTING, "title": "Bakker"})}</script>'
        "</body></html>",
        encoding="utf-8",
    )
    assert titles(path) == ["Kok", "Bakker"]


def test_a_page_without_a_posting_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html><body><p>Geen vacatures</p></body></html>", encoding="utf-8")
    (record,) = read_file(path)
    assert record.record == 0 and "no JobPosting" in record.error.en


XML = """<?xml version="1.0" encoding="utf-8"?>
<source><publisher>ATS</publisher>
<job><title><![CDATA[Verpleegkundige]]></title><date>2026-11-20</date><referencenumber>V-1</referencenumber>
<url>https://ats.example/V-1</url><company>Zorggroep Zwolle</company><city>Zwolle</city><country>NLD</country>
<description><![CDATA[<p>Zorg</p>]]></description><salary>€ 3.100 - € 4.200 per maand</salary>
<jobtype>parttime, vast</jobtype><expirationdate>2036-01-31</expirationdate></job>
</source>"""


def test_an_indeed_style_xml_feed_is_read_with_the_same_tolerance(tmp_path: Path) -> None:
    path = tmp_path / "feed.txt"
    path.write_text(XML, encoding="utf-8")
    (record,) = read_file(path)
    v = record.vacancy
    assert v is not None and not record.warnings
    assert (v.title, v.external_id, v.employer, v.location.country_code) == (
        "Verpleegkundige",
        "V-1",
        "Zorggroep Zwolle",
        "NL",
    )
    assert (v.salary_min, v.salary_max, v.salary_currency, v.valid_through) == (3100, 4200, "EUR", "2036-01-31")


def test_format_can_be_given_instead_of_detected(tmp_path: Path) -> None:
    path = tmp_path / "feed.dat"
    path.write_text(XML, encoding="utf-8")
    assert titles(path, "xml") == ["Verpleegkundige"]
    assert titles(path, "jsonld")[0].startswith("ERROR")


def test_broken_xml_is_one_error_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_text(XML + "\ntrailing", encoding="utf-8")
    (record,) = read_file(path)
    assert record.record == 0 and "malformed XML at line 8, column 0" in record.error.en
