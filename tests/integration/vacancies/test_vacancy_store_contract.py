"""The contract every VacancyStore adapter must meet (SQLite now; Elasticsearch later).

Writes go through the ingest use case so each adapter sees realistic, checked content.
Geo expectations are hand-checked distances from Utrecht (GeoNames points):
De Bilt 4.52 km, Bunnik 5.87, Nieuwegein 7.42, Zeist 7.59, Houten 7.62, Maarssen 7.69,
IJsselstein 9.56, Hilversum 15.19, Amersfoort 19.47, Amsterdam 35.25.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from search_legs import OSMEM_SCORE_TIE_BREAK, SEARCH_LEGS, osmem_lacks
from vacancies_support import MovableClock, software_job, vacancy
from vacancy_search_support import URN, search_store

from services.common.reference import places
from services.vacancies.domain.search import GeoFilter, SearchCriteria, parse_text_query
from services.vacancies.service_layer.ingest import IngestVacancies

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
UTRECHT = places.lookup("Utrecht")
assert UTRECHT is not None


@pytest.fixture(params=["sqlite", "osmem", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """Every adapter of the VacancyStore port. The Elasticsearch leg runs with ELASTICSEARCH_URL
    set or under testcontainers with Docker; otherwise it is skipped with the reason."""
    from services.common.bus.outbox import SqliteOutbox

    if request.param in SEARCH_LEGS:
        with search_store(request.param, tmp_path) as es_store:
            yield es_store
        return
    from services.vacancies.adapters.sqlite_store import SqliteVacancyStore

    db = tmp_path / "vacancies.db"
    adapter = SqliteVacancyStore(db, SqliteOutbox(db, URN))
    yield adapter
    adapter.close_store()


def ingest(store, *contents, clock=None):  # type: ignore[no-untyped-def]
    return IngestVacancies(store, clock or MovableClock(NOW))(list(contents))


def ids_of(page) -> set[str]:  # type: ignore[no-untyped-def]
    return {hit.vacancy.content.external_id for hit in page.hits}


def search(store, **criteria):  # type: ignore[no-untyped-def]
    return store.search(SearchCriteria(**criteria), 100, None)


class TestStoringAndDeduplicating:
    def test_an_ingested_vacancy_can_be_read_back_open(self, store) -> None:  # type: ignore[no-untyped-def]
        (result,) = ingest(store, software_job("1"))
        stored = store.get(result.vacancy_id)
        assert stored is not None and stored.is_open
        assert stored.content.title == "Softwareontwikkelaar"
        assert stored.content.occupation.isco_code == "2512"

    def test_an_unknown_id_reads_as_none(self, store) -> None:  # type: ignore[no-untyped-def]
        assert store.get("vac_nope") is None

    def test_sending_the_same_vacancy_again_is_unchanged_and_stores_nothing_new(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(store, vacancy("1"))
        assert [r.status for r in ingest(store, vacancy("1"))] == ["unchanged"]
        assert [c.change_type for c in store.changes_after(0, 10)] == ["published"]

    def test_changed_content_updates_the_same_vacancy(self, store) -> None:  # type: ignore[no-untyped-def]
        (first,) = ingest(store, vacancy("1", title="Kok"))
        (second,) = ingest(store, vacancy("1", title="Chef-kok"))
        assert (second.status, second.vacancy_id) == ("updated", first.vacancy_id)
        assert store.get(first.vacancy_id).content.title == "Chef-kok"
        assert [c.change_type for c in store.changes_after(0, 10)] == ["published", "updated"]

    def test_the_same_vacancy_from_two_sources_is_stored_once_and_linked(self, store) -> None:  # type: ignore[no-untyped-def]
        (own,) = ingest(store, software_job("WB-1", employer="ICT-bedrijf Utrecht"))
        (other,) = ingest(
            store,
            software_job(
                "JB-77", source="jobboard", title="Softwareontwikkelaar (m/v/x)", employer="ICT-bedrijf Utrecht"
            ),
        )
        assert (other.status, other.duplicate_of) == ("duplicate", own.vacancy_id)
        stored = store.get(own.vacancy_id)
        assert [(s.source, s.external_id) for s in stored.linked_sources] == [("jobboard", "JB-77")]
        assert search(store).total_count == 1
        assert len(store.changes_after(0, 10)) == 1

    def test_a_linked_copy_changed_after_the_vacancy_closed_is_stored_as_its_own_vacancy(self, store) -> None:  # type: ignore[no-untyped-def]
        (own,) = ingest(store, vacancy("WB-1", employer="Bakkerij Zwolle"))
        ingest(store, vacancy("JB-1", source="jobboard", employer="Bakkerij Zwolle"))
        store.close(own.vacancy_id, "vervuld", NOW)
        (again,) = ingest(store, vacancy("JB-1", source="jobboard", employer="Bakkerij Zwolle", hours_min=32))
        assert again.status == "accepted" and again.vacancy_id != own.vacancy_id
        assert store.get(own.vacancy_id).linked_sources == ()
        assert store.get(again.vacancy_id).content.source == "jobboard"
        assert search(store).total_count == 1

    def test_the_updated_text_is_what_text_search_finds(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(store, vacancy("1", title="Kok"))
        ingest(store, vacancy("1", title="Bakker"))
        assert search(store, text=parse_text_query("kok")).total_count == 0
        assert search(store, text=parse_text_query("bakker")).total_count == 1


class TestClosing:
    def test_closing_records_a_removed_change_once(self, store) -> None:  # type: ignore[no-untyped-def]
        (result,) = ingest(store, vacancy("1"))
        closed = store.close(result.vacancy_id, "vervuld", NOW)
        again = store.close(result.vacancy_id, "nog eens", NOW)
        assert (closed.status, closed.closed_reason) == ("closed", "vervuld")
        assert again.closed_reason == "vervuld"
        assert [c.change_type for c in store.changes_after(0, 10)] == ["published", "removed"]

    def test_expiry_closes_exactly_the_vacancies_whose_last_day_has_passed(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(
            store,
            vacancy("ends-30", valid_through="2026-11-30"),
            vacancy("ends-1dec", valid_through="2026-12-01"),
            vacancy("no-end", valid_through=""),
        )
        assert store.expire("2026-11-30", NOW) == []
        expired = store.expire("2026-12-01", NOW)
        assert [store.get(i).content.external_id for i in expired] == ["ends-30"]
        assert {h.vacancy.content.external_id for h in search(store).hits} == {"ends-1dec", "no-end"}

    def test_an_expired_vacancy_sent_again_with_a_later_closing_date_opens_again(self, store) -> None:  # type: ignore[no-untyped-def]
        (result,) = ingest(store, vacancy("1", valid_through="2026-11-30"))
        store.expire("2026-12-01", NOW)
        december = MovableClock(datetime(2026, 12, 2, 9, 0, tzinfo=UTC))
        (again,) = ingest(store, vacancy("1", valid_through="2026-12-31"), clock=december)
        assert (again.status, again.vacancy_id) == ("updated", result.vacancy_id)
        reopened = store.get(result.vacancy_id)
        assert (reopened.status, reopened.closed_reason) == ("open", "")
        assert [c.change_type for c in store.changes_after(0, 10)] == ["published", "removed", "published"]
        assert search(store).total_count == 1

    def test_a_withdrawn_vacancy_sent_again_with_changes_stays_closed_and_quiet(self, store) -> None:  # type: ignore[no-untyped-def]
        (result,) = ingest(store, vacancy("1"))
        store.close(result.vacancy_id, "vervuld", NOW)
        (again,) = ingest(store, vacancy("1", title="Andere titel"))
        assert again.status == "updated"
        stored = store.get(result.vacancy_id)
        assert (stored.status, stored.closed_reason, stored.content.title) == ("closed", "vervuld", "Andere titel")
        assert [c.change_type for c in store.changes_after(0, 10)] == ["published", "removed"]

    def test_a_closed_vacancy_is_not_found_by_search(self, store) -> None:  # type: ignore[no-untyped-def]
        (result,) = ingest(store, vacancy("1"))
        store.close(result.vacancy_id, "withdrawn", NOW)
        assert search(store).total_count == 0


class TestSearch:
    @pytest.fixture
    def around_utrecht(self, store):  # type: ignore[no-untyped-def]
        towns = [
            "Utrecht",
            "De Bilt",
            "Bunnik",
            "Nieuwegein",
            "Zeist",
            "Houten",
            "Maarssen",
            "IJsselstein",
            "Hilversum",
            "Amersfoort",
            "Amsterdam",
        ]
        ingest(store, *[vacancy(town, place=town) for town in towns])
        return store

    def test_a_10_km_radius_around_utrecht_holds_exactly_the_towns_within_10_km(self, around_utrecht) -> None:  # type: ignore[no-untyped-def]
        page = search(
            around_utrecht, geo=GeoFilter(latitude=UTRECHT.latitude, longitude=UTRECHT.longitude, radius_km=10)
        )
        assert ids_of(page) == {
            "Utrecht",
            "De Bilt",
            "Bunnik",
            "Nieuwegein",
            "Zeist",
            "Houten",
            "Maarssen",
            "IJsselstein",
        }

    def test_a_point_in_the_corner_of_the_bounding_box_but_outside_the_circle_is_left_out(self, around_utrecht) -> None:  # type: ignore[no-untyped-def]
        # Maarssen lies 5.4 km north and 5.5 km west of Utrecht: inside a 7.5 km box, 7.69 km away.
        page = search(
            around_utrecht, geo=GeoFilter(latitude=UTRECHT.latitude, longitude=UTRECHT.longitude, radius_km=7.5)
        )
        assert ids_of(page) == {"Utrecht", "De Bilt", "Bunnik", "Nieuwegein"}

    def test_hits_carry_their_distance(self, around_utrecht) -> None:  # type: ignore[no-untyped-def]
        page = search(
            around_utrecht, geo=GeoFilter(latitude=UTRECHT.latitude, longitude=UTRECHT.longitude, radius_km=5)
        )
        assert {h.vacancy.content.external_id: h.distance_km for h in page.hits} == {
            "Utrecht": 0.0,
            "De Bilt": pytest.approx(4.52, abs=0.005),
        }

    def test_near_a_place_sorted_by_distance_the_nearest_comes_first_on_every_page(self, around_utrecht) -> None:  # type: ignore[no-untyped-def]
        criteria = SearchCriteria(
            sort="distance", geo=GeoFilter(latitude=UTRECHT.latitude, longitude=UTRECHT.longitude, radius_km=50)
        )
        seen, after = [], None
        while len(seen) <= 20:
            page = around_utrecht.search(criteria, 3, after)
            seen += [(h.distance_km, h.vacancy.content.external_id) for h in page.hits]
            if not page.has_more:
                break
            after = page.next_position
        assert [d for d, _ in seen] == sorted(d for d, _ in seen) and len(seen) == 11
        assert seen[0][1] == "Utrecht" and seen[-1][1] == "Amsterdam"

    def test_the_province_filter_uses_the_province_of_the_place(self, around_utrecht) -> None:  # type: ignore[no-untyped-def]
        assert ids_of(search(around_utrecht, province_codes=("07",))) == {"Hilversum", "Amsterdam"}

    def test_the_hour_window_returns_exactly_the_overlapping_vacancies(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(
            store,
            vacancy("16-24", hours_min=16, hours_max=24),
            vacancy("24-32", hours_min=24, hours_max=32),
            vacancy("32-40", hours_min=32, hours_max=40),
            vacancy("38-40", hours_min=38, hours_max=40),
            vacancy("unknown"),
        )
        assert ids_of(search(store, hours_min=30, hours_max=36)) == {"24-32", "32-40"}
        assert ids_of(search(store, hours_min=38)) == {"32-40", "38-40"}

    def test_an_isco_prefix_matches_exactly_the_occupations_below_it(self, store) -> None:  # type: ignore[no-untyped-def]
        from services.vacancies.domain.model import Occupation

        ingest(
            store,
            vacancy("dev", occupation=Occupation(isco_code="2512")),
            vacancy("analyst", occupation=Occupation(isco_code="2511")),
            vacancy("nurse", occupation=Occupation(isco_code="2221")),
            vacancy("none"),
        )
        assert ids_of(search(store, isco_prefixes=("25",))) == {"dev", "analyst"}
        assert ids_of(search(store, isco_prefixes=("2512",))) == {"dev"}
        assert ids_of(search(store, isco_prefixes=("2",))) == {"dev", "analyst", "nurse"}

    def test_text_search_supports_phrases_and_exclusions(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(
            store,
            vacancy("a", title="Agile coach", description="Begeleid teams."),
            vacancy("b", title="Coach", description="Agile werken en nachtdiensten."),
            vacancy("c", title="Verpleegkundige", description="Ook nachtdiensten."),
        )
        assert ids_of(search(store, text=parse_text_query('"agile coach"'))) == {"a"}
        assert ids_of(search(store, text=parse_text_query("agile coach"))) == {"a", "b"}
        assert ids_of(search(store, text=parse_text_query("-nachtdiensten"))) == {"a"}
        assert ids_of(search(store, text=parse_text_query("coach -nachtdiensten"))) == {"a"}

    def test_text_search_ignores_accents_and_case(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(store, vacancy("a", title="Café-medewerker"))
        assert ids_of(search(store, text=parse_text_query("CAFE"))) == {"a"}

    def test_a_vacancy_without_coordinates_is_still_found_by_text(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(store, vacancy("abroad", title="Magazijnmedewerker", place="Antwerpen"))
        assert ids_of(search(store, text=parse_text_query("magazijnmedewerker"))) == {"abroad"}

    def test_relevance_puts_title_matches_first(self, store) -> None:  # type: ignore[no-untyped-def]
        ingest(
            store,
            vacancy("in-text", title="Medewerker", description="Ervaring als lasser is fijn."),
            vacancy("in-title", title="Lasser", description="Wij zoeken iemand."),
        )
        page = store.search(SearchCriteria(text=parse_text_query("lasser"), sort="relevance"), 10, None)
        assert [h.vacancy.content.external_id for h in page.hits] == ["in-title", "in-text"]

    def test_facets_count_every_match_per_group(self, store) -> None:  # type: ignore[no-untyped-def]
        from services.vacancies.domain.model import Occupation

        ingest(
            store,
            vacancy("1", place="Utrecht", contract_type="permanent", occupation=Occupation(isco_code="2512")),
            vacancy("2", place="Amsterdam", contract_type="permanent", occupation=Occupation(isco_code="2221")),
            vacancy("3", place="Zeist", contract_type="temporary", occupation=Occupation(isco_code="5120")),
        )
        page = store.search(SearchCriteria(include_facets=True), 1, None)
        facets = {name: {f.value: f.count for f in values} for name, values in page.facets.items()}
        assert facets == {
            "isco_major_group": {"2": 2, "5": 1},
            "province": {"09": 2, "07": 1},
            "contract_type": {"permanent": 2, "temporary": 1},
        }
        assert page.total_count == 3 and len(page.hits) == 1

    @pytest.mark.parametrize("sort", ["date_posted", "valid_through", "relevance"])
    @pytest.mark.parametrize("radius", [None, 50.0])
    def test_paging_by_sort_key_returns_every_match_once_in_order(self, store, sort, radius, request) -> None:  # type: ignore[no-untyped-def]
        if sort == "relevance":
            osmem_lacks(request, OSMEM_SCORE_TIE_BREAK)
        ingest(
            store,
            *[
                vacancy(
                    str(n),
                    title="Kok" if n % 2 else "Kok en kok",
                    date_posted=f"2026-11-{10 + n % 5:02d}",
                    valid_through="" if n % 3 == 0 else f"2026-12-{10 + n % 4:02d}",
                )
                for n in range(9)
            ],
            *[vacancy(f"other-{n}", title="Lasser") for n in range(20)],
        )
        geo = (
            None
            if radius is None
            else GeoFilter(latitude=UTRECHT.latitude, longitude=UTRECHT.longitude, radius_km=radius)
        )
        criteria = SearchCriteria(sort=sort, geo=geo, text=parse_text_query("kok"))
        everything = store.search(criteria, 100, None).hits
        seen, after = [], None
        while True:
            page = store.search(criteria, 2, after)
            seen += [h.vacancy.content.external_id for h in page.hits]
            if not page.has_more or len(seen) > 9:  # bounded: an engine that repeats pages must not hang
                break
            after = page.next_position
        assert seen == [h.vacancy.content.external_id for h in everything] and len(seen) == 9
        if sort == "date_posted":
            dates = [h.vacancy.content.date_posted for h in everything]
            assert dates == sorted(dates, reverse=True)
        elif sort == "valid_through":
            closing = [h.vacancy.content.valid_through or "9999" for h in everything]
            assert closing == sorted(closing)
        else:
            scores = [h.score for h in everything]
            assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]


class TestChangeStream:
    def test_changes_come_in_order_each_once(self, store) -> None:  # type: ignore[no-untyped-def]
        results = ingest(store, vacancy("1"), vacancy("2"))
        ingest(store, vacancy("1", title="Anders"))
        store.close(results[1].vacancy_id, "withdrawn", NOW)
        changes = store.changes_after(0, 100)
        assert [(c.change_type, c.vacancy.content.external_id) for c in changes] == [
            ("published", "1"),
            ("published", "2"),
            ("updated", "1"),
            ("removed", "2"),
        ]
        assert [c.sequence for c in changes] == sorted({c.sequence for c in changes})
        assert store.changes_after(changes[1].sequence, 100) == changes[2:]
        assert store.last_change_sequence() == changes[-1].sequence

    def test_open_vacancies_page_in_storage_order(self, store) -> None:  # type: ignore[no-untyped-def]
        results = ingest(store, vacancy("1"), vacancy("2"), vacancy("3"))
        store.close(results[1].vacancy_id, "withdrawn", NOW)
        first = store.open_vacancies_after(0, 1)
        rest = store.open_vacancies_after(first[-1][0], 10)
        assert [v.content.external_id for _, v in first + rest] == ["1", "3"]


class TestSqliteFileUpgrade:
    def test_a_file_from_before_closed_reason_gets_the_column_and_keeps_working(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        import sqlite3

        from services.common.bus.outbox import SqliteOutbox
        from services.vacancies.adapters.sqlite_schema import SCHEMA
        from services.vacancies.adapters.sqlite_store import SqliteVacancyStore

        db = tmp_path / "old.db"
        with sqlite3.connect(db) as conn:
            conn.execute(SCHEMA[0].replace("closed_reason TEXT NOT NULL DEFAULT '',", ""))
        store = SqliteVacancyStore(db, SqliteOutbox(db, "urn:nld:oin:00000000000000000000:systeem:jobmatch-vacancies"))
        try:
            (result,) = ingest(store, vacancy("1"))
            assert store.close(result.vacancy_id, "vervuld", NOW).closed_reason == "vervuld"
        finally:
            store.close_store()
