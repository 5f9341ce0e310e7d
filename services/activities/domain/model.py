"""Sollicitatie activities: what a client logs, and the rules every activity must meet.

Pure: no I/O. The caller passes `today` and `now`.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from services.common.errors import (
    FailedPrecondition,
    FieldViolation,
    InvalidArgument,
    t,
)
from services.common.text import has_control_characters

# A client may take back an activity logged by mistake for this long after logging it.
WITHDRAW_GRACE = timedelta(days=7)
# Records and evidence references are kept two years, then erased by the retention sweep.
RETENTION = timedelta(days=730)

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MAX_TEXT = {
    "employer": 200,
    "position": 200,
    "contact_role": 100,
    "type_description": 200,
    "note": 2000,
    "contact_person": 100,
}
# Control characters have no place in these texts (a note may hold line breaks and tabs).


class ActivityType(StrEnum):
    VACANCY_APPLICATION = "vacancy_application"
    OPEN_APPLICATION = "open_application"
    JOB_INTERVIEW = "job_interview"
    AGENCY_REGISTRATION = "agency_registration"
    NETWORKING_CONTACT = "networking_contact"
    JOB_FAIR = "job_fair"
    TRAINING = "training"
    OTHER = "other"
    # Since issue 15 (UWV, "jobsearch requirement"): workshops/webinars, a CV posted on a job
    # site, registering with a staffing pool, contacting an employer by phone or visit.
    WORKSHOP = "workshop"
    CV_POSTED = "cv_posted"
    STAFFING_POOL = "staffing_pool"
    EMPLOYER_CONTACT = "employer_contact"


# Types that need a title in type_description (UWV: "workshops and trainings, with their title").
NEEDS_TITLE = frozenset({ActivityType.WORKSHOP, ActivityType.TRAINING})
# Registering with an agency or pool counts once per agency (UWV: "a new employment agency").
AGENCY_TYPES = frozenset({ActivityType.AGENCY_REGISTRATION, ActivityType.STAFFING_POOL})


TYPE_LABELS: dict[ActivityType, tuple[str, str]] = {
    ActivityType.VACANCY_APPLICATION: ("Gesolliciteerd op vacature", "Applied to a vacancy"),
    ActivityType.OPEN_APPLICATION: ("Open sollicitatie", "Open application"),
    ActivityType.JOB_INTERVIEW: ("Sollicitatiegesprek of assessment", "Job interview or assessment"),
    ActivityType.AGENCY_REGISTRATION: ("Ingeschreven bij uitzendbureau", "Registered with an agency"),
    ActivityType.NETWORKING_CONTACT: ("Netwerkcontact", "Networking contact"),
    ActivityType.JOB_FAIR: ("Banenmarkt", "Job fair"),
    ActivityType.TRAINING: ("Training", "Training"),
    ActivityType.OTHER: ("Anders", "Other"),
    ActivityType.WORKSHOP: ("Workshop of webinar", "Workshop or webinar"),
    ActivityType.CV_POSTED: ("Cv op vacaturesite gezet", "CV posted on a job site"),
    ActivityType.STAFFING_POOL: ("Ingeschreven bij flexpool", "Registered with a staffing pool"),
    ActivityType.EMPLOYER_CONTACT: ("Werkgever gebeld of bezocht", "Called or visited an employer"),
}


class Channel(StrEnum):
    ONLINE = "online"
    LETTER = "letter"
    PHONE = "phone"
    IN_PERSON = "in_person"


class Outcome(StrEnum):
    SENT = "sent"
    INVITED = "invited"
    REJECTED = "rejected"
    HIRED = "hired"
    NO_ANSWER = "no_answer"


# Outcomes only move forward; a late reply may follow "no answer".
ALLOWED_OUTCOMES: dict[Outcome, frozenset[Outcome]] = {
    Outcome.SENT: frozenset({Outcome.INVITED, Outcome.REJECTED, Outcome.HIRED, Outcome.NO_ANSWER}),
    Outcome.NO_ANSWER: frozenset({Outcome.INVITED, Outcome.REJECTED, Outcome.HIRED}),
    Outcome.INVITED: frozenset({Outcome.REJECTED, Outcome.HIRED}),
    Outcome.REJECTED: frozenset(),
    Outcome.HIRED: frozenset(),
}


class Verification(StrEnum):
    UNVERIFIED = "unverified"
    APPROVED = "approved"
    REJECTED = "rejected"


class RejectionReason(StrEnum):
    """Fixed reasons to reject an activity (CRvB: proof must be concrete and verifiable)."""

    NOT_VERIFIABLE = "not_verifiable"
    NOT_JOB_SEARCH = "not_job_search"
    DUPLICATE = "duplicate"
    AGENCY_ALREADY_REGISTERED = "agency_already_registered"
    OBSTACLES_RAISED = "obstacles_raised"
    OUTSIDE_PERIOD = "outside_period"
    OTHER = "other"


REJECTION_TEXTS: dict[RejectionReason, str] = {
    RejectionReason.NOT_VERIFIABLE: t(
        "We konden deze activiteit niet controleren.", "We could not check this activity."
    ),
    RejectionReason.NOT_JOB_SEARCH: t(
        "Dit is geen activiteit om werk te vinden.", "This is not a job-search activity."
    ),
    RejectionReason.DUPLICATE: t("Deze activiteit staat er al.", "This activity was already logged."),
    RejectionReason.AGENCY_ALREADY_REGISTERED: t(
        "U stond al ingeschreven bij dit bureau.", "You were already registered with this agency."
    ),
    RejectionReason.OBSTACLES_RAISED: t(
        "U maakte het de werkgever moeilijk om u aan te nemen.", "You made it hard for the employer to hire you."
    ),
    RejectionReason.OUTSIDE_PERIOD: t("De datum valt buiten de periode.", "The date is outside the period."),
    RejectionReason.OTHER: "",
}


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True)
    document_name: str = ""
    sha256_digest: str = ""
    url: str = ""


class ActivityDraft(BaseModel):
    """What the client sends; checked by `new_activity`."""

    model_config = ConfigDict(frozen=True)
    request_id: str
    type: ActivityType | None
    type_description: str = ""
    date: date | None
    employer: str = ""
    position: str = ""
    channel: Channel | None = None
    vacancy_id: str = ""
    contact_role: str = ""
    outcome: Outcome = Outcome.SENT
    evidence: Evidence | None = None
    note: str = ""
    # Whom the client spoke to (name or phone), so the activity can be checked. Third-party
    # personal data: never on the bus, processing-logged, erased with the activity.
    contact_person: str = ""


class Activity(BaseModel):
    model_config = ConfigDict(frozen=True)
    activity_id: str
    client_id: str
    request_id: str
    type: ActivityType
    type_description: str = ""
    date: date
    employer: str
    position: str = ""
    channel: Channel
    vacancy_id: str = ""
    contact_role: str = ""
    outcome: Outcome = Outcome.SENT
    evidence: Evidence | None = None
    note: str = ""
    verification: Verification = Verification.UNVERIFIED
    verification_reason: str = ""
    verified_by: str = ""
    logged_at: datetime
    withdrawn_at: datetime | None = None
    contact_person: str = ""
    rejection_reason: RejectionReason | None = None


def evidence_violations(evidence: Evidence | None) -> list[FieldViolation]:
    if evidence is None or evidence == Evidence():
        return []
    found = []
    if evidence.url and not evidence.url.startswith(("https://", "http://")):
        found.append(FieldViolation("evidence.url", t("Een link begint met https://.", "A link starts with https://.")))
    if evidence.document_name or evidence.sha256_digest:
        if not evidence.document_name.strip():
            found.append(
                FieldViolation(
                    "evidence.document_name", t("Geef de naam van het document.", "Give the document's name.")
                )
            )
        if not _SHA256.match(evidence.sha256_digest):
            found.append(
                FieldViolation(
                    "evidence.sha256_digest",
                    t(
                        "Het bewijsstuk is niet goed meegestuurd. Stuur het document opnieuw.",
                        "The document was not sent properly. Send it again.",
                    ),
                )
            )
    return found


def new_activity(
    draft: ActivityDraft,
    *,
    activity_id: str,
    client_id: str,
    now: datetime,
    first_policy_start: date | None,
) -> Activity:
    """Check a draft against every rule at once; raise InvalidArgument listing all problems."""
    today = now.date()
    found: list[FieldViolation] = []
    if not draft.request_id.strip() or len(draft.request_id) > 100:
        found.append(
            FieldViolation(
                "request_id",
                t(
                    "Er ging iets mis bij het versturen. Probeer het opnieuw.",
                    "Something went wrong while sending. Try again.",
                ),
            )
        )
    if draft.type is None:
        found.append(FieldViolation("type", t("Kies wat voor activiteit het was.", "Choose the kind of activity.")))
    elif draft.type is ActivityType.OTHER and not draft.type_description.strip():
        found.append(
            FieldViolation(
                "type_description", t("Beschrijf wat u deed bij 'anders'.", "Describe what you did for 'other'.")
            )
        )
    elif draft.type in NEEDS_TITLE and not draft.type_description.strip():
        found.append(
            FieldViolation(
                "type_description",
                t("Vul de titel van de workshop of training in.", "Fill in the title of the workshop or training."),
            )
        )
    if draft.date is None:
        found.append(FieldViolation("date", t("Vul de datum in (JJJJ-MM-DD).", "Fill in the date (YYYY-MM-DD).")))
    elif draft.date > today:
        found.append(
            FieldViolation(
                "date",
                t(
                    "De datum ligt in de toekomst. Leg een activiteit vast nadat u die deed.",
                    "The date is in the future. Log an activity after you did it.",
                ),
            )
        )
    elif first_policy_start is not None and draft.date < first_policy_start:
        found.append(
            FieldViolation(
                "date",
                t(
                    f"De datum ligt vóór het begin van uw sollicitatieplicht ({first_policy_start.isoformat()}).",
                    f"The date is before your job-search obligation started ({first_policy_start.isoformat()}).",
                ),
            )
        )
    if not draft.employer.strip():
        found.append(
            FieldViolation(
                "employer", t("Vul de werkgever of organisatie in.", "Fill in the employer or organisation.")
            )
        )
    if not draft.position.strip() and not draft.contact_role.strip():
        found.append(
            FieldViolation(
                "position",
                t(
                    "Vul de functie of de rol van uw contactpersoon in.",
                    "Fill in the position or the role of your contact person.",
                ),
            )
        )
    if draft.channel is None:
        found.append(
            FieldViolation(
                "channel",
                t(
                    "Kies hoe u contact had: online, brief, telefoon of persoonlijk.",
                    "Choose how you made contact: online, letter, phone or in person.",
                ),
            )
        )
    for field, limit in _MAX_TEXT.items():
        if len(getattr(draft, field)) > limit:
            found.append(FieldViolation(field, t(f"Maximaal {limit} tekens.", f"At most {limit} characters.")))
        elif has_control_characters(getattr(draft, field), multiline=field == "note"):
            found.append(FieldViolation(field, t("Gebruik geen stuurtekens.", "Do not use control characters.")))
    found += evidence_violations(draft.evidence)
    if found:
        raise InvalidArgument(found)
    if first_policy_start is None:
        raise FailedPrecondition(
            t(
                "Er is nog geen sollicitatieplicht voor u vastgesteld. Neem contact op met uw adviseur werk of klantmanager.",
                "No job-search obligation has been set for you yet. Contact your caseworker.",
            )
        )
    assert draft.type is not None and draft.date is not None and draft.channel is not None
    return Activity(
        activity_id=activity_id,
        client_id=client_id,
        request_id=draft.request_id,
        type=draft.type,
        type_description=draft.type_description.strip(),
        date=draft.date,
        employer=draft.employer.strip(),
        position=draft.position.strip(),
        channel=draft.channel,
        vacancy_id=draft.vacancy_id,
        contact_role=draft.contact_role.strip(),
        outcome=draft.outcome,
        evidence=None if draft.evidence == Evidence() else draft.evidence,
        note=draft.note,
        logged_at=now,
        contact_person=draft.contact_person.strip(),
    )


def with_outcome(activity: Activity, outcome: Outcome | None) -> Activity:
    if outcome is None:
        raise InvalidArgument([FieldViolation("outcome", t("Kies een uitkomst.", "Choose an outcome."))])
    if outcome == activity.outcome:
        return activity
    if outcome not in ALLOWED_OUTCOMES[activity.outcome]:
        raise InvalidArgument(
            [
                FieldViolation(
                    "outcome",
                    t(
                        f"De uitkomst kan niet van '{activity.outcome.value}' naar '{outcome.value}'.",
                        f"The outcome cannot go from '{activity.outcome.value}' to '{outcome.value}'.",
                    ),
                )
            ]
        )
    return activity.model_copy(update={"outcome": outcome})


def withdrawn(activity: Activity, now: datetime, adviser: tuple[str, str] = ("klantmanager", "caseworker")) -> Activity:
    if activity.verification is not Verification.UNVERIFIED:
        raise FailedPrecondition(
            t(
                f"Uw {adviser[0]} heeft deze activiteit al beoordeeld; intrekken kan niet meer.",
                f"Your {adviser[1]} already reviewed this activity; it can no longer be withdrawn.",
            )
        )
    if now - activity.logged_at > WITHDRAW_GRACE:
        raise FailedPrecondition(
            t(
                f"Intrekken kan tot {WITHDRAW_GRACE.days} dagen na het vastleggen.",
                f"You can withdraw up to {WITHDRAW_GRACE.days} days after logging.",
            )
        )
    return activity.model_copy(update={"withdrawn_at": now})


def verified(
    activity: Activity,
    *,
    approve: bool | None,
    reason: str,
    caseworker_id: str,
    rejection_reason: RejectionReason | None = None,
) -> Activity:
    """Approve, or reject with one of the fixed reasons ('other' needs a text the client reads)."""
    found = []
    if not approve and rejection_reason is None and reason.strip():
        rejection_reason = RejectionReason.OTHER  # a text without a fixed reason (older clients)
    if approve is None:
        found.append(FieldViolation("decision", t("Kies goedkeuren of afkeuren.", "Choose approve or reject.")))
    elif not approve and rejection_reason is None:
        found.append(
            FieldViolation(
                "rejection_reason",
                t("Kies waarom u afkeurt; de klant ziet dit.", "Choose why you reject; the client sees this."),
            )
        )
    elif not approve and rejection_reason is RejectionReason.OTHER and not reason.strip():
        found.append(
            FieldViolation(
                "reason",
                t("Schrijf waarom u afkeurt; de klant ziet dit.", "Write why you reject; the client sees this."),
            )
        )
    if len(reason) > 1000:
        found.append(FieldViolation("reason", t("Maximaal 1000 tekens.", "At most 1000 characters.")))
    if found:
        raise InvalidArgument(found)
    if approve:
        rejection_reason = None
    text = reason.strip() or (REJECTION_TEXTS[rejection_reason] if rejection_reason else "")
    return activity.model_copy(
        update={
            "verification": Verification.APPROVED if approve else Verification.REJECTED,
            "verification_reason": text,
            "verified_by": caseworker_id,
            "rejection_reason": rejection_reason,
        }
    )


def parse_date(value: str, field: str, *, required: bool = True) -> date | None:
    """Parse 'YYYY-MM-DD' from a request; raise a clear error for anything else."""
    if not value:
        if required:
            raise InvalidArgument(
                [FieldViolation(field, t("Vul een datum in (JJJJ-MM-DD).", "Fill in a date (YYYY-MM-DD)."))]
            )
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else _bad_date(field)
    except ValueError:
        return _bad_date(field)


def _bad_date(field: str) -> date:
    raise InvalidArgument(
        [
            FieldViolation(
                field,
                t(
                    "Deze datum klopt niet. Schrijf hem als JJJJ-MM-DD.",
                    "This date is not valid. Write it as YYYY-MM-DD.",
                ),
            )
        ]
    )
