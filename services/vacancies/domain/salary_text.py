"""Reading a salary as published: numbers, or text with currency signs, thousands
separators, ranges and a period ("€ 2.800 - € 3.400 per maand", "$50K per year",
"45.000–55.000 EUR brutto/Jahr"). Pure; None when the text holds no amount ("marktconform").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PERIODS = ("hour", "month", "year")
# unitText / period words -> our period; "week" and "day" are read but cannot be stored.
_PERIOD_WORDS: dict[str, str] = {
    "HOUR": "hour",
    "HOURLY": "hour",
    "UUR": "hour",
    "STUNDE": "hour",
    "STD": "hour",
    "HEURE": "hour",
    "HR": "hour",
    "MONTH": "month",
    "MONTHLY": "month",
    "MAAND": "month",
    "MONAT": "month",
    "MONATLICH": "month",
    "MOIS": "month",
    "MENSUEL": "month",
    "PM": "month",
    "YEAR": "year",
    "YEARLY": "year",
    "ANNUAL": "year",
    "ANNUM": "year",
    "JAAR": "year",
    "JAARLIJKS": "year",
    "JAHR": "year",
    "JAHRLICH": "year",
    "AN": "year",
    "ANNUEL": "year",
    "ANNEE": "year",
    "PA": "year",
    "YR": "year",
    "WEEK": "week",
    "WEEKLY": "week",
    "WOCHE": "week",
    "SEMAINE": "week",
    "DAY": "day",
    "DAILY": "day",
    "DAG": "day",
    "TAG": "day",
    "JOUR": "day",
}
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "zł": "PLN"}
_CODE = re.compile(r"\b(EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CZK|CAD|AUD|JPY|INR)\b", re.IGNORECASE)
# 2.800 / 2,800 / 2 800 / 45.000,50 / 14,50 / 50K
_AMOUNT = re.compile(r"(\d{1,3}(?:[.,'\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)\s*([kK])?(?![\d])")
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


@dataclass(frozen=True)
class Salary:
    low: float
    high: float
    currency: str = ""  # "" = the text does not say
    period: str = ""  # "hour" | "month" | "year" | "week" | "day" | "" (not said)


def period_of(unit_text: str) -> str | None:
    """ "MONTH", "per maand", "brutto/Jahr" -> "month"; "" -> ""; None: a unit we do not know."""
    words = [w.upper() for w in _WORD.findall(unit_text.replace("ä", "a").replace("é", "e"))]
    if not words:
        return ""
    for word in words:
        if word in _PERIOD_WORDS:
            return _PERIOD_WORDS[word]
    return None


def amount(text: str) -> float | None:
    """One amount written any common way: "2.800", "2,800.50", "45.000,50", "14,50", "50K"."""
    match = _AMOUNT.fullmatch(text.strip())
    return None if match is None else _number(match.group(1), bool(match.group(2)))


def _number(digits: str, thousands: bool) -> float:
    digits = re.sub(r"['\u00a0\u202f ]", "", digits)
    if "," in digits and "." in digits:
        decimal = "," if digits.rfind(",") > digits.rfind(".") else "."
        digits = digits.replace("." if decimal == "," else ",", "").replace(",", ".")
    elif digits.count(",") > 1 or digits.count(".") > 1:
        digits = digits.replace(",", "").replace(".", "")
    elif re.search(r"[.,]\d{3}$", digits):
        digits = digits.replace(",", "").replace(".", "")  # one separator before 3 digits: thousands
    else:
        digits = digits.replace(",", ".")
    value = float(digits)
    return value * 1000 if thousands else value


def salary_text(text: str) -> Salary | None:
    """Amount or range, currency and period from free text; None when no amount is in it."""
    found = [_number(m.group(1), bool(m.group(2))) for m in _AMOUNT.finditer(text)]
    if not found or len(found) > 2:
        return None  # nothing, or several figures we cannot tell apart
    currency = next((code for sign, code in _SYMBOLS.items() if sign in text), "")
    if code := _CODE.search(text):
        currency = code.group(1).upper()
    rest = _AMOUNT.sub(" ", text)
    period = period_of(rest) or ""
    return Salary(min(found), max(found), currency, period)
