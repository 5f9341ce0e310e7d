"""In-memory index of open vacancies for feeds: occupation key -> grid cell -> vacancy ids.

A feed reads only the cells of the client's occupation keys that touch the box around the
home place with the travel distance as radius (plus remote vacancies when the client accepts
remote work), then checks those candidates exactly with `rules.evaluate`.
"""

from __future__ import annotations

import math

from services.common.reference.geo import bounding_box
from services.matching.domain.rules import OccupationKey, ProfileCriteria, RuleMatch, VacancyCriteria, evaluate

CELL_DEGREES_LAT = 0.1  # ~11 km
CELL_DEGREES_LON = 0.15  # ~10 km at 52 N
BOX_MARGIN = 1.01  # a little extra around the search box against rounding


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES_LAT), math.floor(lon / CELL_DEGREES_LON)


class VacancyIndex:
    def __init__(self) -> None:
        self._by_id: dict[str, VacancyCriteria] = {}
        self._geo: dict[OccupationKey, dict[tuple[int, int], set[str]]] = {}
        self._remote: dict[OccupationKey, set[str]] = {}

    def __len__(self) -> int:
        return len(self._by_id)

    def __contains__(self, vacancy_id: str) -> bool:
        return vacancy_id in self._by_id

    def get(self, vacancy_id: str) -> VacancyCriteria | None:
        return self._by_id.get(vacancy_id)

    def all(self) -> list[VacancyCriteria]:
        return list(self._by_id.values())

    def upsert(self, vac: VacancyCriteria) -> None:
        v = vac.vacancy
        self.remove(v.vacancy_id)
        self._by_id[v.vacancy_id] = vac
        for key in vac.keys:
            if v.has_coordinates:
                self._geo.setdefault(key, {}).setdefault(_cell(v.latitude, v.longitude), set()).add(v.vacancy_id)
            if v.remote:
                self._remote.setdefault(key, set()).add(v.vacancy_id)

    def remove(self, vacancy_id: str) -> VacancyCriteria | None:
        vac = self._by_id.pop(vacancy_id, None)
        if vac is None:
            return None
        v = vac.vacancy
        for key in vac.keys:
            if v.has_coordinates:
                cells = self._geo[key]
                cell = _cell(v.latitude, v.longitude)
                cells[cell].discard(vacancy_id)
                if not cells[cell]:
                    del cells[cell]
            if v.remote:
                self._remote[key].discard(vacancy_id)
        return vac

    def candidate_ids(self, profile: ProfileCriteria) -> set[str]:
        box = bounding_box(profile.latitude, profile.longitude, profile.max_km * BOX_MARGIN)
        y0, x0 = _cell(box.min_lat, box.min_lon)
        y1, x1 = _cell(box.max_lat, box.max_lon)
        in_box = (y1 - y0 + 1) * (x1 - x0 + 1)
        found: set[str] = set()
        for key in profile.keys:
            cells = self._geo.get(key)
            if cells:
                if in_box < len(cells):
                    for cy in range(y0, y1 + 1):
                        for cx in range(x0, x1 + 1):
                            ids = cells.get((cy, cx))
                            if ids:
                                found |= ids
                else:
                    for (cy, cx), ids in cells.items():
                        if y0 <= cy <= y1 and x0 <= cx <= x1:
                            found |= ids
            if profile.remote_acceptable:
                found |= self._remote.get(key, set())
        return found

    def matches(self, profile: ProfileCriteria) -> list[tuple[VacancyCriteria, RuleMatch]]:
        """Every open vacancy that passes the profile's hard criteria (unordered)."""
        if not profile.active:
            return []
        out = []
        for vacancy_id in self.candidate_ids(profile):
            vac = self._by_id[vacancy_id]
            match = evaluate(profile, vac)
            if match is not None:
                out.append((vac, match))
        return out
