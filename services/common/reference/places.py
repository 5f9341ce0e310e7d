"""Dutch places and provinces: every woonplaats (from the GeoNames postal codes) and every
GeoNames cities500 place (500 inhabitants or more, with population and alternate names).

Places carry their Dutch name ("Den Haag", where GeoNames' main name is "The Hague").
`lookup` is tolerant of case, accents, extra spaces, "'s-"/"'s " spellings and GeoNames'
alternate names; `suggest` offers the nearest names for a misspelt one ("Rotterdm").
"""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz, process

from services.common.reference._data import read_tsv
from services.common.reference._text import fold_name

PLACES_FILE = "nl_places.tsv"
WOONPLAATSEN_FILE = "nl_woonplaatsen.tsv"

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
    "01": "NL-DR",
    "02": "NL-FR",
    "03": "NL-GE",
    "04": "NL-GR",
    "05": "NL-LI",
    "06": "NL-NB",
    "07": "NL-NH",
    "09": "NL-UT",
    "10": "NL-ZE",
    "11": "NL-ZH",
    "15": "NL-OV",
    "16": "NL-FL",
}

# Other names people use for a province.
_PROVINCE_ALIASES: dict[str, str] = {
    "fryslan": "02",
    "brabant": "06",
    "north holland": "07",
    "south holland": "11",
    "north brabant": "06",
}

# GeoNames main names that are not the Dutch one; used only where the Dutch name is among the
# place's own alternate names in the data (checked by a test).
_DUTCH_NAMES: dict[str, str] = {"The Hague": "Den Haag"}

# Names people type that GeoNames lists differently; value is the (Dutch) place name.
_PLACE_ALIASES: dict[str, str] = {
    "s gravenhage": "Den Haag",
    "gravenhage": "Den Haag",
    "den bosch": "'s-Hertogenbosch",
    "hertogenbosch": "'s-Hertogenbosch",
    "almere": "Almere Stad",
}
SUGGESTION_CUTOFF = 80  # rapidfuzz ratio, 0-100: "Rotterdm" scores 94 against Rotterdam


class Place(BaseModel):
    model_config = ConfigDict(frozen=True)

    geonameid: int | None  # None for a woonplaats GeoNames knows only from its postcodes
    name: str  # the Dutch name
    latitude: float
    longitude: float
    population: int  # 0 where unknown (the woonplaatsen from postcodes)
    province_code: str
    province_name: str
    alternate_names: tuple[str, ...] = ()  # GeoNames' (Latin-script) other names, for lookup


def _dutch_name(name: str, alternates: tuple[str, ...]) -> str:
    dutch = _DUTCH_NAMES.get(name)
    return dutch if dutch is not None and dutch in alternates else name


class Province(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    name: str
    iso_code: str


@cache
def all_places() -> tuple[Place, ...]:
    """Every place, most populous first; woonplaatsen of unknown population last, by name."""
    places = _cities()
    places.extend(_woonplaatsen_not_among(places))
    places.sort(key=lambda place: (-place.population, place.name, place.province_code, place.geonameid or 0))
    return tuple(places)


def _cities() -> list[Place]:
    places = []
    for row in read_tsv(PLACES_FILE):
        alternates = tuple(name for name in row.get("alternate_names", "").split("|") if name)
        name = _dutch_name(row["name"], alternates)
        others = tuple(dict.fromkeys(n for n in (row["name"], *alternates) if n != name))
        places.append(
            Place(
                geonameid=int(row["geonameid"]),
                name=name,
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
                population=int(row["population"]),
                province_code=row["province_code"],
                province_name=PROVINCES[row["province_code"]],
                alternate_names=others,
            )
        )
    return places


def _woonplaatsen_not_among(cities: list[Place]) -> list[Place]:
    """The woonplaatsen that no GeoNames city of the same province stands for already.

    A city stands for a woonplaats when one of its names is the woonplaats' name
    ("'s-Gravenhage" is Den Haag, "Almere" is Almere Stad); then the city's point, population
    and names win, also over a stray postcode point of that name elsewhere in the province.
    """
    aliases = {alias: fold_name(name) for alias, name in _PLACE_ALIASES.items()}
    known = set()
    for city in cities:
        for name in (city.name, *city.alternate_names):
            known.add((fold_name(name), city.province_code))
    known |= {
        (alias, city.province_code)
        for city in cities
        for alias, name in aliases.items()
        if name == fold_name(city.name)
    }
    return [
        Place(
            geonameid=None,
            name=row["name"],
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            population=0,
            province_code=row["province_code"],
            province_name=PROVINCES[row["province_code"]],
        )
        for row in read_tsv(WOONPLAATSEN_FILE)
        if (fold_name(row["name"]), row["province_code"]) not in known
    ]


@cache
def _index() -> dict[str, Place]:
    """Folded name -> place. Iterating most populous first makes the bigger place win a tie;
    a place's own name always beats another place's alternate name."""
    index: dict[str, Place] = {}
    for place in all_places():
        index.setdefault(fold_name(place.name), place)
    by_name = {place.name: place for place in reversed(all_places())}
    for alias, name in _PLACE_ALIASES.items():
        index.setdefault(alias, by_name[name])
    for place in all_places():
        for other in place.alternate_names:
            index.setdefault(fold_name(other), place)
    return index


@cache
def _names() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Folded and shown Dutch names, one per name (the most populous place of that name)."""
    shown = tuple(dict.fromkeys(place.name for place in all_places()))
    return tuple(fold_name(name) for name in shown), shown


def suggest(name: str, limit: int = 3) -> list[str]:
    """Dutch place names close to a misspelt `name`, best first ("Rotterdm" -> ["Rotterdam"])."""
    key = fold_name(name)
    if not key:
        return []
    folded, shown = _names()
    found = process.extract(key, folded, scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGESTION_CUTOFF)
    return [shown[index] for _, _, index in found]


def did_you_mean(name: str) -> tuple[str, str]:
    """ " Bedoelt u Rotterdam?" / " Did you mean Rotterdam?" for an unknown place; ("", "") if
    nothing is close. The Dutch and English sentences go after the "unknown place" message."""
    names = suggest(name)
    if not names:
        return "", ""
    nl = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} of {names[-1]}"
    en = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return f" Bedoelt u {nl}?", f" Did you mean {en}?"


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
