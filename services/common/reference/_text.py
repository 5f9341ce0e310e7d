"""Text folding shared by the reference lookups: one definition of "the same name"."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_SEPARATORS = re.compile(r"[\s\-_/.,]+")


def fold(text: str) -> str:
    """Casefolded, accent-free, single-spaced text; keeps apostrophes.

    "  Sint Odiliënberg " -> "sint odilienberg", "Fryslân" -> "fryslan".
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    without_accents = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_accents.casefold().split())


def fold_name(text: str) -> str:
    """Fold a proper name and treat hyphens, dots and apostrophes as spaces.

    "'s-Hertogenbosch", "'s Hertogenbosch" and "s-hertogenbosch" all become
    "s hertogenbosch".
    """
    folded = fold(text).replace("'", " ")
    return " ".join(_SEPARATORS.split(folded)).strip()
