"""The web module's plain words: the obligation status in one sentence (done, still needed, by
when) in Dutch and English, and a language switch that only sends people back to this site."""

from __future__ import annotations

from jobmatch.activities.v1 import activities_pb2 as apb
from services.gateway.entrypoints.session import local_path
from services.gateway.entrypoints.web_texts import WORDS, status_sentence


def period(**fields: object) -> apb.ObligationPeriod:
    return apb.ObligationPeriod(
        start_date="2026-03-02", end_date="2026-03-29", deadline_date="2026-04-05", required=4, **fields
    )  # type: ignore[arg-type]


def test_an_open_period_says_how_many_are_done_how_many_are_needed_and_by_when() -> None:
    open_period = period(status=apb.PERIOD_STATUS_OPEN, counted=1, still_needed=3)
    assert status_sentence(open_period, "nl") == (
        "U heeft 1 van de 4 activiteiten gedaan die meetellen. Doe er nog 3 vóór of op 29 maart 2026 "
        "en geef ze uiterlijk 5 april 2026 door."
    )
    assert status_sentence(open_period, "en") == (
        "You have done 1 of the 4 activities that count. Do 3 more by 29 March 2026 "
        "and tell us by 5 April 2026 at the latest."
    )


def test_a_met_exempt_or_notice_period_says_so_without_asking_for_more() -> None:
    assert "genoeg" in status_sentence(period(status=apb.PERIOD_STATUS_MET, counted=4), "nl")
    assert "niet te solliciteren" in status_sentence(period(status=apb.PERIOD_STATUS_EXEMPT), "nl")
    notice = status_sentence(
        period(status=apb.PERIOD_STATUS_NOTICE, counted=2, still_needed=2, respond_by_date="2026-04-12"), "nl"
    )
    assert "12 april 2026" in notice and "Doe er nog" not in notice


def test_every_word_of_the_module_exists_in_both_languages() -> None:
    assert all(nl.strip() and en.strip() for nl, en in WORDS.values())


def test_the_language_switch_only_returns_to_a_page_of_this_site() -> None:
    assert local_path("/sollicitaties?toegevoegd=1") == "/sollicitaties?toegevoegd=1"
    for elsewhere in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "vacatures", ""):
        assert local_path(elsewhere) == "/vacatures", elsewhere
