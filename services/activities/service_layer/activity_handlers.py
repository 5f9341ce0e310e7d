"""Use cases around a single activity: log, update outcome, withdraw, list, verify."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from services.activities.domain import model
from services.activities.domain.model import Activity, ActivityType
from services.activities.domain.periods import assess, counted_ids, period_containing
from services.activities.domain.texts import ADVISER
from services.activities.service_layer import commands as c
from services.activities.service_layer import events
from services.activities.service_layer.paging import decode_token, encode_token, page_size
from services.activities.service_layer.ports import ActivityStore, ObligationStore, VacancyProjection
from services.common.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied, t
from services.common.page_tokens import PageTokens
from services.common.processing_log import record_processing_many

Clock = Callable[[], datetime]
Recorder = Callable[[str, list[str]], None]
CONTACT_PERSON = "sollicitatie-contact-person"


def _not_found() -> NotFound:
    return NotFound(t("Deze activiteit bestaat niet.", "This activity does not exist."))


@dataclass
class ActivityHandlers:
    activities: ActivityStore
    obligations: ObligationStore
    vacancies: VacancyProjection
    clock: Clock
    new_id: Callable[[], str] = field(default=lambda: f"act-{uuid.uuid4().hex[:16]}")
    # Processing-log records for third-party data (a contact person) the call stores or shows.
    record: Recorder = field(default=record_processing_many)
    # Signs the list page tokens; the app's, from the token secret (a random key when not given).
    tokens: PageTokens = field(default_factory=PageTokens.process_local)

    def log_activity(self, cmd: c.LogActivity) -> tuple[Activity, bool]:
        now = self.clock()
        draft = self._filled_from_vacancy(cmd.draft, now.date())
        versions = self.obligations.policy_versions([cmd.client_id])[cmd.client_id]
        first_start = min((v.start_date for v in versions), default=None)
        activity = model.new_activity(
            draft, activity_id=self.new_id(), client_id=cmd.client_id, now=now, first_policy_start=first_start
        )
        stored, created = self.activities.add_activity(activity, [events.activity_logged(activity)])
        if stored.contact_person:
            self.record(CONTACT_PERSON, [cmd.client_id])
        return stored, created

    def _filled_from_vacancy(self, draft: model.ActivityDraft, today: date) -> model.ActivityDraft:
        """One step from a feed item: only a vacancy id fills employer, position and channel."""
        if not draft.vacancy_id or (draft.employer and draft.position and draft.channel):
            return draft
        vacancy = self.vacancies.vacancy(draft.vacancy_id)
        if vacancy is None:
            if draft.employer:
                return draft
            raise InvalidArgument(
                [
                    FieldViolation(
                        "vacancy_id",
                        t(
                            "Deze vacature kennen we (nog) niet. Vul de werkgever en functie zelf in.",
                            "We do not know this vacancy (yet). Fill in the employer and position yourself.",
                        ),
                    )
                ]
            )
        return draft.model_copy(
            update={
                "type": draft.type or ActivityType.VACANCY_APPLICATION,
                "date": draft.date or today,
                "employer": draft.employer or vacancy.employer,
                "position": draft.position or vacancy.title,
                "channel": draft.channel or vacancy.channel,
            }
        )

    def _own(self, client_id: str, activity_id: str) -> Activity:
        if not activity_id:
            raise InvalidArgument(
                [
                    FieldViolation(
                        "activity_id", t("Geef aan om welke activiteit het gaat.", "Say which activity this is about.")
                    )
                ]
            )
        activity = self.activities.get_activity(client_id, activity_id)
        if activity is None or activity.withdrawn_at is not None:
            raise _not_found()
        return activity

    def update_outcome(self, cmd: c.UpdateActivityOutcome) -> Activity:
        activity = self._own(cmd.client_id, cmd.activity_id)
        updated = model.with_outcome(activity, cmd.outcome)
        if updated != activity:
            self.activities.save_activity(updated, [events.outcome_updated(updated, activity.outcome, self.clock())])
        return updated

    def withdraw(self, cmd: c.WithdrawActivity) -> Activity:
        now = self.clock()
        versions = self.obligations.policy_versions([cmd.client_id])[cmd.client_id]
        organisation = versions[-1].organisation if versions else None
        activity = model.withdrawn(self._own(cmd.client_id, cmd.activity_id), now, ADVISER[organisation])
        self.activities.save_activity(activity, [events.activity_withdrawn(activity, now)])
        return activity

    def verify(self, cmd: c.VerifyActivity) -> Activity:
        if cmd.client_id not in self.obligations.caseload(cmd.caseworker_id):
            raise PermissionDenied(t("Deze klant hoort niet bij uw caseload.", "This client is not in your caseload."))
        before = self._own(cmd.client_id, cmd.activity_id)
        activity = model.verified(
            before,
            approve=cmd.approve,
            reason=cmd.reason,
            caseworker_id=cmd.caseworker_id,
            rejection_reason=cmd.rejection_reason,
        )
        if activity == before:  # the same decision again (a retry): nothing changed, nothing to announce
            return activity
        now = self.clock()
        pending = [events.activity_verified(activity, now)]
        if activity.verification is not before.verification:
            pending += self._reassessment(activity, now)
        self.activities.save_activity(activity, pending)
        return activity

    def _reassessment(self, changed: Activity, now: datetime) -> list[events.PendingEvent]:
        """A decision changed after its period's deadline: a new assessment of that period."""
        versions = self.obligations.policy_versions([changed.client_id])[changed.client_id]
        period = period_containing(versions, changed.date)
        if period is None or not period.past_deadline(now.date()):
            return []
        facts = [
            replace(f, verification=changed.verification) if f.activity_id == changed.activity_id else f
            for f in self.activities.facts_for([changed.client_id], period.start)[changed.client_id]
        ]
        result = assess(period, facts, now.date())
        return [
            events.period_assessed(
                changed.client_id,
                result,
                now,
                event_type=events.OBLIGATION_PERIOD_REASSESSED,
                changed_activity_id=changed.activity_id,
            )
        ]

    def list_activities(self, q: c.ListActivities) -> tuple[list[Activity], str]:
        size = page_size(q.page_size)
        query = json.dumps([q.client_id, str(q.from_date or ""), str(q.to_date or "")])
        cursor = decode_token(self.tokens, q.page_token, 2, query)
        after = (model.parse_date(cursor[0], "page_token"), cursor[1]) if cursor else None
        if q.from_date and q.to_date and q.from_date > q.to_date:
            raise InvalidArgument(
                [
                    FieldViolation(
                        "to_date", t("De einddatum ligt vóór de begindatum.", "The end date is before the start date.")
                    )
                ]
            )
        found = self.activities.list_activities(
            q.client_id,
            from_date=q.from_date,
            to_date=q.to_date,
            limit=size + 1,
            after=after,  # type: ignore[arg-type]
        )
        page = found[:size]
        if any(a.contact_person for a in page):
            self.record(CONTACT_PERSON, [q.client_id])
        token = (
            encode_token(self.tokens, page[-1].date.isoformat(), page[-1].activity_id, query=query)
            if len(found) > size
            else ""
        )
        return page, token

    def hint(self, activity: Activity, counts: bool) -> str:
        """Why a logged activity does not count, in plain words; empty when it counts."""
        if counts or activity.verification is model.Verification.REJECTED:
            return ""
        versions = self.obligations.policy_versions([activity.client_id])[activity.client_id]
        period = period_containing(versions, activity.date)
        if period is None or activity.type in period.policy.rule.counting_types:
            return t(
                "Deze activiteit telt niet mee: een vergelijkbare activiteit telt al (zelfde dag en werkgever, "
                "of u stond al ingeschreven bij dit bureau), of ze is te laat vastgelegd.",
                "This activity does not count: a similar one already counts (same day and employer, or you "
                "were already registered with this agency), or it was logged too late.",
            )
        label = model.TYPE_LABELS[activity.type]
        return t(
            f"'{label[0]}' telt niet mee voor uw sollicitatieplicht. Alleen vacatures bekijken telt ook niet "
            "(UWV). Wat wel telt: solliciteren, een sollicitatiegesprek, netwerken, een workshop of training, "
            "uw cv op een vacaturesite, inschrijven bij een nieuw uitzendbureau en werkgevers bellen of bezoeken.",
            f"'{label[1]}' does not count towards your job-search obligation. Only looking at vacancies does "
            "not count either (UWV). What counts: applying, an interview, networking, a workshop or training, "
            "your CV on a job site, registering with a new agency, and calling or visiting employers.",
        )

    def counting_ids(self, client_id: str, activities: Iterable[Activity]) -> frozenset[str]:
        """Which of these activities count towards their period (for the `counts` flag)."""
        today = self.clock().date()
        versions = self.obligations.policy_versions([client_id])[client_id]
        periods = {p.start: p for a in activities if (p := period_containing(versions, a.date)) is not None}
        if not periods:
            return frozenset()
        facts = self.activities.facts_for([client_id], min(periods))[client_id]
        counted: set[str] = set()
        for period in periods.values():
            counted |= counted_ids(period, facts, today)
        return frozenset(counted)
