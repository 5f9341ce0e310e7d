"""The four pages of the client web module. Each form post is checked for the session's form
token, forwarded to one RPC, and answered with a redirect (post/redirect/get); a refused form
comes back with the service's message next to the field and the input kept."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse

from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from services.common.auth import verify_token
from services.common.errors import DomainError
from services.gateway.domain.calls import Caller, ServiceError, Services
from services.gateway.entrypoints import session
from services.gateway.entrypoints.web_app import redirect, render
from services.gateway.entrypoints.web_texts import CHANNELS, KINDS, OUTCOMES, long_date, pick, status_sentence, words

router = APIRouter(include_in_schema=False)
FORM_ERRORS = ("INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE", "ALREADY_EXISTS")
FORM_FIELDS = ("employer", "position", "date", "channel", "type")


class Me:
    """The signed-in client: their token (checked like the services check it) and language."""

    def __init__(self, request: Request) -> None:
        token = session.session_token(request)
        try:
            principal = verify_token(request.app.state.settings, token or "")
        except DomainError:
            raise ServiceError("UNAUTHENTICATED", "") from None
        self.client_id = principal.subject
        self.language = session.language(request)
        self.caller = Caller(token, self.language)
        self.services: Services = request.app.state.clients
        self.request = request

    def call(self, method: Any, message: Any) -> Any:
        return self.services.call(method, message, self.caller)

    def form_ok(self, sent: str) -> bool:
        return session.form_token_valid(self.request, sent)


Signed = Annotated[Me, Depends(Me)]
Csrf = Annotated[str, Form(max_length=64)]


@router.get("/vacatures", response_class=HTMLResponse)
def feed_page(me: Signed, pagina: str = "", gemeld: str = "") -> HTMLResponse:
    feed = me.call(
        me.services.matching.GetFeed, mpb.GetFeedRequest(client_id=me.client_id, page_size=10, page_token=pagina)
    )
    return render(me.request, "feed.html", feed=feed, applied=gemeld, long_date=long_date)


@router.post("/vacatures/{vacancy_id}/gesolliciteerd")
def i_applied(vacancy_id: str, me: Signed, csrf: Csrf = "") -> Any:
    if not me.form_ok(csrf):
        return render(
            me.request,
            "error.html",
            403,
            title=words(me.language)["error_title"],
            detail=words(me.language)["form_expired"],
        )
    # Matching turns APPLIED into ClientApplied; activities logs the sollicitatie activity from it.
    me.call(
        me.services.matching.RecordFeedback,
        mpb.RecordFeedbackRequest(client_id=me.client_id, vacancy_id=vacancy_id, kind=mpb.FEEDBACK_KIND_APPLIED),
    )
    return redirect(f"/vacatures?gemeld={vacancy_id}#vacature-{vacancy_id}")


def _applications_page(me: Me, status_code: int = 200, **context: Any) -> HTMLResponse:
    listed = me.call(
        me.services.activities.ListActivities, apb.ListActivitiesRequest(client_id=me.client_id, page_size=100)
    )
    context.setdefault(
        "form",
        {
            "request_id": str(uuid.uuid4()),
            "type": str(apb.ACTIVITY_TYPE_VACANCY_APPLICATION),
            "channel": str(apb.CHANNEL_ONLINE),
        },
    )
    context.setdefault("errors", {})
    return render(
        me.request,
        "applications.html",
        status_code,
        activities=listed.activities,
        outcomes=OUTCOMES,
        channels=CHANNELS,
        kinds=KINDS,
        pick=pick,
        long_date=long_date,
        **context,
    )


@router.get("/sollicitaties", response_class=HTMLResponse)
def applications_page(me: Signed, toegevoegd: str = "", bijgewerkt: str = "") -> HTMLResponse:
    return _applications_page(me, added=bool(toegevoegd), updated=bijgewerkt)


def _number(value: str) -> Any:  # an enum number as the form sent it; the service checks it
    return int(value) if value.isdigit() else 0


def _form_errors(error: ServiceError, known: tuple[str, ...], language: str) -> dict[str, str]:
    """The service's field violations by form field; the rest under "" (shown above the form)."""
    found: dict[str, str] = {}
    for field, description in error.violations:
        name = field.split(".")[-1]
        key = name if name in known else ""
        found[key] = f"{found[key]} {description}".strip() if key in found else description
    if not found:
        found[""] = error.localized.get("en-GB" if language == "en" else "nl-NL") or error.message
    return found


@router.post("/sollicitaties", response_class=HTMLResponse)
def add_application(
    me: Signed,
    csrf: Csrf = "",
    request_id: Annotated[str, Form(max_length=64)] = "",
    employer: Annotated[str, Form(max_length=1000)] = "",
    position: Annotated[str, Form(max_length=1000)] = "",
    date: Annotated[str, Form(max_length=100)] = "",
    channel: Annotated[str, Form(max_length=4)] = "",
    type: Annotated[str, Form(max_length=4)] = "",
) -> Any:
    form = {
        "request_id": request_id or str(uuid.uuid4()),
        "employer": employer,
        "position": position,
        "date": date,
        "channel": channel,
        "type": type,
    }
    if not me.form_ok(csrf):
        return _applications_page(me, 403, form=form, errors={"": words(me.language)["form_expired"]})
    try:
        me.call(
            me.services.activities.LogActivity,
            apb.LogActivityRequest(
                client_id=me.client_id,
                request_id=form["request_id"],
                type=_number(type),
                employer=employer.strip(),
                position=position.strip(),
                date=date.strip(),
                channel=_number(channel),
            ),
        )
    except ServiceError as error:
        if error.code not in FORM_ERRORS:
            raise
        return _applications_page(me, 400, form=form, errors=_form_errors(error, FORM_FIELDS, me.language))
    return redirect("/sollicitaties?toegevoegd=1#lijst")


@router.post("/sollicitaties/{activity_id}/uitkomst", response_class=HTMLResponse)
def update_outcome(
    activity_id: str, me: Signed, csrf: Csrf = "", outcome: Annotated[str, Form(max_length=4)] = ""
) -> Any:
    if not me.form_ok(csrf):
        return _applications_page(me, 403, errors={"": words(me.language)["form_expired"]})
    try:
        me.call(
            me.services.activities.UpdateActivityOutcome,
            apb.UpdateActivityOutcomeRequest(client_id=me.client_id, activity_id=activity_id, outcome=_number(outcome)),
        )
    except ServiceError as error:
        if error.code not in FORM_ERRORS:
            raise
        message = " ".join(d for _, d in error.violations) or error.message
        return _applications_page(me, 400, row_error=(activity_id, message, outcome))
    return redirect(f"/sollicitaties?bijgewerkt={activity_id}#activiteit-{activity_id}")


@router.get("/hoe-sta-ik-ervoor", response_class=HTMLResponse)
def status_page(me: Signed) -> HTMLResponse:
    try:
        status = me.call(
            me.services.activities.GetObligationStatus, apb.GetObligationStatusRequest(client_id=me.client_id)
        )
    except ServiceError as error:
        if error.code not in ("NOT_FOUND", "FAILED_PRECONDITION"):
            raise
        return render(me.request, "status.html", sentence=words(me.language)["no_policy"], period=None)
    period = status.current
    return render(
        me.request,
        "status.html",
        sentence=status_sentence(period, me.language),
        period=period,
        needed=list(period.needed) if me.language == "nl" else [],
        long_date=long_date,
    )
