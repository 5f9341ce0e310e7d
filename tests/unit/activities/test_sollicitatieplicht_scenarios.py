"""The sollicitatieplicht as UWV and municipalities apply it: one scenario per row, each with its source.

Sources (issue 15):
- UWV: https://uwv.nl/en/individuals/unemployment-benefit/jobsearch-requirement
- UWV: vakantie doorgeven met een WW-uitkering (20 days a year pro rata; weekends and public holidays are no holiday days)
- UWV: ziek met een WW-uitkering (keep applying the first 13 weeks unless declared unable)
- UWV jaarverslag 2018 (part-time work exemption at most 3 months)
- Rijksoverheid: ontheffing sollicitatieplicht (crisis at most 4 weeks)
- Juridisch Loket: WW-regels (at least 4 per 4 weeks; UWV may agree otherwise)
- CRvB via Judex: proof must be concrete and verifiable
- Participatiewet art. 9 and art. 41 lid 4 (zoektermijn, 18-27)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from services.activities.domain.exemptions import Exemption, ExemptionReason
from services.activities.domain.model import ActivityType as T
from services.activities.domain.model import Verification as V
from services.activities.domain.periods import ActivityFact, AtRiskReason, assess, periods_until
from services.activities.domain.policy import TEMPLATES, ObligationRule, PolicyVersion, check_new_version
from services.activities.domain.templates import TEMPLATE_INFO
from services.common.errors import InvalidArgument

START = date(2026, 1, 5)  # a Monday; first WW day
UWV = "https://uwv.nl/en/individuals/unemployment-benefit/jobsearch-requirement"
HOLIDAY = "UWV, vakantie doorgeven met een WW-uitkering"
ILLNESS = "UWV, ziek met een WW-uitkering"
CRVB = "CRvB via Judex: bewijs moet concreet en controleerbaar zijn"
JL = "Juridisch Loket, WW-regels"
ZOEK = "Participatiewet art. 41 lid 4"
ISSUE = "issue 15 review: greedy caps turned MET into MISSED"


def act(
    day: int,
    kind: T = T.VACANCY_APPLICATION,
    employer: str = "",
    v: V = V.UNVERIFIED,
    *,
    n: int = 0,
    vacancy: str = "",
    logged: int | None = None,
) -> ActivityFact:
    return ActivityFact(
        f"a-{day}-{kind.value}-{n}",
        kind,
        START + timedelta(days=day),
        START + timedelta(days=day if logged is None else logged),
        v,
        employer,
        vacancy,
    )


def ex(first: int, last: int, reason: ExemptionReason, declared: bool = False) -> Exemption:
    return Exemption(
        start_date=START + timedelta(days=first),
        end_date=START + timedelta(days=last),
        reason=reason,
        declared_unable=declared,
    )


@dataclass
class Scenario:
    name: str
    source: str
    facts: list[ActivityFact]
    today: int
    expect: dict
    template: str = "uwv-ww"
    rule: ObligationRule | None = None
    exemptions: tuple[Exemption, ...] = ()
    start: date = START
    period_index: int = 0
    changes: list[ActivityFact] = field(default_factory=list)


MIXED = ObligationRule(
    required_activities=3,
    period_weeks=2,
    min_per_week=1,
    caps={T.AGENCY_REGISTRATION: 1},
    counting_types=frozenset({T.VACANCY_APPLICATION, T.AGENCY_REGISTRATION}),
)
WEEKLY_MIN = TEMPLATES["uwv-ww"].model_copy(update={"min_per_week": 1})

SCENARIOS = [
    Scenario(
        "network contact, workshop, CV and an application make 4",
        UWV,
        [
            act(1, T.NETWORKING_CONTACT, "Buurman"),
            act(2, T.WORKSHOP, "UWV"),
            act(3, T.CV_POSTED, "Indeed"),
            act(4, T.VACANCY_APPLICATION, "Zorggroep"),
        ],
        10,
        {"counted": 4, "still_needed": 0, "status": "met"},
    ),
    Scenario(
        "staffing pool, employer call, interview and open application make 4",
        UWV,
        [
            act(1, T.STAFFING_POOL, "Flexpool Zorg"),
            act(2, T.EMPLOYER_CONTACT, "Bakkerij"),
            act(3, T.JOB_INTERVIEW, "Gemeente"),
            act(4, T.OPEN_APPLICATION, "Hotel"),
        ],
        10,
        {"counted": 4},
    ),
    Scenario(
        "looking at vacancies (other) and a job fair do not count",
        UWV,
        [act(1, T.OTHER, "werk.nl"), act(2, T.JOB_FAIR, "Beurs")],
        10,
        {"counted": 0, "still_needed": 4},
    ),
    Scenario(
        "the same agency twice in one period counts once",
        UWV,
        [
            act(1, T.AGENCY_REGISTRATION, "Randstad"),
            act(2, T.AGENCY_REGISTRATION, "Randstad B.V."),
            act(3),
            act(4, employer="X"),
        ],
        10,
        {"counted": 3, "still_needed": 1},
    ),
    Scenario(
        "an agency already registered in an earlier period does not count again",
        UWV,
        [act(1, T.AGENCY_REGISTRATION, "Randstad"), act(30, T.AGENCY_REGISTRATION, "Randstad")],
        40,
        {"counted": 0},
        period_index=1,
    ),
    Scenario(
        "two different agencies in one period both count (no cap per period)",
        UWV,
        [act(1, T.AGENCY_REGISTRATION, "Randstad"), act(2, T.STAFFING_POOL, "Tempo-Team")],
        10,
        {"counted": 2},
    ),
    Scenario(
        "the same vacancy on the same day counts once",
        CRVB,
        [act(3, vacancy="v-1", employer="A"), act(3, vacancy="v-1", employer="A B.V.", n=1)],
        10,
        {"counted": 1},
    ),
    Scenario(
        "a week of holiday (5 working days) lowers 4 to 3",
        HOLIDAY,
        [],
        10,
        {"required": 3},
        exemptions=(ex(7, 13, ExemptionReason.HOLIDAY),),
    ),
    Scenario(
        "a holiday over Easter: Easter Monday is no holiday day",
        HOLIDAY,
        [],
        90,
        {"required": 3},
        exemptions=(ex(92, 96, ExemptionReason.HOLIDAY),),
        start=date(2026, 1, 5),
        period_index=3,
    ),
    Scenario(
        "ill without a declaration: keep applying the first 13 weeks",
        ILLNESS,
        [],
        10,
        {"required": 4},
        exemptions=(ex(0, 27, ExemptionReason.ILLNESS),),
    ),
    Scenario(
        "ill and declared unable at the sick report: exempt",
        ILLNESS,
        [],
        40,
        {"status": "exempt"},
        exemptions=(ex(0, 27, ExemptionReason.ILLNESS, declared=True),),
    ),
    Scenario(
        "ill for more than 13 weeks: exempt after week 13",
        ILLNESS,
        [],
        150,
        {"status": "exempt"},
        exemptions=(ex(0, 200, ExemptionReason.ILLNESS),),
        period_index=4,
    ),
    Scenario(
        "mixed caps and weekly minimum: extra approved agency in week 1 keeps it met",
        ISSUE,
        [
            act(0, v=V.APPROVED, employer="A"),
            act(1, v=V.APPROVED, employer="B"),
            act(7, T.AGENCY_REGISTRATION, "R1"),
            act(8, T.AGENCY_REGISTRATION, "R2"),
            act(2, T.AGENCY_REGISTRATION, "R3", V.APPROVED),
        ],
        40,
        {"status": "met", "counted": 3},
        template="custom",
        rule=MIXED,
    ),
    Scenario(
        "a week without activity under a weekly minimum is at risk",
        JL,
        [act(0), act(1, employer="B"), act(14, employer="C")],
        15,
        {"status": "at_risk", "reasons": (AtRiskReason.WEEKLY_MINIMUM,)},
        template="custom",
        rule=WEEKLY_MIN,
    ),
    Scenario(
        "back from two weeks of holiday is not inactive",
        HOLIDAY,
        [act(0)],
        20,
        {"reasons": ()},
        exemptions=(ex(4, 17, ExemptionReason.HOLIDAY),),
    ),
    Scenario("closed short: a notice and time to respond before missed", JL, [act(1)], 40, {"status": "notice"}),
    Scenario("no response within the window: missed", JL, [act(1)], 60, {"status": "missed"}),
    Scenario(
        "zoektermijn: one period of 4 weeks before the benefit",
        ZOEK,
        [act(d, employer=str(d)) for d in range(4)],
        60,
        {"status": "met", "periods": 1},
        template="participatiewet-zoektermijn",
    ),
    Scenario(
        "changed decision after close: a rejection turns met into notice",
        CRVB,
        [act(d, employer=str(d), n=d) for d in range(4)],
        40,
        {"status": "notice", "counted": 3},
        changes=[act(0, employer="0", v=V.REJECTED)],
    ),
]


def _policy(s: Scenario) -> PolicyVersion:
    return PolicyVersion(
        client_id="c",
        version=1,
        template=s.template,
        rule=s.rule or TEMPLATES[s.template],
        start_date=s.start,
        exemptions=s.exemptions,
        set_by="cw",
        deviation_reason="test",
        set_at=datetime(2026, 1, 1, tzinfo=UTC),
    )


@pytest.mark.parametrize("s", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(s: Scenario) -> None:
    assert s.source
    today = START + timedelta(days=s.today)
    periods = periods_until([_policy(s)], today)
    changed = {f.activity_id: f for f in s.changes}
    facts = [changed.get(f.activity_id, f) for f in s.facts]
    result = assess(periods[s.period_index], facts, today, max((f.date for f in facts), default=None))
    got = {
        "counted": result.counted,
        "still_needed": result.still_needed,
        "status": result.status.value,
        "required": result.required,
        "reasons": result.at_risk_reasons,
        "periods": len(periods),
    }
    assert {k: got[k] for k in s.expect} == s.expect


class TestPoliciesTheSourcesRefuse:
    @pytest.mark.parametrize(
        ("exemption", "source"),
        [
            (ex(0, 100, ExemptionReason.PART_TIME_WORK), "UWV jaarverslag 2018: deeltijdwerk hoogstens 3 maanden"),
            (ex(0, 30, ExemptionReason.CRISIS), "Rijksoverheid: crisis hoogstens 4 weken"),
            (ex(0, 40, ExemptionReason.HOLIDAY), HOLIDAY + ": 20 dagen per jaar"),
        ],
    )
    def test_an_exemption_longer_than_its_source_allows_is_refused(self, exemption, source):
        candidate = _policy(Scenario("x", source, [], 0, {}, exemptions=(exemption,)))
        with pytest.raises(InvalidArgument):
            check_new_version([], candidate, current_period_start=None)

    def test_the_zoektermijn_is_for_ages_18_to_27(self):
        candidate = _policy(Scenario("x", ZOEK, [], 0, {}, template="participatiewet-zoektermijn"))
        check_new_version([], candidate, current_period_start=None, age_at_start=20)
        with pytest.raises(InvalidArgument):
            check_new_version([], candidate, current_period_start=None, age_at_start=30)

    def test_every_template_names_its_source_and_date(self):
        assert all(info.source and info.source_date and info.version for info in TEMPLATE_INFO.values())
