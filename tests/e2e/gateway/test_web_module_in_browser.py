"""The client web module in headless Chromium: the four pages pass axe-core (no serious or
critical violations), look like pages (not blank), work without JavaScript, and "Ik heb
gesolliciteerd" done with the keyboard only ends up as a counted activity and on the bus."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.events.v1 import activity_events_pb2 as aev
from jobmatch.events.v1 import matching_events_pb2 as mev
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc
from services.common.bus.tail import read_topic_events
from services.common.bus.topics import ACTIVITIES, MATCHING
from tests.e2e.gateway.browser_support import axe_violations, browser_context, screenshot_colours, severe
from tests.e2e.gateway.gateway_stack import CLIENT, EMPLOYERS, GatewayStack, wait_for

PAGES = {
    "/vacatures": "Vacatures voor u",
    "/sollicitaties": "Mijn sollicitaties",
    "/hoe-sta-ik-ervoor": "Hoe sta ik ervoor?",
}


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    yield from browser_context()


@pytest.fixture(scope="module")
def signed_in(context: Any, gateway_stack: GatewayStack) -> Any:
    """A page signed in as the demo client through the development sign-in page."""
    page = context.new_page()
    page.goto(gateway_stack.base_url + "/")
    assert page.url.endswith("/inloggen")
    page.select_option("#veld-client", CLIENT)
    page.click("form button.primary")
    assert page.url.endswith("/vacatures")
    return page


def test_the_sign_in_page_passes_axe_and_offers_the_demo_clients(context: Any, gateway_stack: GatewayStack) -> None:
    page = context.new_page()
    page.goto(gateway_stack.base_url + "/inloggen")
    assert page.locator("#veld-client option").count() == 20
    assert severe(axe_violations(page)) == []
    page.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_has_no_serious_or_critical_axe_violation_and_is_not_blank(
    signed_in: Any, context: Any, gateway_stack: GatewayStack, path: str
) -> None:
    signed_in.goto(gateway_stack.base_url + path)
    assert signed_in.locator("h1").inner_text() == PAGES[path]
    found = axe_violations(signed_in)
    print(f"axe {path}: {len(found)} violations, {len(severe(found))} serious/critical: {[v['id'] for v in found]}")
    assert severe(found) == [], found
    colours, share = screenshot_colours(context, signed_in.screenshot(full_page=True))
    assert colours > 20 and share > 0.02, (colours, share)


def test_the_feed_explains_each_vacancy_in_plain_words(signed_in: Any, gateway_stack: GatewayStack) -> None:
    with gateway_stack.channel("matching") as channel:
        feed = matching_service_pb2_grpc.MatchingServiceStub(channel).GetFeed(
            mpb.GetFeedRequest(client_id=CLIENT, page_size=10), metadata=gateway_stack.metadata(), timeout=30
        )
    signed_in.goto(gateway_stack.base_url + "/vacatures")
    for item in feed.items:
        card = signed_in.locator(f"#vacature-{item.vacancy.vacancy_id}").inner_text()
        assert item.vacancy.title in card and item.explanation.explanation_nl in card
    assert signed_in.locator("script").count() == 0  # works without JavaScript: there is none


def test_i_applied_with_the_keyboard_only_logs_a_counted_activity_that_reaches_the_bus(
    signed_in: Any, gateway_stack: GatewayStack
) -> None:
    counted_before = gateway_stack.obligation_status().current.counted
    vacancy_id = gateway_stack.vacancy_ids[0]
    signed_in.goto(gateway_stack.base_url + "/vacatures")
    button = f"#vacature-{vacancy_id} button"
    assert signed_in.locator(button).count() == 1, "the vacancy offers 'Ik heb gesolliciteerd'"
    for _ in range(80):  # Tab through the page as a keyboard user does
        signed_in.keyboard.press("Tab")
        if signed_in.evaluate(f"document.activeElement === document.querySelector('{button}')"):
            break
    else:
        pytest.fail("the 'Ik heb gesolliciteerd' button cannot be reached with Tab")
    signed_in.keyboard.press("Enter")
    signed_in.wait_for_url(f"**/vacatures?gemeld={vacancy_id}*")
    assert "Goed gedaan" in signed_in.locator(f"#vacature-{vacancy_id} [role=status]").inner_text()

    logged = wait_for(lambda: [a for a in gateway_stack.activities() if a.vacancy_id == vacancy_id], 60)
    assert logged and len(logged) == 1 and logged[0].employer == EMPLOYERS[0]
    assert wait_for(lambda: gateway_stack.obligation_status().current.counted == counted_before + 1, 30)

    applied = [
        mev.ClientApplied.FromString(e.data)
        for key, e in read_topic_events(gateway_stack.broker, MATCHING)
        if key == CLIENT and e.type == "nl.werk.client-applied.v1"
    ]
    assert [a.vacancy_id for a in applied].count(vacancy_id) == 1
    on_bus = [
        aev.ActivityLogged.FromString(e.data)
        for key, e in read_topic_events(gateway_stack.broker, ACTIVITIES)
        if key == CLIENT and e.type == "nl.werk.sollicitatie-activity-logged.v1"
    ]
    assert logged[0].activity_id in {e.activity_id for e in on_bus}

    signed_in.goto(gateway_stack.base_url + "/sollicitaties")
    assert EMPLOYERS[0] in signed_in.locator("#lijst").inner_text()
    signed_in.goto(gateway_stack.base_url + "/vacatures")
    assert signed_in.locator(f"#vacature-{vacancy_id} button").count() == 0  # applied: no second button


def test_a_refused_form_comes_back_with_the_message_at_the_field_and_the_input_kept(
    signed_in: Any, gateway_stack: GatewayStack
) -> None:
    before = len(gateway_stack.activities())
    signed_in.goto(gateway_stack.base_url + "/sollicitaties")
    signed_in.fill("#veld-employer", "Bakkerij Brood & Co")
    signed_in.fill("#veld-position", "Bakker")
    signed_in.fill("#veld-date", "2099-01-01")
    signed_in.click("form.stacked button.primary")
    assert signed_in.locator("#fout-date").is_visible()
    assert signed_in.locator("#veld-date").get_attribute("aria-invalid") == "true"
    assert signed_in.input_value("#veld-employer") == "Bakkerij Brood & Co"
    assert signed_in.input_value("#veld-position") == "Bakker"
    assert signed_in.input_value("#veld-date") == "2099-01-01"
    assert severe(axe_violations(signed_in)) == []
    assert len(gateway_stack.activities()) == before  # nothing half-saved

    signed_in.fill("#veld-date", date.today().isoformat())
    signed_in.click("form.stacked button.primary")
    assert "toegevoegd" in signed_in.url
    assert "Bakkerij Brood & Co" in signed_in.locator("#lijst").inner_text()
    assert len(gateway_stack.activities()) == before + 1


def test_the_outcome_is_updated_from_the_list(signed_in: Any, gateway_stack: GatewayStack) -> None:
    with gateway_stack.channel("activities") as channel:
        activity = (
            activities_pb2_grpc.ActivityServiceStub(channel)
            .LogActivity(
                apb.LogActivityRequest(
                    client_id=CLIENT,
                    request_id=f"r-{uuid.uuid4().hex}",
                    type=apb.ACTIVITY_TYPE_OPEN_APPLICATION,
                    date=date.today().isoformat(),
                    employer="Schildersbedrijf Kwast",
                    position="Schilder",
                    channel=apb.CHANNEL_IN_PERSON,
                ),
                metadata=gateway_stack.metadata(),
                timeout=30,
            )
            .activity
        )
    signed_in.goto(gateway_stack.base_url + "/sollicitaties")
    signed_in.select_option(f"#uitkomst-{activity.activity_id}", label="Uitgenodigd voor een gesprek")
    signed_in.click(f"#activiteit-{activity.activity_id} button")
    assert "bijgewerkt" in signed_in.url
    again = next(a for a in gateway_stack.activities() if a.activity_id == activity.activity_id)
    assert again.outcome == apb.OUTCOME_INVITED
    assert signed_in.locator(f"#uitkomst-{activity.activity_id}").input_value() == str(apb.OUTCOME_INVITED)


def test_how_am_i_doing_says_it_in_one_sentence_with_what_is_needed_and_by_when(
    signed_in: Any, gateway_stack: GatewayStack
) -> None:
    period = gateway_stack.obligation_status().current
    signed_in.goto(gateway_stack.base_url + "/hoe-sta-ik-ervoor")
    sentence = signed_in.locator("#zin").inner_text()
    assert f"{period.counted} van de {period.required}" in sentence
    if period.still_needed:
        assert f"nog {period.still_needed}" in sentence


def test_the_english_switch_turns_the_pages_english_and_back(signed_in: Any, gateway_stack: GatewayStack) -> None:
    signed_in.goto(gateway_stack.base_url + "/hoe-sta-ik-ervoor")
    signed_in.click("a[hreflang=en]")
    assert signed_in.locator("html").get_attribute("lang") == "en"
    assert signed_in.locator("h1").inner_text() == "How am I doing?"
    assert " of the " in signed_in.locator("#zin").inner_text()
    assert severe(axe_violations(signed_in)) == []
    signed_in.click("a[hreflang=nl]")
    assert signed_in.locator("h1").inner_text() == "Hoe sta ik ervoor?"
