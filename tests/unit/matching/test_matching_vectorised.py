"""The vectorised helpers of the matching indexes give exactly the scalar rules' numbers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.common.reference import places
from services.matching.domain.columns import CACHE_LINE, GrowableColumns, PostingLists
from services.matching.domain.model import OccupationMatch
from services.matching.domain.ranking import ProfileMatch, ProfileMatches, profile_matches
from services.matching.domain.rules import distance_km
from services.matching.domain.scoring import distance_part
from services.matching.domain.vectorised import (
    MAX_TRAVEL_KM,
    cos_lat_lower_bound,
    distance_lower_bound_km,
    exact_distance_km,
    exact_distance_parts,
    order_by,
    round_like_python,
    segment_counts,
    segment_counts_by_group,
)

PLACES = places.all_places()
coordinates = st.tuples(st.floats(50.0, 54.0), st.floats(3.0, 8.0))


class TestExactDistances:
    @settings(max_examples=200, deadline=None)
    @given(st.lists(coordinates, min_size=1, max_size=50), coordinates)
    def test_distances_and_their_score_parts_equal_the_scalar_functions_bit_for_bit(self, homes, vacancy) -> None:
        lat = np.array([h[0] for h in homes])
        lon = np.array([h[1] for h in homes])
        distances = exact_distance_km(lat, lon, *vacancy)
        assert distances.tolist() == [distance_km(a, b, *vacancy) for a, b in homes]
        assert exact_distance_km(*vacancy, lat, lon).tolist() == [distance_km(*vacancy, a, b) for a, b in homes]
        assert exact_distance_parts(distances).tolist() == [distance_part(d, False) for d in distances.tolist()]

    def test_distances_between_real_places_equal_the_rules(self) -> None:
        lat = np.array([p.latitude for p in PLACES])
        lon = np.array([p.longitude for p in PLACES])
        for target in PLACES[::50]:
            expected = [distance_km(p.latitude, p.longitude, target.latitude, target.longitude) for p in PLACES]
            assert exact_distance_km(lat, lon, target.latitude, target.longitude).tolist() == expected


class TestDistanceLowerBound:
    @settings(max_examples=300, deadline=None)
    @given(
        st.lists(st.tuples(st.floats(-90.0, 90.0), st.floats(-180.0, 180.0)), min_size=1, max_size=50),
        st.tuples(st.floats(-90.0, 90.0), st.floats(-180.0, 180.0)),
        st.floats(0.0, MAX_TRAVEL_KM),
    )
    def test_the_bound_never_exceeds_the_exact_distance_of_a_home_within_the_north_south_reach(
        self, homes, vacancy, spread
    ) -> None:
        # Homes the pre-check sees have passed the rules' north-south shortcut: pull them within it.
        lat = np.clip(np.array([h[0] for h in homes]), vacancy[0] - spread / 111.0, vacancy[0] + spread / 111.0)
        lon = np.array([h[1] for h in homes])
        bound = distance_lower_bound_km(lat, lon, *vacancy, cos_lat_lower_bound(vacancy[0]))
        exact = exact_distance_km(lat, lon, *vacancy)
        assert (bound <= exact * (1 + 1e-9) + 1e-9).all()

    def test_the_bound_is_within_a_few_percent_at_dutch_distances(self) -> None:
        lat = np.array([p.latitude for p in PLACES])
        lon = np.array([p.longitude for p in PLACES])
        utrecht = places.lookup("Utrecht")
        assert utrecht is not None
        exact = exact_distance_km(lat, lon, utrecht.latitude, utrecht.longitude)
        bound = distance_lower_bound_km(lat, lon, utrecht.latitude, utrecht.longitude, cos_lat_lower_bound(52.09))
        assert (bound <= exact).all() and (bound >= 0.9 * exact).all()


class TestProfileMatchesColumns:
    def test_columns_read_as_the_list_of_matches_they_hold(self) -> None:
        columns = ProfileMatches(["c-1", "c-2"], np.array([0.9, 0.8]), np.array([1, 3], dtype=np.int8), None)
        expected = [
            ProfileMatch("c-1", 0.9, OccupationMatch.EXACT, None),
            ProfileMatch("c-2", 0.8, OccupationMatch.MINOR_GROUP, None),
        ]
        assert columns == expected and expected == columns and list(columns) == expected
        assert columns[1] == expected[1] and columns[:1] == expected[:1] and len(columns) == 2
        assert columns != expected[:1] and columns != [*expected[:1], dataclasses.replace(expected[1], score=0.7)]
        with_distances = ProfileMatches(["c-1"], np.array([0.9]), np.array([1], dtype=np.int8), np.array([2.5]))
        assert with_distances.to_list() == [ProfileMatch("c-1", 0.9, OccupationMatch.EXACT, 2.5)]


class TestRounding:
    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.floats(-0.2, 1.2, allow_nan=False), min_size=1, max_size=30))
    def test_scores_round_as_python_rounds(self, values) -> None:
        totals = np.array(values)
        assert round_like_python(totals, lambda i: round(values[i], 6)).tolist() == [round(v, 6) for v in values]

    def test_values_next_to_a_half_millionth_round_as_python_rounds(self) -> None:
        values = [k / 1e6 + 5e-7 for k in range(0, 1_000_000, 997)]
        values += [np.nextafter(v, 2.0) for v in values] + [np.nextafter(v, -2.0) for v in values]
        totals = np.array(values)
        assert round_like_python(totals, lambda i: round(values[i], 6)).tolist() == [round(v, 6) for v in values]


class TestSkillCounts:
    def test_counts_per_segment_and_group(self) -> None:
        pool = np.array([1, 2, 3, 4, 2, 5, 1], dtype=np.int32)
        starts, counts = np.array([0, 3, 3, 6]), np.array([3, 3, 0, 1])
        assert segment_counts(starts, counts, pool, np.array([2, 1])).tolist() == [2, 1, 0, 1]
        required, optional = segment_counts_by_group(starts, counts, pool, (np.array([2]), np.array([1, 5])), 6)
        assert (required.tolist(), optional.tolist()) == ([1, 1, 0, 0], [1, 1, 0, 1])


class TestOrder:
    def test_equal_keys_are_ordered_by_name(self) -> None:
        scores = np.array([0.5, 0.7, 0.5, 0.7, 0.1])
        names = ["d", "c", "a", "b", "e"]
        assert [names[i] for i in order_by((-scores,), names.__getitem__)] == ["b", "c", "a", "d", "e"]


class TestProfileMatchesInBulk:
    def test_bulk_built_matches_equal_constructed_ones_and_stay_frozen(self) -> None:
        built = profile_matches(
            ["c-1", "c-2"], [0.5, 0.25], [OccupationMatch.EXACT, OccupationMatch.MINOR_GROUP], [1.5, None]
        )
        assert built == [
            ProfileMatch("c-1", 0.5, OccupationMatch.EXACT, 1.5),
            ProfileMatch("c-2", 0.25, OccupationMatch.MINOR_GROUP, None),
        ]
        assert hash(built[0]) == hash(ProfileMatch("c-1", 0.5, OccupationMatch.EXACT, 1.5))
        with pytest.raises(dataclasses.FrozenInstanceError):
            built[0].score = 1.0  # type: ignore[misc]


class TestPostingLists:
    def test_ranges_find_recent_and_merged_postings_and_merge_drops_retired_slots(self) -> None:
        postings = PostingLists()
        for slot, key in enumerate([7, 3, 7, 9, 3]):
            postings.add(key, slot)

        def found(lo: list[int], hi: list[int]) -> list[tuple[int, int]]:
            pairs = []
            for starts, ends, slots in postings.ranges(np.array(lo), np.array(hi)):
                for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
                    pairs += [(i, slot) for slot in slots[start:end].tolist()]
            return sorted(pairs)

        assert found([3, 7, 8], [4, 8, 9]) == [(0, 1), (0, 4), (1, 0), (1, 2)]
        assert found([3], [9]) == [(0, 0), (0, 1), (0, 2), (0, 4)]  # a range of keys: 3 and 7, not 9
        postings.merge(np.array([True, False, True, True, True]))
        postings.add(8, 5)
        assert found([3, 7, 8], [4, 8, 9]) == [(0, 4), (1, 0), (1, 2), (2, 5)]


class TestGrowableColumns:
    def test_columns_start_on_a_cache_line_and_keep_their_rows_as_they_grow(self) -> None:
        # A 64-byte slot record read at random must be one cache line, not two (malloc aligns
        # to 16 bytes only).
        record = np.dtype([("a", "u8"), ("b", "f8"), ("rest", "u1", (48,))], align=True)
        columns = GrowableColumns({"record": record, "name": object}, capacity=2)
        for row in range(100):
            columns.append((row, row / 2, np.zeros(48, dtype=np.uint8)), f"c-{row}")
            assert columns["record"].ctypes.data % CACHE_LINE == 0
        assert columns["record"]["a"].tolist() == list(range(100))
        assert columns["name"].tolist() == [f"c-{row}" for row in range(100)]
