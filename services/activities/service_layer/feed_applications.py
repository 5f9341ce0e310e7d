""" "I applied" from the feed: one sollicitatie activity per client and vacancy, whichever way
the client said it (LogActivity with a vacancy id, or RecordFeedback APPLIED in matching,
which reaches us as a ClientApplied event)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from services.activities.domain import model
from services.activities.domain.model import Activity, ActivityType, Channel
from services.activities.service_layer import commands as c
from services.activities.service_layer.activity_handlers import ActivityHandlers
from services.common.errors import DomainError, t

log = logging.getLogger("jobmatch.activities.feed-applications")

# How far back an earlier application to the same vacancy is looked for.
LOOK_BACK = timedelta(days=365)
COUNTS_NOTICE = t(
    "Deze activiteit telt mee voor uw sollicitatieplicht.", "This activity counts towards your duty to apply for jobs."
)
COUNTS_FEED_NOTICE = t(
    "Deze sollicitatie telt mee voor uw sollicitatieplicht. In uw vacatures staat deze vacature "
    "nu als 'gesolliciteerd'.",
    "This application counts towards your duty to apply for jobs. Your vacancies now show this vacancy as 'applied'.",
)


def feed_request_id(vacancy_id: str) -> str:
    """The request id of the activity logged for "I applied" in the feed: the same for every
    delivery of the event, so a redelivery logs nothing twice."""
    return "feed-applied-" + hashlib.sha256(vacancy_id.encode()).hexdigest()[:24]


def notice(activity: Activity, counts: bool) -> str:
    """What the client is told when an activity counts."""
    if not counts:
        return ""
    return COUNTS_FEED_NOTICE if activity.vacancy_id else COUNTS_NOTICE


@dataclass
class FeedApplications:
    activities: ActivityHandlers

    def earlier_application(self, client_id: str, vacancy_id: str, day: date) -> Activity | None:
        """A not-withdrawn activity of this client about this vacancy, if one was logged."""
        facts = self.activities.activities.facts_for([client_id], day - LOOK_BACK).get(client_id, [])
        for fact in facts:
            if fact.vacancy_id == vacancy_id:
                return self.activities.activities.get_activity(client_id, fact.activity_id)
        return None

    def log_activity(self, cmd: c.LogActivity) -> tuple[Activity, bool]:
        """LogActivity: with a vacancy id already applied to, the activity logged then."""
        if cmd.draft.vacancy_id:
            day = cmd.draft.date or self.activities.clock().date()
            earlier = self.earlier_application(cmd.client_id, cmd.draft.vacancy_id, day)
            if earlier is not None and earlier.request_id != cmd.draft.request_id:
                return earlier, False
        return self.activities.log_activity(cmd)

    def client_applied(self, client_id: str, vacancy_id: str, day: date, employer: str, position: str) -> bool:
        """From the feed: log the application unless it is logged already; True when logged now."""
        earlier = self.earlier_application(client_id, vacancy_id, day)
        if earlier is not None and earlier.request_id != feed_request_id(vacancy_id):
            return False
        # Logged from an earlier delivery of this event: logging it again under the same request id
        # changes nothing and lets the store finish what a crash may have left of that delivery.
        known = self.activities.vacancies.vacancy(vacancy_id)
        draft = model.ActivityDraft(
            request_id=feed_request_id(vacancy_id),
            type=ActivityType.VACANCY_APPLICATION,
            date=day,
            vacancy_id=vacancy_id,
            employer=known.employer if known else employer,
            position=known.title if known else position,
            # Not known here yet: the client applied from the online feed.
            channel=known.channel if known else Channel.ONLINE,
        )
        try:
            _, created = self.activities.log_activity(c.LogActivity(client_id, draft))
        except DomainError as refused:
            # E.g. a date before the client's first obligation policy: nothing to log, nothing to retry.
            log.info(
                "feed application not logged: %s",
                getattr(refused, "message", refused),
                extra={"vacancy_id": vacancy_id},
            )
            return False
        return created
