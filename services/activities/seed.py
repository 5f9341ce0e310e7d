"""Sample data for the demo stack: caseworker `cw-demo` with clients c-demo-001 … c-demo-020.

Each client applies for jobs of their own ESCO occupation (Dutch label) at the employers of
their sample vacancies ("Horecabedrijf in Zaanstad"), from the demo story
(`services.common.demo_story`). Dates are relative to the seed day.
Idempotent: does nothing when cw-demo already has a caseload.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from services.activities.domain.model import (
    Activity,
    ActivityType,
    Channel,
    Evidence,
    Outcome,
    Verification,
)
from services.activities.domain.policy import TEMPLATES, Exemption, ExemptionReason, PolicyVersion
from services.common import demo_story

if TYPE_CHECKING:
    from services.activities.bootstrap import App

CASEWORKER = "cw-demo"
CLIENTS = demo_story.CLIENT_IDS
WEEKLY_CLIENTS = {"c-demo-005", "c-demo-010", "c-demo-015", "c-demo-020"}
# Clients who slowed down lately, so the caseload shows some at risk.
LAGGING_CLIENTS = {"c-demo-003", "c-demo-008", "c-demo-013", "c-demo-017"}
ILL_CLIENT = "c-demo-011"
# Weekly clients who apply first thing on Monday, so the caseload shows some whose week is met.
MONDAY_CLIENTS = {"c-demo-010", "c-demo-020"}
REJECT_REASONS = (
    "De werkgever kent deze sollicitatie niet. Stuur een kopie van uw brief mee.",
    "De datum en de functie passen niet bij de vacature. Controleer de gegevens.",
)
WEEKS_OF_HISTORY = 16


def _monday_before(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _activity(
    rng: random.Random, story: demo_story.DemoClient, n: int, day: date, now: datetime, kind: ActivityType | None = None
) -> Activity:
    client = story.client_id
    kind = (
        kind
        if kind is not None
        else rng.choices(
            [
                ActivityType.VACANCY_APPLICATION,
                ActivityType.OPEN_APPLICATION,
                ActivityType.JOB_INTERVIEW,
                ActivityType.AGENCY_REGISTRATION,
                ActivityType.NETWORKING_CONTACT,
                ActivityType.JOB_FAIR,
            ],
            weights=[50, 15, 12, 6, 10, 7],
        )[0]
    )
    where = rng.choice(demo_story.job_places(story)).name
    employer = (
        demo_story.agency_name(where)
        if kind is ActivityType.AGENCY_REGISTRATION
        else demo_story.employer_name(story.occupation.isco_code, where)
    )
    channel = {
        ActivityType.JOB_INTERVIEW: Channel.IN_PERSON,
        ActivityType.JOB_FAIR: Channel.IN_PERSON,
        ActivityType.NETWORKING_CONTACT: Channel.PHONE,
    }.get(kind, rng.choice([Channel.ONLINE, Channel.ONLINE, Channel.LETTER, Channel.PHONE]))
    age = (now.date() - day).days
    outcome = (
        Outcome.SENT
        if age < 10
        else rng.choice([Outcome.NO_ANSWER, Outcome.REJECTED, Outcome.REJECTED, Outcome.INVITED, Outcome.SENT])
    )
    evidence = (
        Evidence(document_name=f"sollicitatiebrief-{n:03d}.pdf", sha256_digest=rng.randbytes(32).hex())
        if rng.random() < 0.4
        else None
    )
    verification, reason = Verification.UNVERIFIED, ""
    if age > 21:
        roll = rng.random()
        verification = Verification.REJECTED if roll < 0.05 else Verification.APPROVED if roll < 0.85 else verification
        reason = rng.choice(REJECT_REASONS) if verification is Verification.REJECTED else ""
    return Activity(
        activity_id=f"act-seed-{client}-{n:03d}",
        client_id=client,
        request_id=f"seed-{n:03d}",
        type=kind,
        date=day,
        employer=employer,
        position=story.occupation.label_nl,
        contact_role=rng.choice(["recruiter", "teamleider", "HR-adviseur"])
        if kind is not ActivityType.OPEN_APPLICATION
        else "",
        channel=channel,
        outcome=outcome,
        evidence=evidence,
        verification=verification,
        verification_reason=reason,
        verified_by=CASEWORKER if verification is not Verification.UNVERIFIED else "",
        logged_at=min(now, datetime.combine(day + timedelta(days=rng.choice([0, 0, 1])), time(19, 30), now.tzinfo)),
    )


def seed_sample_data(app: App) -> None:
    store = app.store
    if store.caseload(CASEWORKER):
        return
    now = app.clock()
    today = now.date()
    start = _monday_before(today) - timedelta(weeks=WEEKS_OF_HISTORY)
    for index, story in enumerate(demo_story.demo_clients(), start=1):
        client = story.client_id
        rng = random.Random(f"jobmatch-seed-{client}")
        template = "weekly" if client in WEEKLY_CLIENTS else "uwv-ww"
        exemptions: tuple[Exemption, ...] = ()
        if client == ILL_CLIENT:
            exemptions = (
                Exemption(
                    start_date=start + timedelta(weeks=4),
                    end_date=start + timedelta(weeks=8, days=-1),
                    reason=ExemptionReason.ILLNESS,
                ),
            )
        store.add_policy_version(
            PolicyVersion(
                client_id=client,
                version=1,
                template=template,
                rule=TEMPLATES[template],
                start_date=start,
                exemptions=exemptions,
                set_by=CASEWORKER,
                set_at=now,
            ),
            CASEWORKER,
        )
        per_week = 1.6 if template == "uwv-ww" else 1.3
        n, day = 0, start
        while day <= today:
            quiet = client in LAGGING_CLIENTS and (today - day).days < 18
            quiet = quiet or any(e.covers(day) for e in exemptions)
            monday = client in MONDAY_CLIENTS and day == _monday_before(today)
            if monday or (not quiet and rng.random() < per_week / 7 * (1.3 if index % 4 == 0 else 1.0)):
                n += 1
                kind = ActivityType.VACANCY_APPLICATION if monday else None
                store.add_activity(_activity(rng, story, n, day, now, kind), [])
            day += timedelta(days=1)
