"""Reading job-posting files into import records: JSON-LD (one posting, arrays, `@graph`,
`ItemList`/`ListItem`), NDJSON, saved HTML pages (every `<script type="application/ld+json">`,
via extruct) and Indeed-style XML feeds. The format follows from `--format`, else the file
name, else the first bytes.

A file that cannot be read as a whole is one error with line, column and an excerpt; a record
that cannot be imported is one error listing all its problems; neither stops the others.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.common.errors import t
from services.common.i18n import Text

from .jsonld import is_job_posting, map_job_posting, types
from .xml_feed import FeedError, job_postings, looks_like_xml

FORMATS = ("auto", "jsonld", "ndjson", "html", "xml")
TOO_DEEP = t("Geen geldige JSON: te diep genest.", "malformed JSON: nested too deeply")
_SUFFIXES = {".ndjson": "ndjson", ".jsonl": "ndjson", ".html": "html", ".htm": "html", ".xml": "xml"}


@dataclass(frozen=True)
class ImportRecord:
    file: str
    record: int  # 1-based: position in the document or feed, line in NDJSON; 0 = the whole file
    vacancy: pb.Vacancy | None = None
    error: str = ""  # every problem, "; "-separated (also in `problems`)
    warnings: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def read_files(paths: list[Path], source: str | None = None, fmt: str = "auto") -> Iterator[ImportRecord]:
    for path in paths:
        yield from read_file(path, source, fmt)


def read_file(path: Path, source: str | None = None, fmt: str = "auto") -> Iterator[ImportRecord]:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        reason = error.strerror or error
        yield _failed(
            name, 0, t(f'Bestand niet te lezen (melding van het systeem: "{reason}").', f"cannot read file: {reason}")
        )
        return
    kind = fmt if fmt != "auto" else _SUFFIXES.get(path.suffix.lower()) or _sniff(raw)
    if kind == "xml":
        yield from _read_xml(name, raw, source)
        return
    # Undecodable bytes become lone surrogates, reported per record instead of failing the file.
    text = raw.decode("utf-8-sig", errors="surrogateescape")
    if kind == "html":
        yield from _read_html(name, text, source)
    elif kind == "ndjson":
        yield from _read_lines(name, text, source)
    else:
        yield from _read_json(name, text, source)


def _sniff(raw: bytes) -> str:
    if looks_like_xml(raw):
        return "xml"
    return "html" if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") else "jsonld"


def _failed(name: str, number: int, *problems: str) -> ImportRecord:
    return ImportRecord(name, number, error=Text.joined("; ", problems), problems=tuple(problems))


def _malformed(text: str, error: json.JSONDecodeError, line_offset: int = 0) -> str:
    line = text.splitlines()[error.lineno - 1] if text and error.lineno <= len(text.splitlines()) else ""
    excerpt = line[max(0, error.colno - 21) : error.colno + 19]
    where = f"{error.lineno + line_offset}, kolom {error.colno}"
    return t(
        f"Geen geldige JSON op regel {where} ({error.msg}) bij {excerpt!r}.",
        f"malformed JSON at line {error.lineno + line_offset}, column {error.colno}: {error.msg}, near {excerpt!r}",
    )


def _read_json(name: str, text: str, source: str | None) -> Iterator[ImportRecord]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg == "Extra data" and _first_line_parses(text):  # several objects, one per line
            yield from _read_lines(name, text, source)
        else:
            yield _failed(name, 0, _malformed(text, error))
        return
    except RecursionError:  # the json module gives up on very deep nesting instead of a JSONDecodeError
        yield _failed(name, 0, TOO_DEEP)
        return
    yield from _records(name, document, source)


def _first_line_parses(text: str) -> bool:
    line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _read_lines(name: str, text: str, source: str | None) -> Iterator[ImportRecord]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except json.JSONDecodeError as error:
            yield _failed(name, number, _malformed(line, error, number - 1))
            continue
        except RecursionError:
            yield _failed(name, number, TOO_DEEP)
            continue
        for record in _records(name, document, source, postings_only=False):
            yield ImportRecord(name, number, record.vacancy, record.error, record.warnings, record.problems)


def flatten(document: Any) -> list[Any]:
    """Every node of a document: arrays, `@graph` and `ItemList` (`ListItem.item`) unwrapped."""
    found: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for element in value:
                walk(element)
        elif isinstance(value, dict) and isinstance(value.get("@graph"), list):
            walk(value["@graph"])
        elif isinstance(value, dict) and "ItemList" in types(value) and "itemListElement" in value:
            walk(value["itemListElement"])
        elif isinstance(value, dict) and "ListItem" in types(value) and isinstance(value.get("item"), dict):
            walk(value["item"])
        else:
            found.append(value)

    walk(document)
    return found


def _records(name: str, document: Any, source: str | None, postings_only: bool = False) -> Iterator[ImportRecord]:
    """`postings_only` (HTML pages): other nodes (WebSite, BreadcrumbList...) are context, not records.
    Otherwise a node that is not a posting is an error, unless a posting refers to it by @id."""
    nodes = flatten(document)
    postings = [is_job_posting(n) for n in nodes]
    if all(postings):  # a plain feed: no references to resolve
        by_id: dict[str, Any] = {}
        referenced: set[str] = set()
    else:
        by_id = {
            str(n["@id"]): n
            for n, p in zip(nodes, postings, strict=True)
            if not p and isinstance(n, dict) and "@id" in n
        }
        referenced = _references([n for n, p in zip(nodes, postings, strict=True) if p])
    for number, (node, posting) in enumerate(zip(nodes, postings, strict=True), start=1):
        if not posting and (postings_only or (isinstance(node, dict) and node.get("@id") in referenced)):
            continue
        mapped = map_job_posting(node, source, by_id)
        if mapped.vacancy is None:
            yield ImportRecord(
                name,
                number,
                error=Text.joined("; ", mapped.errors),
                warnings=tuple(mapped.warnings),
                problems=tuple(mapped.errors),
            )
        else:
            yield ImportRecord(name, number, mapped.vacancy, warnings=tuple(mapped.warnings))


def _references(postings: list[Any]) -> set[str]:
    found: set[str] = set()
    for posting in postings:
        for key in ("hiringOrganization", "jobLocation"):
            values = posting.get(key)
            for value in values if isinstance(values, list) else [values]:
                if isinstance(value, dict) and "@id" in value:
                    found.add(str(value["@id"]))
                elif isinstance(value, str):
                    found.add(value)
    return found


def _read_html(name: str, text: str, source: str | None) -> Iterator[ImportRecord]:
    from extruct.jsonld import JsonLdExtractor
    from extruct.utils import parse_html

    extractor = JsonLdExtractor()
    blocks: list[Any] = []
    problems: list[str] = []
    try:
        tree = parse_html(text.encode("utf-8", "surrogateescape"), encoding="utf-8")
        scripts = list(extractor._xp_jsonld(tree))
    except Exception as error:  # noqa: BLE001 - lxml refuses some inputs outright (empty, binary)
        yield _failed(name, 0, t(f"Geen leesbare HTML: {error}", f"unreadable HTML: {error}"))
        return
    for number, script in enumerate(scripts, start=1):
        try:
            blocks.extend(extractor._extract_items(script))
        except (ValueError, RecursionError) as error:
            problems.append(
                t(
                    f"JSON-LD-blok {number} is geen geldige JSON ({error}).",
                    f"JSON-LD block {number} is not valid JSON ({error})",
                )
            )
    records = list(_records(name, blocks, source, postings_only=True))
    if problems:
        yield _failed(name, 0, *problems)
    if not records and not problems:
        yield _failed(
            name,
            0,
            t("Geen JobPosting (JSON-LD) gevonden op deze pagina.", "no JobPosting (JSON-LD) found in this page"),
        )
    yield from records


def _read_xml(name: str, raw: bytes, source: str | None) -> Iterator[ImportRecord]:
    try:
        postings = list(job_postings(raw))
    except FeedError as error:
        yield _failed(name, 0, error.args[0] if error.args else str(error))
        return
    for number, posting in enumerate(postings, start=1):
        for record in _records(name, posting, source):
            yield ImportRecord(name, number, record.vacancy, record.error, record.warnings, record.problems)
