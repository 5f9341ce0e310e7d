"""Texts for people come in Dutch and in English kept apart, and are shown one language at a time."""

from __future__ import annotations

import pickle
import socket

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from services.common import errors as e
from services.common.cli_errors import failure_lines, unreachable_text
from services.common.i18n import Text, language_from_header, language_from_metadata, localize, plural
from services.common.rpc_errors import internal_status, to_status


def _localized(status: grpc.Status) -> dict[str, str]:
    parsed = status_pb2.Status.FromString(dict(status.trailing_metadata)["grpc-status-details-bin"])
    found = {}
    for detail in parsed.details:
        message = error_details_pb2.LocalizedMessage()
        if detail.Unpack(message):
            found[message.locale] = message.message
    return found


class TestText:
    def test_a_text_reads_as_its_dutch_and_keeps_the_english_apart(self) -> None:
        text = e.t("Vul de datum in.", "Fill in the date.")
        assert text == "Vul de datum in." and str(text) == "Vul de datum in." and f"{text}" == "Vul de datum in."
        assert text.en == "Fill in the date." and "(EN" not in text

    def test_localize_picks_one_language_and_leaves_plain_strings_alone(self) -> None:
        text = Text("Ja.", "Yes.")
        assert (localize(text, "nl"), localize(text, "en"), localize("gewoon", "en")) == ("Ja.", "Yes.", "gewoon")

    def test_joined_and_prefixed_texts_keep_both_languages(self) -> None:
        joined = Text.joined("; ", [Text("a", "A").prefixed("x: "), Text("b", "B")])
        assert (joined.nl, joined.en) == ("x: a; b", "x: A; B")

    def test_a_text_survives_pickling(self) -> None:
        copy = pickle.loads(pickle.dumps(Text("Ja.", "Yes.")))
        assert (copy.nl, copy.en) == ("Ja.", "Yes.")

    @pytest.mark.parametrize(("count", "expected"), [(0, "0 activiteiten"), (1, "1 activiteit"), (2, "2 activiteiten")])
    def test_a_count_has_the_right_singular_or_plural(self, count: int, expected: str) -> None:
        assert plural(count, "activiteit", "activiteiten") == expected


class TestTheCallersLanguage:
    @pytest.mark.parametrize(
        ("header", "language"),
        [
            (None, "nl"),
            ("", "nl"),
            ("en", "en"),
            ("en-GB,en;q=0.9", "en"),
            ("nl-NL,nl;q=0.9,en;q=0.8", "nl"),
            ("fr-FR,en;q=0.5,nl;q=0.9", "nl"),
            ("fr-FR", "nl"),
            ("de-DE,en-US;q=0.7", "en"),
            ("en;q=0", "nl"),
        ],
    )
    def test_the_accept_language_header_chooses_dutch_or_english_and_dutch_is_the_default(
        self, header: str | None, language: str
    ) -> None:
        assert language_from_header(header) == language

    def test_the_header_is_found_in_grpc_metadata_whatever_its_case(self) -> None:
        assert language_from_metadata((("authorization", "x"), ("Accept-Language", "en-GB"))) == "en"
        assert language_from_metadata(()) == "nl"


class TestStatus:
    def test_each_language_is_its_own_localized_message_and_the_status_message_is_dutch_by_default(self) -> None:
        error = e.InvalidArgument([e.FieldViolation("date", e.t("Vul de datum in.", "Fill in the date."))])
        status = to_status(error)
        assert _localized(status) == {"nl-NL": error.message.nl, "en-GB": error.message.en}
        assert status.details == f"{error.message.nl} date: Vul de datum in."

    def test_the_status_message_and_field_descriptions_follow_the_asked_language(self) -> None:
        error = e.InvalidArgument([e.FieldViolation("date", e.t("Vul de datum in.", "Fill in the date."))])
        status = to_status(error, "en")
        assert status.details == f"{error.message.en} date: Fill in the date." and "Vul" not in status.details
        parsed = status_pb2.Status.FromString(dict(status.trailing_metadata)["grpc-status-details-bin"])
        bad_request = error_details_pb2.BadRequest()
        assert any(d.Unpack(bad_request) for d in parsed.details)
        assert bad_request.field_violations[0].description == "Fill in the date."

    def test_an_internal_error_is_also_in_one_language_with_both_localized_messages(self) -> None:
        status = internal_status("en")
        assert status.details.startswith("Something went wrong") and set(_localized(status)) == {"nl-NL", "en-GB"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TestConnectionErrors:
    def test_an_unreachable_service_names_the_address_the_settings_and_make_run(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.delenv("JOBMATCH_LANGUAGE", raising=False)
        address = f"127.0.0.1:{_free_port()}"
        with grpc.insecure_channel(address) as channel:
            call = channel.unary_unary("/grpc.health.v1.Health/Check")
            with pytest.raises(grpc.RpcError) as refused:
                call(b"", timeout=5)
        (line,) = failure_lines(refused.value, "vacancies", address, {"matching": _free_port()})
        assert address in line and "JOBMATCH_VACANCIES_PORT" in line and "JOBMATCH_BIND_HOST" in line
        assert "make run" in line and "Er draait geen enkele dienst" in line
        assert "failed to connect" not in line

    def test_when_other_services_answer_it_says_the_stack_runs_but_this_service_does_not(self) -> None:
        text = unreachable_text("matching", "localhost:50052", {"vacancies": True, "activities": False})
        assert "De andere diensten draaien wel (vacancies)" in text and "make run" not in text
        assert "The other services are running (vacancies)" in text.en and "JOBMATCH_MATCHING_PORT" in text.en
