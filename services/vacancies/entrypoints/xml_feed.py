"""The "Indeed-style" XML job feed that ATSs export (`<source>` with `<job>` elements: title,
date, referencenumber, url, company, city, state, country, postalcode, description, salary,
jobtype, expirationdate, remotetype, ...), turned into JobPosting objects so the same tolerant
reader maps them. Parsed with defusedxml (no entity expansion, no external entities).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException

from services.common.errors import t

_XML_START = re.compile(rb"^\s*(?:<\?xml|<source\b|<jobs\b|<feed\b)", re.IGNORECASE)
_JOB_TAGS = {"job", "vacancy", "vacature"}
# feed element -> JobPosting property (first one present wins)
_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "jobtitle", "functietitel"),
    "datePosted": ("date", "publishdate", "posted_at", "dateposted", "publicationdate"),
    "validThrough": ("expirationdate", "expirydate", "expiration_date", "closingdate", "validthrough"),
    "identifier": ("referencenumber", "reference_id", "reference", "requisitionid", "id", "jobid"),
    "url": ("url", "link", "applyurl"),
    "hiringOrganization": ("company", "employer", "companyname", "werkgever"),
    "description": ("description", "body", "omschrijving"),
    "baseSalary": ("salary", "salaris"),
    "employmentType": ("jobtype", "job_type", "employmenttype", "contract_type", "contracttype", "contract_time"),
    "workHours": ("hours", "workhours", "uren"),
}
_ADDRESS: dict[str, tuple[str, ...]] = {
    "addressLocality": ("city", "location", "plaats"),
    "addressRegion": ("state", "region", "province"),
    "postalCode": ("postalcode", "zip", "postcode"),
    "addressCountry": ("country",),
    "streetAddress": ("streetaddress", "address"),
}


def looks_like_xml(raw: bytes) -> bool:
    return bool(_XML_START.match(raw.lstrip(b"\xef\xbb\xbf")))


class FeedError(ValueError):
    """The whole file is not a readable job feed (one error for the file)."""


def job_postings(raw: bytes) -> Iterator[dict[str, Any]]:
    """One JobPosting dict per <job>, in feed order."""
    try:
        root = safe_xml.fromstring(raw)
    except ParseError as error:
        line, column = error.position
        excerpt = _line(raw, line)[max(0, column - 20) : column + 20]
        raise FeedError(
            t(
                f"Geen geldige XML op regel {line}, kolom {column} bij {excerpt!r}.",
                f"malformed XML at line {line}, column {column}, near {excerpt!r}",
            )
        ) from None
    except DefusedXmlException as error:
        raise FeedError(
            t(
                f"XML met verboden onderdelen ({type(error).__name__}).",
                f"XML with forbidden constructs ({type(error).__name__})",
            )
        ) from None
    jobs = [element for element in root.iter() if _name(element) in _JOB_TAGS]
    if not jobs:
        raise FeedError(
            t(
                f"Geen vacatures (<job>) gevonden in <{_name(root)}>.",
                f"no job elements (<job>) found in <{_name(root)}>",
            )
        )
    for job in jobs:
        yield _posting(job)


def _name(element: Element) -> str:
    return str(element.tag).rsplit("}", 1)[-1].lower()


def _line(raw: bytes, number: int) -> str:
    lines = raw.decode("utf-8", "replace").splitlines()
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _posting(job: Element) -> dict[str, Any]:
    values = {_name(child): "".join(child.itertext()).strip() for child in job}
    posting: dict[str, Any] = {"@type": "JobPosting"}
    for prop, names in _FIELDS.items():
        found = next((values[n] for n in names if values.get(n)), "")
        if found:
            posting[prop] = found
    address = {prop: next((values[n] for n in names if values.get(n)), "") for prop, names in _ADDRESS.items()}
    address = {k: v for k, v in address.items() if v}
    if address:
        posting["jobLocation"] = {"@type": "Place", "address": {"@type": "PostalAddress", **address}}
    remote = values.get("remotetype", "") + " " + values.get("remote", "")
    if re.search(r"\b(?:fully\s+remote|remote|yes|true|thuiswerk)\b", remote, re.IGNORECASE):
        posting["jobLocationType"] = "TELECOMMUTE"
    return posting
