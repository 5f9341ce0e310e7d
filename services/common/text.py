"""Plain-text checks every service applies to what people and feeds send in."""

from __future__ import annotations

import re

# Single-line fields (names, titles, ids, skills) allow no control characters at all;
# multi-line ones (descriptions, notes) keep tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    return (_CONTROL_MULTILINE if multiline else _CONTROL).search(text) is not None
