"""Use cases around a single activity: log, update outcome, withdraw, list, verify."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.activities.domain import model
from services.activities.domain.model import Activity, ActivityType
from services.activities.domain.periods import assess, period_containing
from services.activities.service_layer import commands as c
from services.activities.service_layer import events
from services.activities.service_layer.paging import decode_token, encode_token, page_size
from services.activities.service_layer.ports import ActivityStore, ObligationStore, VacancyProjection
from services.common.errors import FieldViolation, InvalidArgument, NotFound, PermissionDenied, t

Clock = Callable[[], datetime]


def _not_found() -> NotFound:
    return NotFound(t("Deze activiteit bestaat niet.", "This activity does not exist."))


@dataclass
class ActivityHandlers:
    activities: ActivityStore
    obligations: ObligationStore
    vacancies: VacancyProjection
    clock: Clock
    new_id: Callable[[], str] = field(default=lambda: f"act-{uuid.uuid4().hex[:16]}")

    def log_activity(self, cmd: c.LogActivity) -> tuple[Activity, bool]:
        now = self.clock()
        draft = self._filled_from_vacancy(cmd.draft, now.date())
        versions = self.obligations.policy_versions([cmd.client_id])[cmd.client_id]
        first_start = min((v.start_date for v in versions), default=None)
        activity = model.new_activity(draft, activity_id=self.new_id(), client_id=cmd.client_id, now=now,
                                      first_policy_start=first_start)
        return self.activities.add_activity(activity, [events.activity_logged(activity)])

    def _filled_from_vacancy(self, draft: model.ActivityDraft, today: date) -> model.ActivityDraft:
        """One step from a feed item: only a vacancy id fills employer, position and channel."""
        if not draft.vacancy_id or (draft.employer and draft.position and draft.channel):
            return draft
        vacancy = self.vacancies.vacancy(draft.vacancy_id)
        if vacancy is None:
            if draft.employer:
                return draft
            raise InvalidArgument([FieldViolation("vacancy_id", t(
                "Deze vacature kennen we (nog) niet. Vul de werkgever en functie zelf in.",
                "We do not know this vacancy (yet). Fill in the employer and position yourself."))])
        return draft.model_copy(update={
            "type": draft.type or ActivityType.VACANCY_APPLICATION,
            "date": draft.date or today,
            "employer": draft.employer or vacancy.employer,
            "position": draft.position or vacancy.title,
            "channel": draft.channel or vacancy.channel,
        })

    def _own(self, client_id: str, activity_id: str) -> Activity:
        if not activity_id:
            raise InvalidArgument([FieldViolation("activity_id", t(
                "Geef aan om welke activiteit het gaat.", "Say which activity this is about."))])
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
        activity = model.withdrawn(self._own(cmd.client_id, cmd.activity_id), now)
        self.activities.save_activity(activity, [events.activity_withdrawn(activity, now)])
        return activity

    def verify(self, cmd: c.VerifyActivity) -> Activity:
        if cmd.client_id not in self.obligations.caseload(cmd.caseworker_id):
            raise PermissionDenied(t(
                "Deze klant hoort niet bij uw caseload.", "This client is not in your caseload."))
        activity = model.verified(self._own(cmd.client_id, cmd.activity_id), approve=cmd.approve,
                                  reason=cmd.reason, caseworker_id=cmd.caseworker_id)
        self.activities.save_activity(activity, [events.activity_verified(activity, self.clock())])
        return activity

    def list_activities(self, q: c.ListActivities) -> tuple[list[Activity], str]:
        size = page_size(q.page_size)
        query = json.dumps([q.client_id, str(q.from_date or ""), str(q.to_date or "")])
        cursor = decode_token(q.page_token, 2, query)
        after = (model.parse_date(cursor[0], "page_token"), cursor[1]) if cursor else None
        if q.from_date and q.to_date and q.from_date > q.to_date:
            raise InvalidArgument([FieldViolation("to_date", t(
                "De einddatum ligt vóór de begindatum.", "The end date is before the start date."))])
        found = self.activities.list_activities(q.client_id, from_date=q.from_date, to_date=q.to_date,
                                                limit=size + 1, after=after)  # type: ignore[arg-type]
        page = found[:size]
        token = encode_token(page[-1].date.isoformat(), page[-1].activity_id, query=query) if len(found) > size else ""
        return page, token

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
            counted |= assess(period, facts, today).counted_ids
        return frozenset(counted)
