"""Every mapping and request body the vacancies Elasticsearch adapter sends."""

from __future__ import annotations

import base64
import json

import pytest

from services.vacancies.adapters import elasticsearch_mappings as m
from services.vacancies.adapters import elasticsearch_search as s
from services.vacancies.domain.ingest import PreparedItem
from services.vacancies.domain.model import Location, Occupation, VacancyContent
from services.vacancies.domain.search import GeoFilter, SearchCriteria, SearchPosition, TextTerm, parse_text_query


def item(**content) -> PreparedItem:  # type: ignore[no-untyped-def]
    base = dict(
        source="werkbank",
        external_id="WB-1",
        title="Café-medewerker",
        description="Koffie zetten.",
        occupation=Occupation(esco_uri="http://data.europa.eu/esco/occupation/x", isco_code="5131"),
        location=Location(place_name="Utrecht", province_code="09", latitude=52.09, longitude=5.12),
        hours_min=24.0,
        hours_max=32.0,
        contract_type="permanent",
        date_posted="2026-11-20",
        valid_through="2026-12-31",
    )
    return PreparedItem(0, VacancyContent(**(base | content)), "fp-1", "hash-1")


class TestVacancyMappings:
    def test_text_is_folded_so_accents_and_case_do_not_matter(self) -> None:
        props = m.VACANCIES.mappings["properties"]
        assert (
            props["title"]
            == props["description"]
            == {"type": "text", "analyzer": "folded", "fields": {"nl": {"type": "text", "analyzer": "dutch_folded"}}}
        )
        assert m.VACANCIES.settings["analysis"]["analyzer"]["folded"] == {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding"],
        }

    def test_the_nl_fields_also_drop_dutch_stop_words_and_stem_with_standard_filters_only(self) -> None:
        analysis = m.VACANCIES.settings["analysis"]
        assert analysis["analyzer"]["dutch_folded"] == {
            "type": "custom",
            "tokenizer": "standard",
            "filter": ["lowercase", "asciifolding", "dutch_stop", "dutch_override", "dutch_stemmer"],
        }
        assert analysis["filter"]["dutch_stop"] == {"type": "stop", "stopwords": "_dutch_"}
        assert analysis["filter"]["dutch_stemmer"] == {"type": "stemmer", "language": "dutch"}
        assert "fiets=>fiets" in analysis["filter"]["dutch_override"]["rules"]  # Snowball would make it "fiet"

    def test_an_engine_without_a_dutch_stemmer_gets_the_same_layout_with_the_stemmer_a_no_op(self) -> None:
        unstemmed, sources, changes = m.index_specs(dutch_stemmer=False)
        assert (unstemmed.name, unstemmed.version, unstemmed.mappings) == (
            "vacancies",
            m.VACANCIES.version,
            m.VACANCIES.mappings,
        )
        assert unstemmed.settings["analysis"]["filter"]["dutch_stemmer"] == {"type": "lowercase"}
        assert unstemmed.settings["analysis"]["filter"]["dutch_stop"] == {"type": "stop", "stopwords": "_dutch_"}
        assert (sources, changes) == (m.VACANCY_SOURCES, m.VACANCY_CHANGES)
        assert m.index_specs() == m.INDEX_SPECS
        assert m.VACANCIES.settings["analysis"]["filter"]["dutch_stemmer"]["type"] == "stemmer"  # left as it was

    def test_each_mapping_change_is_a_new_index_version(self) -> None:
        # v2: the `.nl` fields; v3: the pending events and change entries of the commit document.
        assert m.VACANCIES.version == 3
        assert {"pending_events", "pending_since", "pending_changes"} <= set(m.VACANCIES.mappings["properties"])
        assert m.VACANCIES.index("jobmatch") == "jobmatch-vacancies-v3"

    def test_filters_are_keywords_the_place_a_geo_point_and_the_stored_proto_binary(self) -> None:
        props = m.VACANCIES.mappings["properties"]
        assert {props[f]["type"] for f in ("isco_code", "province_code", "contract_type", "fingerprint")} == {"keyword"}
        assert props["location"] == {"type": "geo_point"}
        assert props["doc"] == {"type": "binary"}
        assert all(spec.mappings["dynamic"] == "strict" for spec in m.INDEX_SPECS)

    def test_a_document_copies_the_filter_fields_and_keeps_the_proto(self) -> None:
        document = m.vacancy_document("vac_1", 7, item(), True, "", "2026-11-25T09:00:00+00:00", b"\x01proto")
        assert document | {"doc": "-"} == {
            "vacancy_id": "vac_1",
            "position": 7,
            "source": "werkbank",
            "external_id": "WB-1",
            "fingerprint": "fp-1",
            "is_open": True,
            "closed_reason": "",
            "title": "Café-medewerker",
            "description": "Koffie zetten.",
            "esco_uri": "http://data.europa.eu/esco/occupation/x",
            "isco_code": "5131",
            "isco_major": "5",
            "province_code": "09",
            "workplace_type": "",
            "contract_type": "permanent",
            "education_level": "",
            "driving_licence": False,
            "date_posted": "2026-11-20",
            "valid_through": "2026-12-31",
            "posted_key": 20261120,
            "closing_key": 20261231,
            "created_at": "2026-11-25T09:00:00+00:00",
            "location": {"lat": 52.09, "lon": 5.12},
            "hours_min": 24.0,
            "hours_max": 32.0,
            "doc": "-",
        }
        assert base64.b64decode(document["doc"]) == b"\x01proto"

    def test_unknown_hours_place_and_facet_values_stay_absent_and_no_end_date_sorts_last(self) -> None:
        document = m.vacancy_document(
            "vac_1",
            1,
            item(
                location=Location(),
                hours_min=None,
                hours_max=None,
                contract_type="",
                valid_through="",
                occupation=Occupation(),
            ),
            True,
            "",
            "t",
            b"",
        )
        assert not {"location", "hours_min", "hours_max", "contract_type", "province_code", "isco_major"} & set(
            document
        )
        assert document["closing_key"] == m.NO_END_DATE

    def test_look_ups_and_the_change_stream(self) -> None:
        assert m.source_doc_id("jobboard", "JB-1") == "jobboard\x1fJB-1"
        assert m.open_by_fingerprint_query(["a"]) == {
            "bool": {"filter": [{"term": {"is_open": True}}, {"terms": {"fingerprint": ["a"]}}]}
        }
        assert m.links_query(["v"]) == {
            "bool": {"filter": [{"terms": {"vacancy_id": ["v"]}}, {"term": {"canonical": False}}]}
        }
        assert m.expired_query("2026-12-01") == {
            "bool": {"filter": [{"term": {"is_open": True}}, {"range": {"closing_key": {"lt": 20261201}}}]}
        }
        assert m.changes_after_request(5, 10) == {
            "query": {"range": {"sequence": {"gt": 5}}},
            "sort": [{"sequence": "asc"}],
            "size": 10,
            "track_total_hits": False,
        }
        assert m.open_after_request(3, 2)["query"] == {
            "bool": {"filter": [{"term": {"is_open": True}}, {"range": {"position": {"gt": 3}}}]}
        }
        assert m.LAST_CHANGE_REQUEST == {"size": 0, "aggs": {"last": {"max": {"field": "sequence"}}}}


class TestVacancySearchQuery:
    def test_without_criteria_only_open_vacancies(self) -> None:
        assert s.search_query(SearchCriteria()) == {"bool": {"filter": [{"term": {"is_open": True}}]}}

    def test_a_phrase_must_be_in_title_or_description_as_written_or_stemmed_with_the_title_weighing_five_times(
        self,
    ) -> None:
        assert s.text_clause(TextTerm(words=("agile", "coach"))) == {
            "bool": {
                "should": [
                    {"match_phrase": {"title": {"query": "agile coach", "boost": 5.0}}},
                    {"match_phrase": {"description": {"query": "agile coach"}}},
                    {"match_phrase": {"title.nl": {"query": "agile coach", "boost": 5.0}}},
                    {"match_phrase": {"description.nl": {"query": "agile coach"}}},
                ],
                "minimum_should_match": 1,
            }
        }

    def test_a_prefix_term_is_a_phrase_prefix_with_bounded_expansion_on_the_folded_fields_only(self) -> None:
        clause = s.text_clause(TextTerm(words=("ontwikkel",), prefix=True))
        assert clause["bool"]["should"] == [
            {
                "match_phrase_prefix": {
                    "title": {"query": "ontwikkel", "boost": 5.0, "max_expansions": s.MAX_PREFIX_EXPANSIONS}
                }
            },
            {"match_phrase_prefix": {"description": {"query": "ontwikkel", "max_expansions": s.MAX_PREFIX_EXPANSIONS}}},
        ]

    def test_included_terms_are_required_and_excluded_terms_forbidden(self) -> None:
        query = s.search_query(SearchCriteria(text=parse_text_query('coach -nachtdiensten "agile coach"')))["bool"]
        assert query["must"] == [
            s.text_clause(TextTerm(words=("coach",))),
            s.text_clause(TextTerm(words=("agile", "coach"))),
        ]
        assert query["must_not"] == [s.text_clause(TextTerm(words=("nachtdiensten",)))]

    def test_every_filter_becomes_one_filter_clause(self) -> None:
        criteria = SearchCriteria(
            esco_uris=("u1",),
            isco_prefixes=("25", "2221"),
            province_codes=("09",),
            workplace_types=("remote",),
            contract_types=("permanent",),
            education_levels=("mbo",),
            hours_min=30,
            hours_max=36,
            driving_licence_required=True,
            posted_since="2026-11-01",
            geo=GeoFilter(latitude=52.09, longitude=5.12, radius_km=10),
        )
        assert s.search_query(criteria)["bool"]["filter"] == [
            {"term": {"is_open": True}},
            {
                "bool": {
                    "should": [
                        {"terms": {"esco_uri": ["u1"]}},
                        {"prefix": {"isco_code": "25"}},
                        {"prefix": {"isco_code": "2221"}},
                    ],
                    "minimum_should_match": 1,
                }
            },
            {"terms": {"province_code": ["09"]}},
            {"terms": {"workplace_type": ["remote"]}},
            {"terms": {"contract_type": ["permanent"]}},
            {"terms": {"education_level": ["mbo"]}},
            {"geo_distance": {"distance": "10.0km", "distance_type": "arc", "location": {"lat": 52.09, "lon": 5.12}}},
            {"range": {"hours_max": {"gte": 30}}},
            {"range": {"hours_min": {"lte": 36}}},
            {"term": {"driving_licence": True}},
            {"range": {"posted_key": {"gte": 20261101}}},
        ]


class TestVacancySearchOrderAndPaging:
    @pytest.mark.parametrize(
        ("sort", "es_sort"),
        [
            ("relevance", [{"_score": "desc"}, {"position": "asc"}]),
            ("date_posted", [{"posted_key": "desc"}, {"position": "desc"}]),
            ("valid_through", [{"closing_key": "asc"}, {"position": "asc"}]),
        ],
    )
    def test_the_first_page_reads_a_point_in_time_and_counts_in_an_order_ending_in_the_storage_position(
        self, sort, es_sort
    ) -> None:  # type: ignore[no-untyped-def]
        body = s.search_request(SearchCriteria(sort=sort), 20, "pit-1", None)
        assert body == {
            "query": s.search_query(SearchCriteria(sort=sort)),
            "sort": es_sort,
            "size": 21,
            "pit": {"id": "pit-1", "keep_alive": "5m"},
            "track_total_hits": True,
            "source": s.HIT_FIELDS,
        }

    def test_a_later_page_renews_the_point_in_time_continues_after_the_engine_sort_values_and_does_not_count(
        self,
    ) -> None:
        after = SearchPosition(after=(3.5, 12, 4294967298), pit="pit-2", total=40)
        body = s.search_request(SearchCriteria(sort="relevance"), 5, "pit-2", after)
        assert body["search_after"] == [3.5, 12, 4294967298]  # Elasticsearch's implicit _shard_doc kept as sent
        assert body["pit"] == {"id": "pit-2", "keep_alive": s.PIT_KEEP_ALIVE}
        assert body["track_total_hits"] is False

    def test_a_position_survives_the_page_token_json_with_its_integers_exact(self) -> None:
        position = SearchPosition(after=(-1.25, 9007199254740993), pit="p", total=3)
        assert SearchPosition.model_validate(json.loads(json.dumps(position.model_dump(mode="json")))) == position

    def test_sort_keys_grow_along_the_result_order_like_the_sqlite_keys(self) -> None:
        assert s.sort_key_of("date_posted", [20261120, 12]) < s.sort_key_of("date_posted", [20261119, 40])
        assert s.sort_key_of("relevance", [3.5, 12]) < s.sort_key_of("relevance", [1.0, 2])

    def test_facets_are_terms_aggregations_read_back_with_labels(self) -> None:
        body = s.search_request(SearchCriteria(include_facets=True), 1, "pit", None)
        assert body["aggs"] == {
            "isco_major_group": {"terms": {"field": "isco_major", "size": 100}},
            "province": {"terms": {"field": "province_code", "size": 100}},
            "contract_type": {"terms": {"field": "contract_type", "size": 100}},
        }
        facets = s.facets_of(
            {
                "isco_major_group": {"buckets": [{"key": "2", "doc_count": 2}]},
                "province": {"buckets": [{"key": "09", "doc_count": 2}]},
                "contract_type": {"buckets": [{"key": "permanent", "doc_count": 1}]},
            }
        )
        assert {n: [(f.value, f.count) for f in v] for n, v in facets.items()} == {
            "isco_major_group": [("2", 2)],
            "province": [("09", 2)],
            "contract_type": [("permanent", 1)],
        }
        assert facets["province"][0].label == "Utrecht"

    def test_the_distance_of_a_hit_is_the_exact_haversine_from_its_point(self) -> None:
        criteria = SearchCriteria(geo=GeoFilter(latitude=52.09, longitude=5.12, radius_km=10))
        assert s.distance_of(criteria, {"location": {"lat": 52.09, "lon": 5.12}}) == 0.0
        assert s.distance_of(criteria, {}) is None
        assert s.distance_of(SearchCriteria(), {"location": {"lat": 52.0, "lon": 5.0}}) is None
