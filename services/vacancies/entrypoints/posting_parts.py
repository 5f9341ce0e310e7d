"""Parts of a JobPosting that come in many shapes: texts, employment types, salary and
locations. Each reader writes into the proto vacancy what it can read and notes the rest:
an error (the posting cannot be imported) or a warning (left out, the posting goes on).
Every note is a `Text`: Dutch and English kept apart, shown in one language.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from services.common.errors import t

from ..domain.posting_values import country_code, employment_types
from ..domain.salary_text import PERIODS, Salary, amount, period_of, salary_text
from ..service_layer.proto_codec import CONTRACT_PB, SALARY_PERIOD_PB, WORKPLACE_PB

_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass
class Notes:
    """What went wrong with one posting: errors refuse it, warnings only tell."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def error(self, name: str, nl: str, en: str) -> None:
        self.errors.append(t(nl, en).prefixed(f"{name}: "))

    def warn(self, name: str, nl: str, en: str) -> None:
        self.warnings.append(t(nl, en).prefixed(f"{name}: "))


def first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def text(value: Any, name: str, notes: Notes) -> str:
    """A text property given as text, number, {"name"/"@value"/"value": ...} or a list of those."""
    if value.__class__ is str:  # the common case, kept cheap
        if value.isascii() or not _SURROGATE.search(value):
            return value.strip()
        notes.error(name, "Deze tekst is geen geldige UTF-8.", "This text is not valid UTF-8.")
        return ""
    if isinstance(value, list):
        value = next((v for v in value if v not in (None, "")), None)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("value")
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        notes.error(name, "Hier hoort tekst te staan.", "Expected text.")
        return ""
    result = str(value)
    if _SURROGATE.search(result):
        notes.error(name, "Deze tekst is geen geldige UTF-8.", "This text is not valid UTF-8.")
        return ""
    return result.strip()


def contract(v: pb.Vacancy, value: Any, notes: Notes) -> None:
    """employmentType: Google's values, local words and ATS codes (see EMPLOYMENT_TYPES)."""
    kinds = value if isinstance(value, list) else [value] if value not in (None, "") else []
    unknown: list[str] = []
    for kind in kinds:
        for word, meaning in employment_types(text(kind, "employmentType", notes)):
            if meaning is None:
                unknown.append(word[:40])
            elif meaning.startswith("@"):
                v.workplace_type = v.workplace_type or WORKPLACE_PB[meaning[1:]]
            elif meaning:
                v.contract_type = v.contract_type or CONTRACT_PB[meaning]
    if unknown:
        notes.warn(
            "employmentType",
            f"Onbekend soort dienstverband {', '.join(unknown)!r}: bewaard als 'anders'.",
            f"Unknown employment type {', '.join(unknown)!r}: kept as 'other'.",
        )


def _number(value: Any, name: str, notes: Notes) -> float | None:
    """A JSON number as it is (the service checks it); a text is read as an amount."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    read = amount(text(value, name, notes)) if isinstance(value, str) else None
    return read


def salary(v: pb.Vacancy, value: Any, currency: str, notes: Notes) -> None:
    """baseSalary as a number, a text, MonetaryAmount, PriceSpecification or a bare object."""
    value = first(value)
    if value in (None, "", {}):
        return
    found: Salary | None = None
    raw = value
    if isinstance(value, dict):
        currency = (
            text(
                value.get("currency") or value.get("priceCurrency") or value.get("salaryCurrency"),
                "baseSalary.currency",
                notes,
            )
            or currency
        )
        inner = value.get("value", value)
        inner = first(inner)
        unit = text(
            value.get("unitText") or (inner.get("unitText") if isinstance(inner, dict) else None),
            "baseSalary.unitText",
            notes,
        )
        if isinstance(inner, dict):
            low = inner.get("minValue", inner.get("minPrice", inner.get("value", inner.get("price"))))
            high = inner.get("maxValue", inner.get("maxPrice", inner.get("value", inner.get("price"))))
        else:
            low = high = inner
        if isinstance(low, str) and isinstance(high, str) and low == high and amount(low) is None:
            found = salary_text(low)  # "€ 2.800 - € 3.400" as the value
            raw = low
        else:
            lo, hi = _number(low, "baseSalary", notes), _number(high, "baseSalary", notes)
            if lo is not None or hi is not None:
                found = Salary(lo if lo is not None else hi, hi if hi is not None else lo)  # type: ignore[arg-type]
            raw = low if low is not None else high
        period = period_of(unit)
        if period is None:
            notes.warn(
                "baseSalary.unitText",
                f"Onbekende periode {unit[:30]!r}: periode onbekend gelaten.",
                f"Unknown period {unit[:30]!r}: period left unknown.",
            )
            period = ""
        if found is not None:
            found = Salary(found.low, found.high, currency or found.currency, period or found.period)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        found = Salary(float(value), float(value), currency)
    elif isinstance(value, str):
        read = salary_text(value)
        found = None if read is None else Salary(read.low, read.high, currency or read.currency, read.period)
    if found is None:
        notes.warn(
            "baseSalary",
            f"Salaris niet te lezen ({str(raw)[:40]!r}): niet overgenomen.",
            f"Salary could not be read ({str(raw)[:40]!r}): left out.",
        )
        return
    _store_salary(v, found, notes)


def _store_salary(v: pb.Vacancy, found: Salary, notes: Notes) -> None:
    if found.period and found.period not in PERIODS:
        notes.warn(
            "baseSalary",
            f"Salaris per {found.period}: dat kunnen we niet bewaren, niet overgenomen.",
            f"Salary per {found.period}: cannot be stored, left out.",
        )
        return
    if not found.currency:
        notes.warn("baseSalary", "Salaris zonder valuta: niet overgenomen.", "Salary without a currency: left out.")
        return
    if math.isfinite(found.low) and math.isfinite(found.high) and found.low > found.high:
        found = Salary(found.high, found.low, found.currency, found.period)
    v.salary_min, v.salary_max = found.low, found.high
    v.salary_currency = found.currency.upper()
    v.salary_period = SALARY_PERIOD_PB.get(found.period, pb.SALARY_PERIOD_UNSPECIFIED)


def country(value: Any, notes: Notes) -> str:
    name = text(
        value.get("identifier") or value.get("name") if isinstance(value, dict) else value,
        "jobLocation.address.addressCountry",
        notes,
    )
    if not name:
        return ""
    code = country_code(name)
    if code is None:
        notes.warn(
            "jobLocation.address.addressCountry",
            f"Onbekend land {name[:40]!r}: niet overgenomen.",
            f"Unknown country {name[:40]!r}: left out.",
        )
        return ""
    return code
