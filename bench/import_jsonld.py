"""`import`: the client half of `jobmatch vacancies import` on N schema.org JobPostings: read
the files and map every posting to a proto vacancy (parse + map), no service involved.

The postings are the seeded sample vacancies of the vacancies service written as Google-style
JobPosting JSON-LD (HTML description, MonetaryAmount salary, PostalAddress, PropertyValue
identifier), once as one JSON array file and once as NDJSON. Timed: reading both files
completely. Baseline: `json.loads` of the same bytes (what any reader must do at least).
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.report import REPEATS, Metric, median
from services.vacancies.domain.model import VacancyContent
from services.vacancies.entrypoints.feed_reader import read_file
from services.vacancies.seed import sample_vacancies

GOAL_SIZE = 20_000
QUICK_SIZE = 500
_UNITS = {"hour": "HOUR", "month": "MONTH", "year": "YEAR"}
_TYPES = {
    "permanent": "FULL_TIME",
    "temporary": "TEMPORARY",
    "internship": "INTERN",
    "volunteer": "VOLUNTEER",
    "freelance": "CONTRACTOR",
    "temporary_agency": "TEMPORARY",
    "apprenticeship": "OTHER",
}


def job_posting(c: VacancyContent, number: int) -> dict[str, Any]:
    """One sample vacancy as a JobPosting the way job boards publish them."""
    paragraphs = "".join(f"<p>{p}</p>" for p in c.description.split("\n\n"))
    posting: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "identifier": {"@type": "PropertyValue", "name": "bench-feed", "value": f"B-{number}"},
        "title": c.title,
        "description": paragraphs,
        "datePosted": f"{c.date_posted}T09:00:00+01:00",
        "validThrough": c.valid_through or "2099-12-31",
        "hiringOrganization": {"@type": "Organization", "name": c.employer},
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": c.location.place_name,
                "postalCode": c.location.postal_code,
                "addressCountry": "NL",
            },
        },
        "employmentType": ["FULL_TIME", _TYPES.get(c.contract_type, "OTHER")],
        "occupationalCategory": c.occupation.isco_code,
        "skills": list(c.required_skills),
        "workHours": f"{c.hours_min:g}-{c.hours_max:g} uur per week" if c.hours_min else "",
        "url": f"https://bench.example/vacatures/B-{number}",
    }
    if c.salary_min:
        posting["baseSalary"] = {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": c.salary_min,
                "maxValue": c.salary_max,
                "unitText": _UNITS.get(c.salary_period, "MONTH"),
            },
        }
    return posting


def write_feeds(size: int, directory: Path) -> list[Path]:
    today = datetime.now(UTC).date()
    postings = [
        job_posting(c, i) for i, c in enumerate(sample_vacancies(size, today=today - timedelta(days=1), seed=9))
    ]
    half = size // 2
    array, lines = directory / "feed.json", directory / "feed.ndjson"
    array.write_text(json.dumps(postings[:half], ensure_ascii=False), encoding="utf-8")
    lines.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in postings[half:]) + "\n", encoding="utf-8")
    return [array, lines]


def _read_all(paths: list[Path]) -> tuple[int, int]:
    good = bad = 0
    for path in paths:
        for record in read_file(path):
            if record.vacancy is not None:
                good += 1
            else:
                bad += 1
    return good, bad


def _parse_only(paths: list[Path]) -> int:
    count = 0
    for path in paths:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ndjson":
            count += sum(1 for line in text.splitlines() if json.loads(line))
        else:
            count += len(json.loads(text))
    return count


def run(size: int) -> list[Metric]:
    with tempfile.TemporaryDirectory(prefix="jobmatch-bench-import-") as tmp:
        paths = write_feeds(size, Path(tmp))
        _read_all(paths)  # warm-up: imports, reference data, caches
        rounds, baselines = [], []
        good = bad = 0
        for _ in range(REPEATS):
            started = time.perf_counter()
            _parse_only(paths)
            baselines.append(time.perf_counter() - started)
            started = time.perf_counter()
            good, bad = _read_all(paths)
            rounds.append(time.perf_counter() - started)
    seconds, baseline_seconds = median(rounds), median(baselines)
    rate, baseline_rate = size / seconds, size / baseline_seconds
    return [
        Metric(
            "import.jsonld-throughput",
            rate,
            "postings/s",
            size,
            baseline_value=baseline_rate,
            ratio=rate / baseline_rate,
            notes={"mapped": good, "refused": bad, "repeats": REPEATS},
        )
    ]
