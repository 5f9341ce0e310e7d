"""Named obligation templates, each versioned with its public source and the date it was read.

Rules change; a template keeps its version, source and date so a decision can be traced to
the text it was based on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.activities.domain.model import ActivityType as T
from services.activities.domain.rule import ObligationRule
from services.activities.domain.texts import Organisation


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    rule: ObligationRule
    organisation: Organisation
    source: str
    source_date: date
    # Ages the template is meant for (inclusive), when the source limits them.
    ages: tuple[int, int] | None = None


# UWV, "Job-search requirement" (https://uwv.nl/en/individuals/unemployment-benefit/jobsearch-requirement):
# as a rule 4 activities per 4-week period. Counts: applying to a vacancy or openly, job
# interviews and assessments, contacting people in your network, workshops/webinars and
# trainings (with their title), posting your CV on a job site, registering with a new agency
# or staffing pool, contacting employers by phone or visit. Looking at vacancies does not
# count. No source gives a cap per type. Juridisch Loket (WW rules): at least 4 per 4 weeks,
# UWV may agree otherwise.
UWV_COUNTING = frozenset(
    {
        T.VACANCY_APPLICATION,
        T.OPEN_APPLICATION,
        T.JOB_INTERVIEW,
        T.NETWORKING_CONTACT,
        T.WORKSHOP,
        T.TRAINING,
        T.CV_POSTED,
        T.AGENCY_REGISTRATION,
        T.STAFFING_POOL,
        T.EMPLOYER_CONTACT,
    }
)

TEMPLATE_LIST = (
    Template(
        "uwv-ww",
        2,
        ObligationRule(required_activities=4, period_weeks=4, counting_types=UWV_COUNTING, new_agency_only=True),
        Organisation.UWV,
        "UWV, Job-search requirement: https://uwv.nl/en/individuals/unemployment-benefit/jobsearch-requirement",
        date(2026, 1, 15),
    ),
    Template(
        "weekly",
        1,
        ObligationRule(
            required_activities=1,
            period_weeks=1,
            grace_days=3,
            at_risk_days_per_activity=3,
            at_risk_inactivity_days=10,
            counting_types=frozenset(
                {
                    T.VACANCY_APPLICATION,
                    T.OPEN_APPLICATION,
                    T.JOB_INTERVIEW,
                    T.AGENCY_REGISTRATION,
                    T.NETWORKING_CONTACT,
                }
            ),
            caps={T.NETWORKING_CONTACT: 1},
        ),
        Organisation.MUNICIPALITY,
        "Participatiewet art. 9: duties set per person by decision (a weekly municipal practice)",
        date(2026, 1, 15),
    ),
    # Participatiewet art. 41 lid 4: people aged 18 to 27 search for work for 4 weeks before
    # the benefit can start (zoektermijn). The law sets no number; 4 is this template's
    # default, the municipality may set another by decision.
    Template(
        "participatiewet-zoektermijn",
        1,
        ObligationRule(
            required_activities=4, period_weeks=4, counting_types=UWV_COUNTING, new_agency_only=True, max_periods=1
        ),
        Organisation.MUNICIPALITY,
        "Participatiewet art. 41 lid 4 (zoektermijn): https://wetten.overheid.nl/BWBR0015703",
        date(2026, 1, 15),
        ages=(18, 27),
    ),
)
TEMPLATE_INFO: dict[str, Template] = {tpl.name: tpl for tpl in TEMPLATE_LIST}
TEMPLATES: dict[str, ObligationRule] = {tpl.name: tpl.rule for tpl in TEMPLATE_LIST}
