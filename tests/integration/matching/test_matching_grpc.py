"""MatchingService over a real gRPC server: profiles, the explained feed, feedback, reverse matching."""

from __future__ import annotations

import grpc
import pytest
from matching_support import MovableClock, make_vacancy

from jobmatch.matching.v1 import matching_service_pb2 as pb
from services.common.rpc_errors import field_violations
from services.matching.bootstrap import App

CLIENT = "c-demo-001"
OTHER = "c-demo-002"


def utrecht_profile(**overrides: object) -> pb.SearchProfile:
    values: dict[str, object] = dict(
        occupations=[pb.OccupationWish(isco_code="2512", breadth=pb.OCCUPATION_BREADTH_EXACT)],
        skills=["Python", "SQL"],
        home_place_name="Utrecht",
        max_travel_km=25,
        hours_min=24,
        hours_max=36,
    )
    values.update(overrides)
    return pb.SearchProfile(**values)  # type: ignore[arg-type]


def set_profile(stub, token_for, client_id: str = CLIENT, **overrides: object) -> pb.SetSearchProfileResponse:
    return stub.SetSearchProfile(
        pb.SetSearchProfileRequest(client_id=client_id, profile=utrecht_profile(**overrides)),
        metadata=token_for("client", client_id),
    )


def open_utrecht_vacancies(app: App) -> None:
    for vacancy in [
        make_vacancy("vac-utrecht", "Utrecht", required_skills=("Python", "Kubernetes")),  # 0 km, fits
        make_vacancy("vac-zeist", "Zeist", hours=(24, 24)),  # ~9 km, fits
        make_vacancy("vac-amersfoort", "Amersfoort", hours=(36, 40)),  # ~20 km, overlaps the window
        make_vacancy("vac-amsterdam", "Amsterdam"),  # ~35 km: too far
        make_vacancy("vac-fulltime", "Utrecht", hours=(38, 40)),  # hours outside the window
        make_vacancy("vac-nurse", "Utrecht", isco="2221"),  # other occupation
    ]:
        app.handlers.vacancy_opened_or_changed(vacancy)


def feed(stub, token_for, client_id: str = CLIENT, **request: object) -> pb.GetFeedResponse:
    return stub.GetFeed(pb.GetFeedRequest(client_id=client_id, **request), metadata=token_for("client", client_id))  # type: ignore[arg-type]


class TestSearchProfile:
    def test_a_client_sets_and_reads_back_their_profile(self, matching_stub, token_for) -> None:
        saved = set_profile(matching_stub, token_for).profile
        assert (saved.home_place_name, saved.max_travel_km, saved.occupations[0].isco_code) == ("Utrecht", 25, "2512")
        read = matching_stub.GetSearchProfile(
            pb.GetSearchProfileRequest(client_id=CLIENT), metadata=token_for("client", CLIENT)
        )
        assert read.profile == saved

    def test_bad_input_gets_field_violations_and_changes_nothing(self, matching_stub, token_for) -> None:
        before = set_profile(matching_stub, token_for).profile
        bad = utrecht_profile(
            max_travel_km=0,
            hours_min=36,
            hours_max=24,
            occupations=[
                pb.OccupationWish(esco_uri="http://data.europa.eu/esco/occupation/unknown"),
                pb.OccupationWish(isco_code="25"),
            ],
        )
        with pytest.raises(grpc.RpcError) as caught:
            matching_stub.SetSearchProfile(
                pb.SetSearchProfileRequest(client_id=CLIENT, profile=bad), metadata=token_for("client", CLIENT)
            )
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        fields = {field for field, _ in field_violations(caught.value)}
        assert fields == {
            "profile.max_travel_km",
            "profile.hours_min",
            "profile.occupations[0].esco_uri",
            "profile.occupations[1].isco_code",
        }
        after = matching_stub.GetSearchProfile(
            pb.GetSearchProfileRequest(client_id=CLIENT), metadata=token_for("client", CLIENT)
        )
        assert after.profile == before

    def test_a_client_cannot_read_another_clients_profile(self, matching_stub, token_for) -> None:
        set_profile(matching_stub, token_for, OTHER)
        with pytest.raises(grpc.RpcError) as caught:
            matching_stub.GetSearchProfile(
                pb.GetSearchProfileRequest(client_id=OTHER), metadata=token_for("client", CLIENT)
            )
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED

    def test_a_caseworker_sets_a_profile_for_a_client_in_their_caseload_only(self, matching_stub, token_for) -> None:
        request = pb.SetSearchProfileRequest(client_id=CLIENT, profile=utrecht_profile())
        matching_stub.SetSearchProfile(request, metadata=token_for("caseworker", "cw-1", caseload=[CLIENT]))
        with pytest.raises(grpc.RpcError) as caught:
            matching_stub.SetSearchProfile(request, metadata=token_for("caseworker", "cw-2", caseload=[OTHER]))
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


class TestFeed:
    def test_the_utrecht_developer_sees_exactly_the_fitting_vacancies_best_first_with_explanations(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        response = feed(matching_stub, token_for)
        ids = [item.vacancy.vacancy_id for item in response.items]
        assert ids == ["vac-utrecht", "vac-zeist", "vac-amersfoort"]
        assert response.total_size == 3
        scores = [item.score for item in response.items]
        assert scores == sorted(scores, reverse=True)
        first = response.items[0].explanation
        assert {pb.CRITERION_OCCUPATION, pb.CRITERION_TRAVEL_DISTANCE, pb.CRITERION_HOURS} <= set(
            first.matched_criteria
        )
        assert first.has_distance and first.distance_km == 0.0
        assert list(first.skills_in_common) == ["Python"] and list(first.skills_missing) == ["Kubernetes"]
        assert "Utrecht" in first.explanation_nl and "Kubernetes" in first.explanation_en
        assert "km" in response.items[2].explanation.explanation_nl

    def test_vacancies_that_arrive_after_the_last_visit_are_new(
        self, matching_stub, matching_app, token_for, clock: MovableClock
    ) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        first_visit = feed(matching_stub, token_for)
        assert not any(item.is_new for item in first_visit.items)  # nothing to compare with yet
        clock.advance(hours=2)
        matching_app.handlers.vacancy_opened_or_changed(make_vacancy("vac-later", "Utrecht", received_at=clock.now))
        clock.advance(hours=1)
        second = feed(matching_stub, token_for)
        assert [i.vacancy.vacancy_id for i in second.items if i.is_new] == ["vac-later"]
        assert second.new_count == 1 and second.HasField("previous_visit_at")

    def test_pages_follow_each_other_without_gaps(self, matching_stub, matching_app, token_for) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        page1 = feed(matching_stub, token_for, page_size=2)
        page2 = feed(matching_stub, token_for, page_size=2, page_token=page1.next_page_token)
        ids = [i.vacancy.vacancy_id for i in (*page1.items, *page2.items)]
        assert ids == ["vac-utrecht", "vac-zeist", "vac-amersfoort"] and page2.next_page_token == ""

    @pytest.mark.parametrize(("page_size", "page_token"), [(-1, ""), (10, "not-a-token")])
    def test_bad_page_size_or_token_is_refused(self, matching_stub, token_for, page_size, page_token) -> None:
        set_profile(matching_stub, token_for)
        with pytest.raises(grpc.RpcError) as caught:
            feed(matching_stub, token_for, page_size=page_size, page_token=page_token)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    def test_a_page_size_above_the_maximum_is_lowered_to_it_not_refused(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        assert len(feed(matching_stub, token_for, page_size=10_000).items) == 3

    def test_dismissed_vacancies_never_come_back_even_after_an_update(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        matching_stub.RecordFeedback(
            pb.RecordFeedbackRequest(client_id=CLIENT, vacancy_id="vac-utrecht", kind=pb.FEEDBACK_KIND_DISMISS),
            metadata=token_for("client", CLIENT),
        )
        matching_app.handlers.vacancy_opened_or_changed(make_vacancy("vac-utrecht", "Utrecht", title="Nieuwe titel"))
        ids = [i.vacancy.vacancy_id for i in feed(matching_stub, token_for).items]
        assert "vac-utrecht" not in ids and ids == ["vac-zeist", "vac-amersfoort"]

    def test_saved_vacancies_rise_and_are_marked(self, matching_stub, matching_app, token_for) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        before = {i.vacancy.vacancy_id: i.score for i in feed(matching_stub, token_for).items}
        matching_stub.RecordFeedback(
            pb.RecordFeedbackRequest(client_id=CLIENT, vacancy_id="vac-amersfoort", kind=pb.FEEDBACK_KIND_SAVE),
            metadata=token_for("client", CLIENT),
        )
        saved = next(i for i in feed(matching_stub, token_for).items if i.vacancy.vacancy_id == "vac-amersfoort")
        assert saved.saved and saved.score == pytest.approx(before["vac-amersfoort"] + 0.05)

    def test_closed_vacancies_leave_the_feed(self, matching_stub, matching_app, token_for) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        matching_app.handlers.vacancy_closed("vac-zeist")
        assert [i.vacancy.vacancy_id for i in feed(matching_stub, token_for).items] == ["vac-utrecht", "vac-amersfoort"]

    def test_an_application_logged_at_the_activities_service_marks_the_item_applied(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        matching_app.handlers.client_applied(CLIENT, "vac-zeist")
        item = next(i for i in feed(matching_stub, token_for).items if i.vacancy.vacancy_id == "vac-zeist")
        assert item.applied

    def test_feedback_on_an_unknown_vacancy_or_without_a_kind_is_refused(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        for request, code in [
            (
                pb.RecordFeedbackRequest(client_id=CLIENT, vacancy_id="vac-nope", kind=pb.FEEDBACK_KIND_SAVE),
                grpc.StatusCode.NOT_FOUND,
            ),
            (pb.RecordFeedbackRequest(client_id=CLIENT, vacancy_id="vac-zeist"), grpc.StatusCode.INVALID_ARGUMENT),
        ]:
            with pytest.raises(grpc.RpcError) as caught:
                matching_stub.RecordFeedback(request, metadata=token_for("client", CLIENT))
            assert caught.value.code() == code


class TestListMatchingProfiles:
    def test_a_caseworker_sees_only_matching_clients_in_their_caseload(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for, CLIENT)
        set_profile(matching_stub, token_for, OTHER)
        set_profile(matching_stub, token_for, "c-demo-003", home_place_name="Groningen")
        open_utrecht_vacancies(matching_app)
        request = pb.ListMatchingProfilesRequest(caseworker_id="cw-1", vacancy_id="vac-zeist")
        response = matching_stub.ListMatchingProfiles(
            request, metadata=token_for("caseworker", "cw-1", caseload=[OTHER, "c-demo-003"])
        )
        assert [m.client_id for m in response.matches] == [OTHER]
        service = matching_stub.ListMatchingProfiles(
            pb.ListMatchingProfilesRequest(caseworker_id="jobmatch-test", vacancy_id="vac-zeist"),
            metadata=token_for("service", "jobmatch-test"),
        )
        assert sorted(m.client_id for m in service.matches) == [CLIENT, OTHER]

    def test_clients_may_not_list_matching_profiles(self, matching_stub, matching_app, token_for) -> None:
        open_utrecht_vacancies(matching_app)
        with pytest.raises(grpc.RpcError) as caught:
            matching_stub.ListMatchingProfiles(
                pb.ListMatchingProfilesRequest(caseworker_id=CLIENT, vacancy_id="vac-zeist"),
                metadata=token_for("client", CLIENT),
            )
        assert caught.value.code() == grpc.StatusCode.PERMISSION_DENIED


class TestProcessingLog:
    def test_listing_matching_profiles_logs_one_reverse_matching_record_per_client_shown(
        self, matching_stub, matching_app, token_for
    ) -> None:
        set_profile(matching_stub, token_for, CLIENT)
        set_profile(matching_stub, token_for, OTHER)
        open_utrecht_vacancies(matching_app)
        matching_stub.ListMatchingProfiles(
            pb.ListMatchingProfilesRequest(caseworker_id="cw-1", vacancy_id="vac-zeist"),
            metadata=token_for("caseworker", "cw-1", caseload=[OTHER]),
        )

        def activities(client: str) -> list[str]:
            return [r.processing_activity_id for r in matching_app.processing_log.list_for_subject(client)]

        assert sum("reverse-vacancy-matching" in a for a in activities(OTHER)) == 1
        assert not any("reverse-vacancy-matching" in a for a in activities(CLIENT))

    def test_reading_the_feed_is_logged_for_that_client(self, matching_stub, matching_app, token_for) -> None:
        set_profile(matching_stub, token_for)
        feed(matching_stub, token_for)
        records = matching_app.processing_log.list_for_subject(CLIENT)
        assert any("tailored-vacancy-feed" in r.processing_activity_id for r in records)


class TestFeedCli:
    def test_jobmatch_feed_prints_the_feed_with_explanations_and_json(
        self, matching_stub, matching_app, matching_target, token_for, capsys, monkeypatch, tmp_path
    ) -> None:
        import argparse
        import json

        from services.matching.entrypoints import cli

        monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))  # the CLI mints with the same (default) secret
        set_profile(matching_stub, token_for)
        open_utrecht_vacancies(matching_app)
        parser = argparse.ArgumentParser()
        cli.register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["feed", "--client", CLIENT, "--target", matching_target])
        assert args.func(args) == 0
        text = capsys.readouterr().out
        assert (
            "3 vacatures" in text
            and "(EN" not in text
            and "(Zeist)" in text
            and "Dit is het beroep dat u zoekt." in text
        )
        args = parser.parse_args(["feed", "--client", CLIENT, "--target", matching_target, "--json"])
        assert args.func(args) == 0
        as_json = json.loads(capsys.readouterr().out)
        assert [i["vacancy"]["vacancy_id"] for i in as_json["items"]] == ["vac-utrecht", "vac-zeist", "vac-amersfoort"]

    def test_jobmatch_feed_for_a_client_without_profile_says_so_and_fails(
        self, matching_target, capsys, monkeypatch, tmp_path
    ) -> None:
        import argparse

        from services.matching.entrypoints import cli

        monkeypatch.setenv("JOBMATCH_DATA_DIR", str(tmp_path))
        parser = argparse.ArgumentParser()
        cli.register(parser.add_subparsers(dest="command"))
        args = parser.parse_args(["feed", "--client", "c-nobody", "--target", matching_target])
        assert args.func(args) == 1
        assert "NOT_FOUND" in capsys.readouterr().err
