"""VacancyService over a real gRPC server (port 0) on a real SQLite file."""

from __future__ import annotations

import grpc
import pytest
from vacancies_support import SOFTWARE_DEVELOPER, software_job, vacancy

from jobmatch.vacancies.v1 import vacancy_pb2 as pb
from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from services.common.rpc_errors import field_violations
from services.vacancies.service_layer.proto_codec import content_to_proto


def proto(content) -> pb.Vacancy:  # type: ignore[no-untyped-def]
    return content_to_proto(content)


def town_vacancy(external_id: str, place: str, **fields: object) -> pb.Vacancy:
    return proto(vacancy(external_id, place=place, **fields))


def ingest(stub, service, *batches: list[pb.Vacancy]) -> list[svc.IngestVacanciesResponse]:  # type: ignore[no-untyped-def]
    requests = [svc.IngestVacanciesRequest(batch_id=f"b{n}", vacancies=batch) for n, batch in enumerate(batches)]
    return list(stub.IngestVacancies(iter(requests), metadata=service))


def status_name(value: int) -> str:
    return svc.IngestStatus.Name(value).removeprefix("INGEST_STATUS_").lower()


class TestIngestStream:
    def test_each_batch_gets_one_result_per_item_in_order(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        responses = ingest(
            stub,
            service,
            [town_vacancy("1", "Utrecht"), town_vacancy("2", "Zeist")],
            [town_vacancy("1", "Utrecht"), town_vacancy("3", "Houten")],
        )
        assert [r.batch_id for r in responses] == ["b0", "b1"]
        assert [[status_name(x.status) for x in r.results] for r in responses] == [
            ["accepted", "accepted"],
            ["unchanged", "accepted"],
        ]
        assert responses[1].results[0].vacancy_id == responses[0].results[0].vacancy_id

    def test_bad_items_get_precise_violations_store_nothing_and_the_batch_goes_on(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        bad = {
            "empty-title": (town_vacancy("e1", "Utrecht", title=" "), "vacancies[0].title"),
            "unknown-contract": (town_vacancy("e2", "Utrecht"), "vacancies[1].contract_type"),
            "latitude": (town_vacancy("e3", "Utrecht"), "vacancies[2].location.latitude"),
            "closing-before-posting": (
                town_vacancy("e4", "Utrecht", date_posted="2026-11-20", valid_through="2026-11-01"),
                "vacancies[3].valid_through",
            ),
            "salary": (town_vacancy("e5", "Utrecht", salary_min=5000, salary_max=3000), "vacancies[4].salary_min"),
            "long-description": (
                town_vacancy("e6", "Utrecht", description="x" * (65 * 1024)),
                "vacancies[5].description",
            ),
            "control-characters": (town_vacancy("e7", "Utrecht", title="Kok\x07"), "vacancies[6].title"),
        }
        items = [item for item, _ in bad.values()]
        items[1].contract_type = 99  # an enum number this service does not know
        items[2].location.latitude, items[2].location.has_coordinates = 123.0, True
        good = town_vacancy("ok", "Utrecht")
        (response,) = ingest(stub, service, [*items, good, town_vacancy("ok", "Utrecht")])
        results = list(response.results)
        for (name, (_, field)), result in zip(bad.items(), results, strict=False):
            assert status_name(result.status) == "rejected", name
            assert field in [v.field for v in result.violations], name
            assert result.vacancy_id == ""
        assert status_name(results[7].status) == "accepted"
        assert status_name(results[8].status) == "rejected"
        assert [v.field for v in results[8].violations] == ["vacancies[8].external_id"]
        everything = stub.SearchVacancies(svc.SearchVacanciesRequest(), metadata=service)
        assert [h.vacancy.external_id for h in everything.hits] == ["ok"]

    def test_a_client_may_not_ingest(self, stub, token_for) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(grpc.RpcError) as error:
            ingest(stub, token_for("client", "c-1"), [town_vacancy("1", "Utrecht")])
        assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED

    def test_without_a_token_nothing_is_served(self, stub) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(grpc.RpcError) as error:
            stub.SearchVacancies(svc.SearchVacanciesRequest())
        assert error.value.code() == grpc.StatusCode.UNAUTHENTICATED


class TestUpsertGetWithdraw:
    def test_upsert_then_get_returns_the_enriched_vacancy(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        created = stub.UpsertVacancy(svc.UpsertVacancyRequest(vacancy=proto(software_job("1"))), metadata=service)
        assert created.status == svc.INGEST_STATUS_ACCEPTED
        got = stub.GetVacancy(svc.GetVacancyRequest(vacancy_id=created.vacancy.vacancy_id), metadata=service).vacancy
        assert got.occupation.esco_uri == SOFTWARE_DEVELOPER and got.occupation.isco_code == "2512"
        assert got.location.has_coordinates and got.location.province_code == "09"
        assert got.status == pb.VACANCY_STATUS_OPEN

    def test_upserting_the_same_content_again_is_unchanged(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        request = svc.UpsertVacancyRequest(vacancy=proto(vacancy("1")))
        stub.UpsertVacancy(request, metadata=service)
        assert stub.UpsertVacancy(request, metadata=service).status == svc.INGEST_STATUS_UNCHANGED

    def test_an_invalid_upsert_is_invalid_argument_with_field_violations(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(grpc.RpcError) as error:
            stub.UpsertVacancy(svc.UpsertVacancyRequest(vacancy=proto(vacancy("1", title=""))), metadata=service)
        assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert [field for field, _ in field_violations(error.value)] == ["vacancy.title"]

    def test_a_caseworker_may_upsert_but_a_client_may_not(self, stub, token_for) -> None:  # type: ignore[no-untyped-def]
        request = svc.UpsertVacancyRequest(vacancy=proto(vacancy("1")))
        stub.UpsertVacancy(request, metadata=token_for("caseworker", "cw-1"))
        with pytest.raises(grpc.RpcError) as error:
            stub.UpsertVacancy(request, metadata=token_for("client", "c-1"))
        assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED

    def test_an_unknown_vacancy_is_not_found(self, stub, token_for) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(grpc.RpcError) as error:
            stub.GetVacancy(svc.GetVacancyRequest(vacancy_id="vac_unknown"), metadata=token_for("client", "c-1"))
        assert error.value.code() == grpc.StatusCode.NOT_FOUND

    def test_a_withdrawn_vacancy_is_closed_and_no_longer_searchable(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        created = stub.UpsertVacancy(svc.UpsertVacancyRequest(vacancy=proto(vacancy("1"))), metadata=service)
        withdrawn = stub.WithdrawVacancy(
            svc.WithdrawVacancyRequest(vacancy_id=created.vacancy.vacancy_id, reason="vervuld"), metadata=service
        )
        assert (withdrawn.vacancy.status, withdrawn.vacancy.closed_reason) == (pb.VACANCY_STATUS_CLOSED, "vervuld")
        assert stub.SearchVacancies(svc.SearchVacanciesRequest(), metadata=service).total_count == 0


class TestSearchOverGrpc:
    @pytest.fixture
    def towns(self, stub, service):  # type: ignore[no-untyped-def]
        names = ["Utrecht", "De Bilt", "Bunnik", "Zeist", "Amersfoort", "Hilversum", "Amsterdam"]
        ingest(stub, service, [town_vacancy(name, name, contract_type="permanent") for name in names])
        return names

    def test_a_dutch_place_name_and_radius_select_exactly_the_towns_inside(self, stub, towns, token_for) -> None:  # type: ignore[no-untyped-def]
        response = stub.SearchVacancies(
            svc.SearchVacanciesRequest(near_place="utrecht", radius_km=10), metadata=token_for("client", "c-1")
        )
        assert {h.vacancy.external_id for h in response.hits} == {"Utrecht", "De Bilt", "Bunnik", "Zeist"}
        assert all(h.HasField("distance_km") and h.distance_km <= 10 for h in response.hits)

    def test_an_unknown_place_is_invalid_argument_on_near_place(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(grpc.RpcError) as error:
            stub.SearchVacancies(svc.SearchVacanciesRequest(near_place="Atlantis", radius_km=5), metadata=service)
        assert [f for f, _ in field_violations(error.value)] == ["near_place"]

    def test_pages_follow_each_other_without_gaps_or_repeats(self, stub, towns, service) -> None:  # type: ignore[no-untyped-def]
        seen, token = [], ""
        while True:
            page = stub.SearchVacancies(svc.SearchVacanciesRequest(page_size=3, page_token=token), metadata=service)
            seen += [h.vacancy.external_id for h in page.hits]
            assert page.total_count == len(towns)
            token = page.next_page_token
            if not token:
                break
        assert sorted(seen) == sorted(towns)

    def test_a_page_token_of_another_query_or_tampered_is_invalid_argument(self, stub, towns, service) -> None:  # type: ignore[no-untyped-def]
        token = stub.SearchVacancies(svc.SearchVacanciesRequest(page_size=2), metadata=service).next_page_token
        for request in (
            svc.SearchVacanciesRequest(page_size=2, page_token=token, query="utrecht"),
            svc.SearchVacanciesRequest(page_size=2, page_token=token[:-2] + "xx"),
        ):
            with pytest.raises(grpc.RpcError) as error:
                stub.SearchVacancies(request, metadata=service)
            assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
            assert [f for f, _ in field_violations(error.value)] == ["page_token"]

    def test_facets_come_only_when_asked(self, stub, towns, service) -> None:  # type: ignore[no-untyped-def]
        plain = stub.SearchVacancies(svc.SearchVacanciesRequest(), metadata=service)
        assert list(plain.facets) == []
        faceted = stub.SearchVacancies(svc.SearchVacanciesRequest(include_facets=True), metadata=service)
        provinces = {f.name: {v.value: v.count for v in f.values} for f in faceted.facets}["province"]
        assert provinces == {"09": 5, "07": 2}


class TestChangeStreamOverGrpc:
    def test_paging_from_a_cursor_returns_every_change_once_in_order(self, stub, service, app, clock) -> None:  # type: ignore[no-untyped-def]
        (_first,) = ingest(
            stub, service, [town_vacancy(str(n), "Utrecht", valid_through="2026-11-30") for n in range(5)]
        )
        ingest(stub, service, [town_vacancy("0", "Utrecht", title="Ander werk", valid_through="2026-11-30")])
        start = stub.ListVacancyChanges(svc.ListVacancyChangesRequest(page_size=2), metadata=service)
        cursor = start.cursor
        clock.advance(days=10)
        app.expire()
        seen = [(c.type, c.vacancy.external_id) for c in start.changes]
        while True:
            page = stub.ListVacancyChanges(
                svc.ListVacancyChangesRequest(since_cursor=cursor, page_size=2), metadata=service
            )
            seen += [(c.type, c.vacancy.external_id) for c in page.changes]
            if not page.changes:
                break
            cursor = page.cursor
        published, updated, removed = svc.CHANGE_TYPE_PUBLISHED, svc.CHANGE_TYPE_UPDATED, svc.CHANGE_TYPE_REMOVED
        assert seen == [(published, str(n)) for n in range(5)] + [(updated, "0")] + [
            (removed, str(n)) for n in range(5)
        ]

    def test_a_snapshot_lists_every_open_vacancy_and_a_cursor_to_follow_from(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        (response,) = ingest(stub, service, [town_vacancy(str(n), "Utrecht") for n in range(5)])
        stub.WithdrawVacancy(svc.WithdrawVacancyRequest(vacancy_id=response.results[0].vacancy_id), metadata=service)
        seen, token, cursor = [], "", ""
        while True:
            page = stub.ListVacancyChanges(
                svc.ListVacancyChangesRequest(snapshot=True, page_size=3, page_token=token), metadata=service
            )
            seen += [c.vacancy.external_id for c in page.changes]
            cursor, token = page.cursor, page.next_page_token
            if not token:
                break
        assert seen == ["1", "2", "3", "4"]
        after = stub.ListVacancyChanges(svc.ListVacancyChangesRequest(since_cursor=cursor), metadata=service)
        assert list(after.changes) == []

    def test_a_cursor_that_is_not_ours_is_invalid_argument(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(grpc.RpcError) as error:
            stub.ListVacancyChanges(svc.ListVacancyChangesRequest(since_cursor="abc"), metadata=service)
        assert [f for f, _ in field_violations(error.value)] == ["since_cursor"]


class TestConcurrentStreams:
    def test_two_streams_sending_the_same_vacancies_store_each_once(self, stub, service) -> None:  # type: ignore[no-untyped-def]
        from concurrent.futures import ThreadPoolExecutor

        batches = [[town_vacancy(f"{b}-{n}", "Utrecht", title=f"Functie {b}-{n}") for n in range(50)] for b in range(6)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            runs = list(pool.map(lambda _: ingest(stub, service, *batches), range(2)))
        statuses = sorted(status_name(r.status) for run in runs for response in run for r in response.results)
        assert statuses.count("accepted") == 300 and statuses.count("unchanged") == 300
        everything = stub.SearchVacancies(svc.SearchVacanciesRequest(page_size=1), metadata=service)
        assert everything.total_count == 300


class TestServiceScopes:
    def test_a_read_scoped_system_may_search_and_follow_changes_but_not_ingest(self, stub, tmp_path) -> None:  # type: ignore[no-untyped-def]
        from services.common.auth import mint_token
        from services.common.settings import Settings

        token = mint_token(Settings(data_dir=tmp_path), subject="matching", role="service", scopes=["vacancies:read"])
        reader = (("authorization", f"Bearer {token}"),)
        stub.SearchVacancies(svc.SearchVacanciesRequest(), metadata=reader)
        stub.ListVacancyChanges(svc.ListVacancyChangesRequest(snapshot=True), metadata=reader)
        with pytest.raises(grpc.RpcError) as error:
            ingest(stub, reader, [town_vacancy("1", "Utrecht")])
        assert error.value.code() == grpc.StatusCode.PERMISSION_DENIED
