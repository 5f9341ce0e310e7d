"""Use cases around the obligation: set a policy, status per client, caseload, period sweep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from services.activities.domain.model import RETENTION
from services.activities.domain.periods import (
    STATUS_ORDER,
    PeriodAssessment,
    PeriodStatus,
    assess,
    assess_history,
    period_containing,
    periods_until,
)
from services.activities.domain.policy import PolicyVersion, build_rule, check_new_version, organisation_of
from services.activities.domain.templates import TEMPLATE_INFO
from services.activities.service_layer import commands as c
from services.activities.service_layer import events
from services.activities.service_layer.assessment_memo import AssessmentMemo
from services.activities.service_layer.paging import decode_token, encode_token, page_size
from services.activities.service_layer.ports import ActivityStore, ObligationStore
from services.common.errors import FieldViolation, InvalidArgument, NotFound, t
from services.common.page_tokens import PageTokens

Clock = Callable[[], datetime]
Recorder = Callable[[str, list[str]], None]
AT_RISK, ASSESSED, NOTICE = "at_risk", "assessed", "notice"
LEGAL_HOLD_KINDS = ("objection", "appeal", "recovery")


@dataclass(frozen=True)
class CaseloadRow:
    client_id: str
    current: PeriodAssessment | None
    last_activity: date | None


def _at_risk_first(row: CaseloadRow) -> tuple[int, date, str]:
    return (STATUS_ORDER[row.current.status] if row.current else 9, row.last_activity or date.min, row.client_id)


@dataclass(frozen=True)
class SweepReport:
    at_risk_signals: int
    assessed_signals: int
    erased_activities: int


def _no_policy() -> NotFound:
    return NotFound(
        t(
            "Voor deze klant is nog geen sollicitatieplicht vastgesteld.",
            "No job-search obligation has been set for this client yet.",
        )
    )


@dataclass
class ObligationHandlers:
    activities: ActivityStore
    obligations: ObligationStore
    clock: Clock
    # Writes a processing-log record per client a caseload call shows (record_processing).
    record: Recorder = lambda activity, subjects: None
    # Signs the caseload page tokens; the app's, from the token secret (a random key when not given).
    tokens: PageTokens = field(default_factory=PageTokens.process_local)
    # Rows of unchanged clients kept between caseload calls (see assessment_memo).
    memo: AssessmentMemo = field(default_factory=AssessmentMemo)

    def set_policy(self, cmd: c.SetObligationPolicy) -> PolicyVersion:
        now = self.clock()
        if not cmd.client_id:
            raise InvalidArgument([FieldViolation("client_id", t("Kies een klant.", "Choose a client."))])
        versions = self.obligations.policy_versions([cmd.client_id])[cmd.client_id]
        template, rule = build_rule(cmd.template, cmd.rule_override)
        current = period_containing(versions, now.date())
        start = cmd.start_date or now.date()
        # The grid stays on the first WW day (or decision date) of the first version.
        anchor = min((v.anchor for v in versions), default=None) or cmd.anchor_date or start
        if cmd.anchor_date and not versions and cmd.anchor_date > start:
            raise InvalidArgument(
                [
                    FieldViolation(
                        "anchor_date",
                        t(
                            "De eerste WW-dag of besluitdatum ligt na de begindatum. Kies een eerdere datum.",
                            "The first WW day or decision date is after the start date. Choose an earlier date.",
                        ),
                    )
                ]
            )
        info = TEMPLATE_INFO.get(cmd.template)
        policy = PolicyVersion(
            client_id=cmd.client_id,
            version=max((v.version for v in versions), default=0) + 1,
            template=template,
            rule=rule,
            start_date=start,
            exemptions=cmd.exemptions,
            deviation_reason=cmd.deviation_reason.strip(),
            set_by=cmd.caseworker_id,
            set_at=now,
            organisation=organisation_of(cmd.template, cmd.organisation),
            anchor_date=anchor,
            decision_reference=cmd.decision_reference.strip(),
            template_version=info.version if info else 0,
        )
        age = _age(cmd.birth_date, start) if cmd.birth_date else None
        check_new_version(
            versions,
            policy,
            current_period_start=current.start if current else None,
            base_template=cmd.template,
            age_at_start=age,
        )
        self.obligations.add_policy_version(policy, None)
        if cmd.caseworker_id:  # the caseworker setting it has the client; published for matching
            self.obligations.assign(
                cmd.caseworker_id, cmd.client_id, [events.caseload_assigned(cmd.caseworker_id, cmd.client_id, now)]
            )
        return policy

    def status(self, q: c.GetObligationStatus) -> tuple[list[PeriodAssessment], PolicyVersion]:
        """Every period up to today (oldest first) and the policy in force."""
        today = self.clock().date()
        versions = self.obligations.policy_versions([q.client_id])[q.client_id]
        if not versions:
            raise _no_policy()
        first = min(v.start_date for v in versions)
        facts = self.activities.facts_for([q.client_id], first)[q.client_id]
        history = assess_history(versions, facts, today)
        if not history:  # the first policy starts in the future
            future = periods_until(versions, max(v.start_date for v in versions))[0]
            history = [assess(future, [], future.start)]
        return history, history[-1].period.policy

    def caseload_rows(self, caseworker_id: str, today: date, also: frozenset[str] = frozenset()) -> list[CaseloadRow]:
        """Every client of the caseworker (stored, plus `also`) with the current period, at-risk first."""
        rows = self.current_rows(sorted(set(self.obligations.caseload(caseworker_id)) | also), today)
        return self.memo.in_order(rows, _at_risk_first)

    def current_rows(self, clients: list[str], today: date) -> list[CaseloadRow]:
        """Each client's current period as assessed today (None where no period runs)."""
        # The revisions first: they must not be newer than the facts the rows are computed from.
        revisions = self.activities.revisions(clients)
        return self.memo.rows(clients, today, revisions, lambda stale: self._assess_rows(stale, today))

    def _assess_rows(self, clients: list[str], today: date) -> list[CaseloadRow]:
        versions = self.obligations.policy_versions(clients)
        periods = {cid: period_containing(versions[cid], today) for cid in clients}
        starts = [p.start for p in periods.values() if p is not None]
        facts = self.activities.assessment_facts(clients, min(starts)) if starts else {}
        last = self.activities.last_activity_dates(clients)
        return [
            CaseloadRow(
                cid,
                assess(periods[cid], facts.get(cid, []), today, last.get(cid))  # type: ignore[arg-type]
                if periods[cid]
                else None,
                last.get(cid),
            )
            for cid in clients
        ]

    def status_census(self) -> dict[str, int]:
        """How many clients with a policy are in each status today ("none": no period runs)."""
        today = self.clock().date()
        clients = self.obligations.clients_with_policy()
        counts = dict.fromkeys([*(s.value for s in PeriodStatus), "none"], 0)
        for start in range(0, len(clients), 200):
            for row in self.current_rows(clients[start : start + 200], today):
                counts[row.current.status.value if row.current else "none"] += 1
        return counts

    def caseload(self, q: c.GetCaseload) -> tuple[list[CaseloadRow], str]:
        size = page_size(q.page_size)
        token = decode_token(self.tokens, q.page_token, 1, query=q.caseworker_id)
        offset = int(token[0]) if token and token[0].isdigit() else 0
        rows = self.caseload_rows(q.caseworker_id, self.clock().date(), q.also)
        page = rows[offset : offset + size]
        if q.record:
            self.record("caseload-overview", [row.client_id for row in page])
        return page, encode_token(self.tokens, str(offset + size), query=q.caseworker_id) if offset + size < len(
            rows
        ) else ""

    def sweep(self) -> SweepReport:
        """At-risk signal once per period, period-assessed once when a period closes; retention."""
        now = self.clock()
        today = now.date()
        at_risk = assessed = 0
        clients = self.obligations.clients_with_policy()
        for start in range(0, len(clients), 200):
            chunk = clients[start : start + 200]
            versions = self.obligations.policy_versions(chunk)
            sent = self.obligations.recorded_signals(chunk)
            lasts = self.activities.last_activity_dates(chunk)
            for cid in chunk:
                periods = [
                    p
                    for p in periods_until(versions[cid], today)
                    if (p.start, ASSESSED) not in sent[cid]
                    and (p.past_deadline(today) or (p.start, AT_RISK) not in sent[cid])
                ]
                if not periods:
                    continue
                facts = self.activities.facts_for([cid], periods[0].start)[cid]
                for period in periods:
                    result = assess(period, facts, today, lasts.get(cid))
                    if result.status is PeriodStatus.NOTICE:  # hoor en wederhoor before missed
                        if (period.start, NOTICE) not in sent[cid]:
                            self.obligations.record_signal(
                                cid,
                                period.start,
                                NOTICE,
                                [events.period_assessed(cid, result, now, event_type=events.OBLIGATION_NOTICE)],
                            )
                    elif period.past_deadline(today):
                        assessed += self.obligations.record_signal(
                            cid, period.start, ASSESSED, [events.period_assessed(cid, result, now)]
                        )
                    elif result.status is PeriodStatus.AT_RISK:
                        at_risk += self.obligations.record_signal(
                            cid, period.start, AT_RISK, [events.obligation_at_risk(cid, result, now)]
                        )
        erased = self.activities.erase_before(today - RETENTION)
        return SweepReport(at_risk, assessed, erased)

    def set_legal_hold(self, cmd: c.SetLegalHold) -> list[str]:
        """Objection, appeal or recovery: while any is set, retention deletes none of the client's activities."""
        if cmd.kind not in LEGAL_HOLD_KINDS:
            raise InvalidArgument(
                [
                    FieldViolation(
                        "kind", t("Kies bezwaar, beroep of terugvordering.", "Choose objection, appeal or recovery.")
                    )
                ]
            )
        if not cmd.client_id:
            raise InvalidArgument([FieldViolation("client_id", t("Kies een klant.", "Choose a client."))])
        return self.activities.set_legal_hold(cmd.client_id, cmd.kind, cmd.active, self.clock().isoformat())


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
