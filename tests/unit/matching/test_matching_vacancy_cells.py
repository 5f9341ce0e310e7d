"""The cells a feed reads hold every vacancy within the client's reach, anywhere on earth."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from services.matching.domain.rules import EARTH_RADIUS_KM, distance_km
from services.matching.domain.vacancy_cells import REMOTE_CELL, cell_of, posting_key, query_ranges

KEY_IDS = np.array([0, 7, 123_456], dtype=np.int64)


def destination(lat: float, lon: float, bearing_deg: float, km: float) -> tuple[float, float]:
    """The point km away from (lat, lon) along a great circle leaving at bearing_deg."""
    phi, lam, theta, delta = math.radians(lat), math.radians(lon), math.radians(bearing_deg), km / EARTH_RADIUS_KM
    phi2 = math.asin(math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta))
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi), math.cos(delta) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), (math.degrees(lam2) + 540.0) % 360.0 - 180.0


def read_by_the_feed(key: int, cell: int, lat: float, lon: float, max_km: float) -> bool:
    lo, hi, which = query_ranges(KEY_IDS, lat, lon, max_km)
    posted = posting_key(int(KEY_IDS[key]), cell)
    inside = (lo <= posted) & (posted < hi)
    return bool(inside.any()) and set(which[inside].tolist()) == {key}


@settings(max_examples=3000, deadline=None)
@given(
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    max_km=st.integers(0, 400),
    bearing=st.floats(0, 360),
    fraction=st.floats(0, 1),
    key=st.integers(0, len(KEY_IDS) - 1),
)
def test_every_vacancy_within_the_radius_lies_in_a_cell_the_feed_reads(lat, lon, max_km, bearing, fraction, key):
    vac_lat, vac_lon = destination(lat, lon, bearing, max_km * fraction)
    if distance_km(lat, lon, vac_lat, vac_lon) <= max_km:
        assert read_by_the_feed(key, cell_of(vac_lat, vac_lon, remote=False), lat, lon, max_km)


def test_a_vacancy_just_across_the_antimeridian_or_past_a_pole_is_read() -> None:
    assert read_by_the_feed(0, cell_of(-16.5, -179.95, remote=False), -16.5, 179.95, 20)  # Fiji, 11 km apart
    assert read_by_the_feed(1, cell_of(89.9, 120.0, remote=False), 89.9, -60.0, 30)  # 22 km over the pole


def test_a_remote_vacancy_is_read_by_every_feed_and_a_far_one_is_not() -> None:
    assert read_by_the_feed(2, REMOTE_CELL, 52.09, 5.12, 5)
    groningen = cell_of(53.22, 6.57, remote=False)
    assert not read_by_the_feed(2, groningen, 51.44, 5.47, 50)  # Eindhoven, 50 km: Groningen is ~200 km off
    assert read_by_the_feed(2, groningen, 51.44, 5.47, 220)
