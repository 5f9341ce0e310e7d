"""Great-circle distances and search boxes on the WGS84 sphere approximation."""

from __future__ import annotations

import math
from typing import NamedTuple

# Mean Earth radius (IUGG); error against the ellipsoid is well under 0.5 % in NL.
EARTH_RADIUS_KM = 6371.0088


class BoundingBox(NamedTuple):
    min_lat: float
    min_lon: float
    max_lat: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def _check_coordinates(lat: float, lon: float) -> None:
    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
        raise ValueError(f"coordinates out of range: latitude {lat}, longitude {lon}")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points in decimal degrees."""
    _check_coordinates(lat1, lon1)
    _check_coordinates(lat2, lon2)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_km: float) -> BoundingBox:
    """A box that contains every point within `radius_km` of (lat, lon).

    Meant as a cheap pre-filter (e.g. an SQL range query) before the exact haversine check.
    Near a pole the box widens to all longitudes; it does not wrap the antimeridian
    (irrelevant for Dutch data) but clamps to [-180, 180].
    """
    _check_coordinates(lat, lon)
    if radius_km < 0 or math.isnan(radius_km):
        raise ValueError(f"radius must be zero or more, got {radius_km}")
    d_lat = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_lat, max_lat = max(-90.0, lat - d_lat), min(90.0, lat + d_lat)
    if min_lat <= -90.0 or max_lat >= 90.0:
        return BoundingBox(min_lat, -180.0, max_lat, 180.0)
    # Widest longitude span is at the latitude furthest from the equator inside the box.
    widest = math.radians(max(abs(min_lat), abs(max_lat)))
    d_lon = math.degrees(radius_km / (EARTH_RADIUS_KM * math.cos(widest)))
    if d_lon >= 180.0:
        return BoundingBox(min_lat, -180.0, max_lat, 180.0)
    return BoundingBox(min_lat, max(-180.0, lon - d_lon), max_lat, min(180.0, lon + d_lon))
