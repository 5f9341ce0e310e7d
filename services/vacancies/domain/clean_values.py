"""The values of a vacancy as `check_content` cleans them, for the batch checks' short path:
each function gives what the checks make of one value, or None when they would find anything
wrong with it (the caller then leaves the item to `check_content`). Values that repeat across
a feed (dates, occupations, places) are checked once. Pure.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from services.common.errors import FieldViolation

from .model import Location, Occupation
from .rules import MAX_LIST_ITEMS, MAX_SHORT_TEXT, _bad_text, _check_location, _check_occupation, _parse_date


@lru_cache(maxsize=4096)
def clean_date(text: str) -> tuple[date, str] | tuple[()] | None:
    """The date `_parse_date` reads and how the cleaned content writes it; () for no date,
    None for one it rejects. A feed's dates are a few hundred days: each read once."""
    found: list[FieldViolation] = []
    day = _parse_date("", text.strip(), found)
    if found:
        return None
    return (day, day.isoformat()) if day else ()


# Feeds name the same few thousand occupations and places over and over: each checked once.
@lru_cache(maxsize=8192)
def clean_occupation(esco_uri: str, isco_code: str) -> Occupation | None:
    found: list[FieldViolation] = []
    occupation = _check_occupation(Occupation.trusted(esco_uri=esco_uri, isco_code=isco_code, label=""), found)
    return None if found else occupation


def clean_location(location: Location) -> Location | None:
    """What `_check_location` makes of `location`, or None when it finds something wrong.

    Coordinates differ per address, so only the place's fields are looked up once."""
    lat, lon = location.latitude, location.longitude
    if (lat is None) != (lon is None):
        return None
    if lat is not None and lon is not None and not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    place = _clean_place(location.place_name, location.postal_code, location.country_code, location.province_code)
    if place is None:
        return None
    name, postal_code, country_code, province_code, coordinates = place
    if lat is None and coordinates is not None:
        lat, lon = coordinates
    return Location.trusted_fields(
        {
            "place_name": name,
            "postal_code": postal_code,
            "country_code": country_code,
            "province_code": province_code,
            "latitude": lat,
            "longitude": lon,
        }
    )


@lru_cache(maxsize=16384)
def _clean_place(
    place_name: str, postal_code: str, country_code: str, province_code: str
) -> tuple[str, str, str, str, tuple[float, float] | None] | None:
    """The place fields `_check_location` makes (and the coordinates it gives a location that
    has none) for a location without coordinates; None when it finds something wrong."""
    found: list[FieldViolation] = []
    bare = Location.trusted_fields(
        {
            "place_name": place_name,
            "postal_code": postal_code,
            "country_code": country_code,
            "province_code": province_code,
            "latitude": None,
            "longitude": None,
        }
    )
    cleaned = _check_location(bare, found)
    if found:
        return None
    coordinates = (
        None if cleaned.latitude is None or cleaned.longitude is None else (cleaned.latitude, cleaned.longitude)
    )
    return cleaned.place_name, cleaned.postal_code, cleaned.country_code, cleaned.province_code, coordinates


def clean_list(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """`values` when `check_content` would keep them as they are (trimmed, none empty, no
    repeats, none too long or with a control character), else None."""
    if not values:
        return ()
    if len(values) > MAX_LIST_ITEMS or len(set(values)) != len(values):
        return None
    found: list[FieldViolation] = []
    for item in values:
        if not item or item != item.strip() or len(item) > MAX_SHORT_TEXT or _bad_text("", item, True, found):
            return None
    return tuple(values)
