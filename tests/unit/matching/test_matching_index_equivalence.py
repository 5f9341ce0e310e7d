"""The indexes give exactly the answers of brute-force rule evaluation."""

from __future__ import annotations

import math
import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_strategies import TODAY, scenarios

from bench.numpy_scan import NumpyScan
from services.common.reference import places
from services.matching.domain.profile_index import ProfileMatchIndex, _cell
from services.matching.domain.ranking import brute_force_matches
from services.matching.domain.reverse_ranges import CELL_SIZES, RADIUS_CLASSES_KM
from services.matching.domain.rules import compile_profile, compile_vacancy, evaluate
from services.matching.domain.vacancy_index import VacancyIndex


def assert_one_slot_buffers_answer_as_brute_force(criteria: list, vacancy_list: list) -> None:
    """An index whose pass buffers hold one match (so every larger answer grows them) answers
    every vacancy exactly as rule-by-rule evaluation does."""
    index = ProfileMatchIndex(answer_capacity=1)
    for profile in criteria:
        index.upsert(profile)
    for vacancy in vacancy_list:
        vac = compile_vacancy(vacancy)
        assert index.find_matching(vac, TODAY) == brute_force_matches(criteria, vac, TODAY)


class TestProfileIndexEquivalence:
    @settings(
        max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
    )
    @given(scenarios(), st.integers(0, 16))
    def test_reverse_match_equals_brute_force_on_random_profiles_and_vacancies(self, scenario, merged) -> None:
        # The first `merged` profiles go into the merged level (searched through its group
        # table), the rest into the level of recent postings (searched): both paths at once.
        profile_list, vacancy_list = scenario
        criteria = [compile_profile(p) for p in profile_list]
        index = ProfileMatchIndex()
        for number, profile in enumerate(criteria):
            if number == merged:
                index.freeze()
            index.upsert(profile)
        for vacancy in vacancy_list:
            vac = compile_vacancy(vacancy)
            expected = brute_force_matches(criteria, vac, TODAY)
            assert index.find_matching(vac, TODAY) == expected
            assert index.scan(vac, TODAY) == expected

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios(), scenarios(), st.booleans())
    def test_replaced_profiles_are_matched_by_their_latest_version_only(self, first, second, merged) -> None:
        # A replaced profile's postings outlive its slot (until a merge when `merged` is
        # false, in the sorted level when true): the pass must drop them, not the live ones.
        old_profiles, vacancy_list = first
        old = [compile_profile(p) for p in old_profiles]
        new = [replace(compile_profile(p), client_id=old[i % len(old)].client_id) for i, p in enumerate(second[0])]
        index = ProfileMatchIndex()
        for profile in old:
            index.upsert(profile)
        if merged:
            index.freeze()
        for profile in new:
            index.upsert(profile)
        latest = list({p.client_id: p for p in old + new}.values())
        for vacancy in vacancy_list:
            vac = compile_vacancy(vacancy)
            assert index.find_matching(vac, TODAY) == brute_force_matches(latest, vac, TODAY)

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios())
    def test_an_answer_larger_than_the_pass_buffers_grows_them_and_stays_the_same(self, scenario) -> None:
        profile_list, vacancy_list = scenario
        criteria = [compile_profile(p) for p in profile_list]
        assert_one_slot_buffers_answer_as_brute_force(criteria, vacancy_list)

    @settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios())
    def test_long_client_ids_sharing_their_first_16_bytes_come_back_whole_and_in_order(self, scenario) -> None:
        profile_list, vacancy_list = scenario
        # Up to 64 bytes (the model's limit), one prefix of 24: the pass's record holds 16 bytes
        # of an id, the rest comes from the pool of tails, and equal scores are ordered by
        # the whole id. A capacity of one makes the names buffer (32 bytes) grow too.
        criteria = [
            replace(compile_profile(p), client_id=f"uwv-klant-met-lang-id-{i:02d}" + "x" * (40 - 3 * i))
            for i, p in enumerate(profile_list)
        ]
        assert_one_slot_buffers_answer_as_brute_force(criteria, vacancy_list)

    def test_a_vacancy_matching_more_profiles_than_the_pass_buffers_hold_gets_all_of_them(self) -> None:
        from test_matching_rules import profile, vacancy

        criteria = [compile_profile(profile(client_id=f"c-{i}", max_travel_km=30)) for i in range(5)]
        index = ProfileMatchIndex(answer_capacity=1)
        for profile_criteria in criteria:
            index.upsert(profile_criteria)
        vac = compile_vacancy(vacancy(place="Amersfoort"))
        expected = brute_force_matches(criteria, vac, TODAY)
        assert len(expected) == 5
        assert index.find_matching(vac, TODAY) == expected
        assert index.find_matching(vac, TODAY) == expected  # and no slot is left marked as seen

    def test_long_runs_of_equal_scores_come_back_ordered_by_client_id(self) -> None:
        from test_matching_rules import profile, vacancy

        # Profiles alike but for their ids (a long shared prefix, added in random order) score
        # the same: runs longer than the pass orders by insertion alone; Amersfoort's homes
        # score lower than Utrecht's for a vacancy in Utrecht (two runs).
        rng = random.Random(7)
        numbers = rng.sample(range(100_000), 90)
        criteria = [
            compile_profile(
                profile(
                    client_id=f"client-0000{n:05d}", max_travel_km=40, home_place_name=("Utrecht", "Amersfoort")[i % 2]
                )
            )
            for i, n in enumerate(numbers)
        ]
        index = ProfileMatchIndex()
        for profile_criteria in criteria:
            index.upsert(profile_criteria)
        vac = compile_vacancy(vacancy(place="Utrecht"))
        found = index.find_matching(vac, TODAY)
        assert len({m.score for m in found}) == 2
        assert [m.client_id for m in found] == sorted(
            c.client_id for c in criteria if c.latitude == criteria[0].latitude
        ) + sorted(c.client_id for c in criteria if c.latitude != criteria[0].latitude)
        assert found == brute_force_matches(criteria, vac, TODAY)

    @settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios(), st.randoms(use_true_random=True))
    def test_languages_beyond_the_filter_words_sixteen_bits_are_checked_exactly(self, scenario, rnd) -> None:
        # The word beside each posting holds the first 16 interned languages; a vacancy asking
        # for a later one is checked on the slot's exact mask. 20 codes, interned in the order
        # the profiles bring them, so later ones get bits 16 and up.
        profile_list, vacancy_list = scenario
        codes = ["nl", "en", "de", "fr", "pl", "tr", "ar", "uk", "es", "it", "pt", "ro", "bg", "so", "ti", "fa"]
        codes += ["zh", "ru", "hu", "el"]
        criteria = [
            replace(
                compile_profile(p), languages=frozenset(rnd.sample(codes, rnd.randint(1, 6)) + codes[:16] * (i == 0))
            )
            for i, p in enumerate(profile_list)
        ]
        index = ProfileMatchIndex()
        for profile in criteria:
            index.upsert(profile)
        for vacancy in vacancy_list:
            wanted = tuple(rnd.sample(codes[16:], rnd.randint(1, 2)) + rnd.sample(codes, rnd.randint(0, 1)))
            vac = compile_vacancy(vacancy.model_copy(update={"languages": wanted}))
            assert index.find_matching(vac, TODAY) == brute_force_matches(criteria, vac, TODAY)

    def test_a_merged_levels_last_key_is_found_whatever_radius_class_its_profiles_have(self) -> None:
        # The merged level's table of (key id, class) groups must reach past the last key
        # id's highest class with postings: its profiles here travel 5 km (the first class).
        from test_matching_rules import profile, vacancy

        criteria = [compile_profile(profile(client_id="c-near", home_place_name="Amersfoort", max_travel_km=5))]
        index = ProfileMatchIndex()
        index.upsert(criteria[0])
        index.freeze()
        vac = compile_vacancy(vacancy(place="Amersfoort"))
        assert [m.client_id for m in index.find_matching(vac, TODAY)] == ["c-near"]
        assert index.find_matching(vac, TODAY) == brute_force_matches(criteria, vac, TODAY)

    def test_homes_on_the_edges_of_their_grid_cells_are_found_from_every_side(self) -> None:
        # The pass skips a grid cell whole when its nearest point is out of the class's reach:
        # homes a hair inside each corner of their cell, each at its class's full radius, and
        # vacancies just within reach all around them, must match as the rules say.
        from matching_strategies import point_at
        from test_matching_rules import profile, vacancy

        base = compile_profile(profile(client_id="c"))
        criteria = []
        for c, radius in enumerate(RADIUS_CLASSES_KM):
            height, width = CELL_SIZES[c]
            cy, cx = _cell(52.1, 5.4, c)
            for corner, (dy, dx) in enumerate(((0, 0), (0, 1), (1, 0), (1, 1))):
                nudge = 1e-9 if dy == 0 else -1e-9, 1e-9 if dx == 0 else -1e-9
                home = (cy + dy) * height - 90.0 + nudge[0], (cx + dx) * width - 180.0 + nudge[1]
                criteria.append(
                    replace(base, client_id=f"c-{c:02d}-{corner}", latitude=home[0], longitude=home[1], max_km=radius)
                )
        index = ProfileMatchIndex()
        for profile_criteria in criteria:
            index.upsert(profile_criteria)
        matched = 0
        for merged in (False, True):  # the recent level (searched), then the merged one (its group table)
            if merged:
                index.freeze()
            for home in criteria[::3]:
                for step in range(12):
                    lat, lon = point_at(home.latitude, home.longitude, home.max_km * 0.999, step * math.pi / 6)
                    vac = compile_vacancy(
                        vacancy(place="Amersfoort").model_copy(update={"latitude": lat, "longitude": lon})
                    )
                    expected = brute_force_matches(criteria, vac, TODAY)
                    assert index.find_matching(vac, TODAY) == expected
                    matched += home.client_id in [m.client_id for m in expected]
        assert matched == 2 * 12 * len(criteria[::3])  # every vacancy reached its own home


class TestNumpyScanEquivalence:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios())
    def test_the_benchmarks_numpy_scan_gives_the_ids_order_and_scores_of_brute_force(self, scenario) -> None:
        profile_list, vacancy_list = scenario
        criteria = [compile_profile(p) for p in profile_list]
        scan = NumpyScan(criteria)
        for vacancy in vacancy_list:
            vac = compile_vacancy(vacancy)
            assert scan.find_matching(vac, TODAY) == brute_force_matches(criteria, vac, TODAY)


class TestVacancyIndexEquivalence:
    @settings(
        max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
    )
    @given(scenarios())
    def test_feed_candidates_equal_brute_force_on_random_profiles_and_vacancies(self, scenario) -> None:
        profile_list, vacancy_list = scenario
        index = VacancyIndex()
        compiled = [compile_vacancy(v) for v in vacancy_list]
        for vac in compiled:
            index.upsert(vac)
        for profile in map(compile_profile, profile_list):
            expected = {v.vacancy.vacancy_id for v in compiled if evaluate(profile, v) is not None}
            assert {vac.vacancy.vacancy_id for vac, _ in index.matches(profile)} == expected


class TestIndexUpdates:
    def test_updated_and_paused_profiles_are_matched_by_their_latest_version(self) -> None:
        from test_matching_rules import profile, vacancy

        index = ProfileMatchIndex()
        index.upsert(compile_profile(profile(client_id="c-1", max_travel_km=10)))
        far = compile_vacancy(vacancy(place="Amersfoort"))  # ~20 km from Utrecht
        assert index.find_matching(far, TODAY) == []
        index.upsert(compile_profile(profile(client_id="c-1", max_travel_km=30)))
        assert [m.client_id for m in index.find_matching(far, TODAY)] == ["c-1"]
        index.upsert(compile_profile(profile(client_id="c-1", max_travel_km=30, status=2)))
        assert index.find_matching(far, TODAY) == []
        assert len(index) == 0 and places.lookup("Amersfoort") is not None


def plain_evaluate(p, vac):
    """The hard criteria written as plainly as possible (no shortcuts, no ordering tricks)."""
    from services.matching.domain.rules import distance_km

    v = vac.vacancy
    closeness = [p.keys[k] for k in vac.keys if k in p.keys]
    if not p.active or not closeness:
        return None
    distance = distance_km(p.latitude, p.longitude, v.latitude, v.longitude) if v.has_coordinates else None
    place_ok = (v.remote and p.remote_acceptable) or (distance is not None and distance <= p.max_km)
    hours_ok = vac.hours_high == 0 or (vac.hours_low <= p.hours_max and vac.hours_high >= p.hours_min)
    contract_ok = not p.contract_types or not v.contract_type or int(v.contract_type) in p.contract_types
    education_ok = not v.education_level or not p.education_level or int(v.education_level) <= p.education_level
    languages_ok = set(vac.languages) <= set(p.languages)
    licence_ok = not v.driving_licence_required or p.has_driving_licence
    salary = max(v.salary_min, v.salary_max)
    salary_ok = not p.min_salary or not salary or salary >= p.min_salary
    if all((place_ok, hours_ok, contract_ok, education_ok, languages_ok, licence_ok, salary_ok)):
        return min(closeness), distance
    return None


class TestRulesAgainstAPlainStatement:
    @settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(scenarios())
    def test_evaluate_with_its_shortcuts_equals_the_plain_rules(self, scenario) -> None:
        profile_list, vacancy_list = scenario
        for p in map(compile_profile, profile_list):
            for vac in map(compile_vacancy, vacancy_list):
                found = evaluate(p, vac)
                expected = plain_evaluate(p, vac)
                assert (None if found is None else (found.occupation_match, found.distance_km)) == expected
