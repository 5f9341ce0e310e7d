"""Dutch places (GeoNames cities1000) and provinces.

`lookup` is tolerant of case, accents, extra spaces, "'s-"/"'s " spellings and the
common Dutch names GeoNames lists under another name ("Den Haag" is "The Hague" there).
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict

from services.common.reference._data import read_tsv
from services.common.reference._text import fold_name

PLACES_FILE = "nl_places.tsv"

# GeoNames admin1 codes for the Netherlands. Checked against the data: the largest place
# per code is Assen, Leeuwarden, Nijmegen, Groningen, Maastricht, Eindhoven, Amsterdam,
# Utrecht, Middelburg, Rotterdam, Enschede and Almere. (08 is no longer used.)
PROVINCES: dict[str, str] = {
    "01": "Drenthe",
    "02": "Friesland",
    "03": "Gelderland",
    "04": "Groningen",
    "05": "Limburg",
    "06": "Noord-Brabant",
    "07": "Noord-Holland",
    "09": "Utrecht",
    "10": "Zeeland",
    "11": "Zuid-Holland",
    "15": "Overijssel",
    "16": "Flevoland",
}

# ISO 3166-2:NL subdivision codes, so "NL-UT" works as well as "09".
_ISO_CODES: dict[str, str] = {
    "01": "NL-DR", "02": "NL-FR", "03": "NL-GE", "04": "NL-GR", "05": "NL-LI", "06": "NL-NB",
    "07": "NL-NH", "09": "NL-UT", "10": "NL-ZE", "11": "NL-ZH", "15": "NL-OV", "16": "NL-FL",
}

# Other names people use for a province.
_PROVINCE_ALIASES: dict[str, str] = {
    "fryslan": "02",
    "brabant": "06",
    "north holland": "07",
    "south holland": "11",
    "north brabant": "06",
}

# Names people type that GeoNames lists differently; value is the GeoNames name.
_PLACE_ALIASES: dict[str, str] = {
    "den haag": "The Hague",
    "s gravenhage": "The Hague",
    "gravenhage": "The Hague",
    "den bosch": "'s-Hertogenbosch",
    "hertogenbosch": "'s-Hertogenbosch",
    "almere": "Almere Stad",
}


class Place(BaseModel):
    model_config = ConfigDict(frozen=True)

    geonameid: int
    name: str
    latitude: float
    longitude: float
    population: int
    province_code: str
    province_name: str


class Province(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    iso_code: str


@cache
def all_places() -> tuple[Place, ...]:
    """Every place, most populous first (the file's order)."""
    places = [
        Place(
            geonameid=int(row["geonameid"]),
            name=row["name"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=int(row["population"]),
            province_code=row["province_code"],
            province_name=PROVINCES[row["province_code"]],
        )
        for row in read_tsv(PLACES_FILE)
    ]
    places.sort(key=lambda place: (-place.population, place.name, place.geonameid))
    return tuple(places)


@cache
def _index() -> dict[str, Place]:
    """Folded name -> place. Iterating most populous first makes the bigger place win a tie."""
    index: dict[str, Place] = {}
    for place in all_places():
        index.setdefault(fold_name(place.name), place)
    by_name = {place.name: place for place in reversed(all_places())}
    for alias, geonames_name in _PLACE_ALIASES.items():
        index.setdefault(alias, by_name[geonames_name])
    return index


def lookup(name: str) -> Place | None:
    """The place called `name`, or None. Ambiguous names give the most populous place."""
    key = fold_name(name)
    if not key:
        return None
    index = _index()
    found = index.get(key)
    if found is None and key.startswith(("s ", "t ")):
        # "s Gravenhage" without the apostrophe, "t Zand" spelled loosely.
        found = index.get(key[2:])
    return found


def provinces() -> dict[str, str]:
    """Province code -> Dutch name."""
    return dict(PROVINCES)


@cache
def _province_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for code, name in PROVINCES.items():
        index[code] = code
        index[code.lstrip("0")] = code
        index[fold_name(name)] = code
        index[fold_name(_ISO_CODES[code])] = code
        index[fold_name(_ISO_CODES[code][3:])] = code
    for alias, code in _PROVINCE_ALIASES.items():
        index[alias] = code
    return index


def province_by_name_or_code(value: str) -> Province | None:
    """A province from its GeoNames code ("09", "9"), ISO code ("NL-UT") or name ("Fryslân")."""
    code = _province_index().get(fold_name(value))
    if code is None:
        return None
    return Province(code=code, name=PROVINCES[code], iso_code=_ISO_CODES[code])
