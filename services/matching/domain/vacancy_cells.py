"""Where a vacancy is posted in the feed index: its occupation key and the map cell it lies in.

At a million open vacancies a client's occupations reach tens of thousands of them all over
the country, while a travel radius covers a few percent of it. Posting each vacancy under
(occupation key, cell) — cells of 0.1 degree of latitude by 0.15 of longitude, about 11 by 10
km in the Netherlands — lets a feed read only the cells its radius can reach: per key, one
contiguous range of posting keys per row of cells. Remote vacancies are posted under one
cell of their own, read by every feed (a remote vacancy matches at any distance when the
client accepts remote work, and by distance otherwise).

The ranges only have to hold every vacancy within reach (a superset): the index's checks and
the exact distance decide. They are therefore widened by a cell on every side, and a row is
read whole where the longitude reach cannot be bounded (near a pole, across 180 degrees).
"""

from __future__ import annotations

import math

import numpy as np

from services.matching.domain.rules import EARTH_RADIUS_KM, KM_PER_DEGREE_LAT_LOWER_BOUND

CELL_LAT_DEGREES = 0.1
CELL_LON_DEGREES = 0.15
_ROWS = int(180 / CELL_LAT_DEGREES) + 1  # rows 0..1800: latitude -90..90
_COLUMNS = int(360 / CELL_LON_DEGREES) + 1  # columns 0..2400: longitude -180..180
REMOTE_CELL = (1 << 32) - 1  # above every (row << 16 | column)
# Reach beyond max_km that the ranges cover anyway: far above any rounding in the checks.
_REACH_SLACK = 1.01
_REACH_SLACK_KM = 1.0


def _row(latitude: float) -> int:
    return min(max(int((latitude + 90.0) // CELL_LAT_DEGREES), 0), _ROWS - 1)


def _column(longitude: float) -> int:
    return min(max(int((longitude + 180.0) // CELL_LON_DEGREES), 0), _COLUMNS - 1)


def cell_of(latitude: float, longitude: float, remote: bool) -> int:
    """The cell a vacancy is posted under (call only for remote vacancies or ones with coordinates)."""
    return REMOTE_CELL if remote else (_row(latitude) << 16) | _column(longitude)


def posting_key(key_id: int, cell: int) -> int:
    return (key_id << 32) | cell


def _longitude_reach_degrees(reach_km: float, most_polar_latitude: float) -> float | None:
    """How far east or west a point within reach_km can lie, from a home whose band of reachable
    latitudes goes up to most_polar_latitude (absolute); None when it cannot be bounded.

    From the haversine: sin²(d/2R) >= cos φ1 · cos φ2 · sin²(Δλ/2), and both cosines are at
    least cos(most_polar_latitude).
    """
    if most_polar_latitude >= 89.0:
        return None
    ratio = math.sin(min(reach_km / (2 * EARTH_RADIUS_KM), math.pi / 2)) / math.cos(math.radians(most_polar_latitude))
    return None if ratio >= 1.0 else math.degrees(2 * math.asin(ratio))


def query_ranges(key_ids: np.ndarray, latitude: float, longitude: float, max_km: float) -> tuple[np.ndarray, ...]:
    """(lo, hi, which): the posting-key ranges [lo, hi) a home with this radius must read for
    each key (which: the position of its key in key_ids), the remote cell's included."""
    reach_km = max_km * _REACH_SLACK + _REACH_SLACK_KM
    reach_lat = reach_km / KM_PER_DEGREE_LAT_LOWER_BOUND
    first_row, last_row = _row(latitude - reach_lat) - 1, _row(latitude + reach_lat) + 1
    rows = np.arange(max(first_row, 0), min(last_row, _ROWS - 1) + 1, dtype=np.int64)
    most_polar = min(max(abs(latitude - reach_lat), abs(latitude + reach_lat)), 90.0)
    reach_lon = _longitude_reach_degrees(reach_km, most_polar)
    if reach_lon is None or longitude - reach_lon < -180.0 or longitude + reach_lon > 180.0:
        first_column, last_column = 0, _COLUMNS - 1
    else:
        first_column = max(_column(longitude - reach_lon) - 1, 0)
        last_column = min(_column(longitude + reach_lon) + 1, _COLUMNS - 1)
    keys = key_ids.astype(np.int64)[:, None] << 32
    lo = (keys | (rows[None, :] << 16) | first_column).ravel()
    hi = (keys | (rows[None, :] << 16) | (last_column + 1)).ravel()
    which = np.repeat(np.arange(len(key_ids)), len(rows))
    remote = keys[:, 0] | REMOTE_CELL
    return (
        np.concatenate((lo, remote)),
        np.concatenate((hi, remote + 1)),
        np.concatenate((which, np.arange(len(key_ids)))),
    )
