"""At-risk and period-assessed events reach the real broker exactly once per period."""

from __future__ import annotations

import uuid
from datetime import timedelta

from jobmatch.activities.v1 import activities_pb2 as pb
from jobmatch.events.v1 import activity_events_pb2 as ev
from services.activities.domain.model import ActivityDraft, ActivityType, Channel
from services.activities.service_layer import commands as c
from services.activities.service_layer.events import (
    ACTIVITY_LOGGED,
    OBLIGATION_AT_RISK,
    OBLIGATION_PERIOD_ASSESSED,
)
from services.common.bus.topics import ACTIVITIES


def by_type(events, kind):
    return [e for e in events if e.type == kind]


class TestObligationSignals:
    def test_at_risk_and_assessed_appear_once_per_period_however_often_the_sweep_runs(
        self, online_app, clock, broker, read_events
    ):
        client = f"c-{uuid.uuid4().hex[:8]}"
        start = clock.today - timedelta(days=14)
        online_app.obligations.set_policy(c.SetObligationPolicy("cw-1", client, "uwv-ww", start_date=start))
        online_app.activities.log_activity(
            c.LogActivity(
                client,
                ActivityDraft(
                    request_id="r-1",
                    type=ActivityType.OPEN_APPLICATION,
                    date=clock.today - timedelta(days=13),
                    employer="Installatiebedrijf Noord",
                    position="Monteur",
                    channel=Channel.PHONE,
                ),
            )
        )
        # Day 14 of period 1: one activity, 13 days quiet; not at risk yet.
        assert online_app.sweep().at_risk_signals == 0
        clock.advance(days=2)  # 15 days quiet: at risk
        first = online_app.sweep()
        again = online_app.sweep()
        clock.advance(days=1)
        still = online_app.sweep()
        assert (first.at_risk_signals, again.at_risk_signals, still.at_risk_signals) == (1, 0, 0)
        clock.advance(days=18)  # period 1 ended 7+ days ago: its grace is over, a notice goes out
        assert online_app.sweep().assessed_signals == 0  # hoor en wederhoor: the client may respond first
        clock.advance(days=14)  # the response window is over: missed
        closing = online_app.sweep()
        assert (closing.assessed_signals, online_app.sweep().assessed_signals) == (1, 0)
        assert online_app.relay().flush(30)

        events = read_events(broker, ACTIVITIES, client)
        at_risk = by_type(events, OBLIGATION_AT_RISK)
        assessed = by_type(events, OBLIGATION_PERIOD_ASSESSED)
        # Period 1 at risk once; period 2 (quiet since day 1) at risk once as well.
        assert sorted(ev.ObligationAtRisk.FromString(e.data).period_start for e in at_risk) == [
            start.isoformat(),
            (start + timedelta(days=28)).isoformat(),
        ]
        assert len(assessed) == 1
        [notice] = by_type(events, "nl.werk.obligation-notice.v1")
        notice_body = ev.ObligationPeriodAssessed.FromString(notice.data)
        assert (notice_body.outcome, notice_body.respond_by) == (
            pb.PERIOD_STATUS_NOTICE,
            (start + timedelta(days=27 + 7 + 14)).isoformat(),
        )
        outcome = ev.ObligationPeriodAssessed.FromString(assessed[0].data)
        assert (outcome.period_start, outcome.outcome, outcome.counted, outcome.required) == (
            start.isoformat(),
            pb.PERIOD_STATUS_MISSED,
            1,
            4,
        )
        assert len(by_type(events, ACTIVITY_LOGGED)) == 1
        assert all(e.source.endswith(":systeem:jobmatch-activities") for e in events)

    def test_events_carry_no_employer_position_or_note(self, online_app, clock, broker, read_events):
        client = f"c-{uuid.uuid4().hex[:8]}"
        online_app.obligations.set_policy(
            c.SetObligationPolicy("cw-1", client, "weekly", start_date=clock.today - timedelta(days=3))
        )
        online_app.activities.log_activity(
            c.LogActivity(
                client,
                ActivityDraft(
                    request_id="r-1",
                    type=ActivityType.VACANCY_APPLICATION,
                    date=clock.today,
                    employer="Geheim B.V.",
                    position="Geheime functie",
                    channel=Channel.ONLINE,
                    note="persoonlijke notitie",
                ),
            )
        )
        assert online_app.relay().flush(30)
        [logged] = by_type(read_events(broker, ACTIVITIES, client), ACTIVITY_LOGGED)  # and the caseload event
        assert b"Geheim" not in logged.data and b"persoonlijke" not in logged.data
        assert ev.ActivityLogged.FromString(logged.data).client_id == client
