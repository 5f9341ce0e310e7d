"""No change without its event, no event without its change, on the activities search store
(issue #14 point 4): for every operation that announces events, the process dies before each of
its writes in turn (and once after the last); a fresh process on the same indices gets the
client's retry or the redelivered event, then the outbox sweeper runs. Every run must end with
the documents and the announced events of a run without a crash: each change announced exactly
once, in a gap-free sequence, nothing left pending."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from crash_gaps import Activities, CrashingEngine, SimulatedCrash, announced, still_pending, stored
from search_legs import osmem_leg

from jobmatch.events.v1 import caseload_events_pb2
from services.activities.adapters.elasticsearch_mappings import INDEX_SPECS, OUTBOX
from services.activities.domain.model import Activity, ActivityDraft, ActivityType, Channel, Outcome
from services.activities.entrypoints.caseload_events import CaseloadEventHandler
from services.activities.service_layer import commands as c
from services.activities.service_layer import events as e
from services.common.bus.cloudevents import CloudEvent
from services.common.errors import NotFound
from services.common.privacy import EVENT_TYPE_ERASED

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday
TODAY = NOW.date()
CLIENT, CW = "c-1", "cw-1"


def clock() -> datetime:
    return NOW


def policy(days_ago: int, caseworker: str = "") -> Callable[[Activities], None]:
    def set_policy(service: Activities) -> None:
        service.obligations.set_policy(
            c.SetObligationPolicy(caseworker, CLIENT, "uwv-ww", start_date=TODAY - timedelta(days=days_ago))
        )

    return set_policy


def draft(request_id: str = "r-1", days_ago: int = 1) -> ActivityDraft:
    return ActivityDraft(
        request_id=request_id,
        type=ActivityType.OPEN_APPLICATION,
        date=TODAY - timedelta(days=days_ago),
        employer="Installatiebedrijf Noord",
        position="Monteur",
        channel=Channel.PHONE,
    )


def logged(service: Activities) -> None:
    policy(30, CW)(service)
    service.activities.log_activity(c.LogActivity(CLIENT, draft()))


def old_and_young_activities(service: Activities) -> None:
    for n, days_ago in ((1, 731), (2, 10)):
        day = TODAY - timedelta(days=days_ago)
        service.store.add_activity(
            Activity(
                activity_id=f"a-{n}",
                client_id=CLIENT,
                request_id=f"r-{n}",
                type=ActivityType.OPEN_APPLICATION,
                date=day,
                employer="Werkgever",
                position="Monteur",
                channel=Channel.LETTER,
                logged_at=datetime.combine(day, datetime.min.time(), UTC),
            ),
            [],
        )


def caseload_event(kind: str) -> Callable[[Activities], None]:
    message = (
        caseload_events_pb2.CaseloadAssigned if kind == e.CASELOAD_ASSIGNED else caseload_events_pb2.CaseloadUnassigned
    )(caseworker_id=CW, client_id=CLIENT)
    event = CloudEvent(
        id=f"platform-{kind}",
        source="urn:nld:oin:00000000000000000000:systeem:caseload-platform",
        type=kind,
        subject=f"caseload/{CW}/{CLIENT}",
        time=NOW,
        sequence=1,
        data=message.SerializeToString(),
    )
    return lambda service: CaseloadEventHandler(service.caseloads)(event)


def withdraw(service: Activities) -> None:
    try:
        service.activities.withdraw(c.WithdrawActivity(CLIENT, "act-p0-1"))
    except NotFound:
        pass  # a retry after the withdrawal was stored: "this activity does not exist" (any more)


@dataclass(frozen=True)
class Operation:
    name: str
    prepare: Callable[[Activities], None]
    act: Callable[[Activities], Any]  # the first attempt, and the retry or redelivery after a crash
    announces: list[str]  # the event types a run without a crash announces for `act`
    retry_settles: bool  # the retry itself settles what the first attempt left (not only the sweeper)


OPERATIONS = [
    Operation(
        "LogActivity retried with the same request id",
        policy(30),
        lambda s: s.feed.log_activity(c.LogActivity(CLIENT, draft())),
        [e.ACTIVITY_LOGGED],
        True,
    ),
    Operation(
        "ClientApplied redelivered",
        policy(30),
        lambda s: s.feed.client_applied(CLIENT, "vac-1", TODAY, "Hotel B.V.", "Kok"),
        [e.ACTIVITY_LOGGED],
        True,
    ),
    Operation(
        "UpdateActivityOutcome retried",
        logged,
        lambda s: s.activities.update_outcome(c.UpdateActivityOutcome(CLIENT, "act-p0-1", Outcome.INVITED)),
        [e.ACTIVITY_OUTCOME_UPDATED],
        False,
    ),
    Operation("WithdrawActivity retried", logged, withdraw, [e.ACTIVITY_WITHDRAWN], False),
    Operation(
        "VerifyActivity after the deadline retried (verified and reassessed in one commit document)",
        lambda s: (policy(60, CW)(s), s.activities.log_activity(c.LogActivity(CLIENT, draft(days_ago=59)))),
        lambda s: s.activities.verify(c.VerifyActivity(CW, CLIENT, "act-p0-1", approve=True)),
        [e.ACTIVITY_VERIFIED, e.OBLIGATION_PERIOD_REASSESSED],
        False,
    ),
    Operation(
        "CaseloadAssigned redelivered", policy(30), caseload_event(e.CASELOAD_ASSIGNED), [e.CASELOAD_ASSIGNED], True
    ),
    Operation(
        "CaseloadUnassigned redelivered",
        policy(30, CW),
        caseload_event(e.CASELOAD_UNASSIGNED),
        [e.CASELOAD_UNASSIGNED],
        True,
    ),
    Operation(
        "CaseloadAssigned again after an unassignment, redelivered",
        lambda s: (policy(30, CW)(s), caseload_event(e.CASELOAD_UNASSIGNED)(s)),
        caseload_event(e.CASELOAD_ASSIGNED),
        [e.CASELOAD_ASSIGNED],
        True,
    ),
    Operation("the period sweep run again", policy(16), lambda s: s.obligations.sweep(), [e.OBLIGATION_AT_RISK], False),
    Operation(
        "EraseClientData retried the same day",
        old_and_young_activities,
        lambda s: s.eraser.erase_client_data(CLIENT, "AVG art. 17"),
        [EVENT_TYPE_ERASED],
        True,
    ),
]


@dataclass
class Run:
    writes: int  # by the first attempt, up to the crash
    crashed: bool
    documents: dict[str, Any]
    events: list[dict[str, Any]]  # every event in the outbox index, those of `prepare` first
    prepared: int  # how many of them `prepare` announced
    pending_before_sweep: list[str]  # commit documents still holding events after the (re)try


def run(operation: Operation, crash_at: int | None) -> Run:
    """`crash_at` None: one attempt, nothing else. Otherwise the process dies before its
    `crash_at`-th write (if it gets that far), and a fresh one retries and sweeps."""
    with osmem_leg([*INDEX_SPECS, OUTBOX]) as (engine, prefix):
        operation.prepare(Activities(engine, prefix, clock, process=0))
        before = len(announced(engine, prefix))
        crashing = CrashingEngine(engine, crash_at)
        try:
            operation.act(Activities(crashing, prefix, clock, process=1))
            crashed = False
        except SimulatedCrash:
            crashed = True
        if crash_at is not None:
            restarted = Activities(engine, prefix, clock, process=2)
            operation.act(restarted)
        pending = still_pending(engine, prefix)
        if crash_at is not None:
            restarted.sweep_outbox()
        return Run(crashing.writes, crashed, stored(engine, prefix), announced(engine, prefix), before, pending)


# A new activity's id is the (random) one of the attempt that stored its claim: the process number
# in it is the one difference a crash before the claim may make.
_PROCESS = re.compile(rb"act-p[0-9]-")


def comparable(events: list[dict[str, Any]]) -> list[tuple[bytes, ...]]:
    return [
        tuple(
            _PROCESS.sub(b"act-p?-", part)
            for part in (
                event["type"].encode(),
                event["key"].encode(),
                event["subject"].encode(),
                base64.b64decode(event["data"]),
            )
        )
        for event in events
    ]


def same_ids(documents: dict[str, Any]) -> bytes:
    return _PROCESS.sub(b"act-p?-", json.dumps(documents, sort_keys=True).encode())


def about_stored_activities(run: Run) -> bool:
    """Every activity event names an activity that is stored (with the id its claim gave it)."""
    named = {
        event["subject"].removeprefix("activity/") for event in run.events if event["subject"].startswith("activity/")
    }
    return named <= set(run.documents["activities"])


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.name for op in OPERATIONS])
def test_a_crash_before_any_write_then_retry_and_sweep_leaves_what_a_run_without_a_crash_leaves(
    operation: Operation,
) -> None:
    baseline = run(operation, None)
    assert [event["type"] for event in baseline.events[baseline.prepared :]] == operation.announces
    assert baseline.writes >= 2, "an operation that announces writes its commit document and settles it"
    assert baseline.pending_before_sweep == []  # a process that lives settles its own events
    assert about_stored_activities(baseline)
    for crash_at in range(1, baseline.writes + 2):  # the last: no crash, a duplicate retry or redelivery
        after = run(operation, crash_at)
        where = f"crash before write {crash_at} of {baseline.writes}"
        assert after.crashed == (crash_at <= baseline.writes), where
        assert same_ids(after.documents) == same_ids(baseline.documents), where
        assert comparable(after.events) == comparable(baseline.events), where
        assert about_stored_activities(after), where
        assert [event["sequence"] for event in after.events] == list(range(1, len(after.events) + 1)), where
        if operation.retry_settles:
            assert after.pending_before_sweep == [], f"{where}: the retry left events for the sweeper"
