"""The counting rule of an obligation policy: N qualifying activities per period of P weeks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.activities.domain.model import ActivityType


class ObligationRule(BaseModel):
    model_config = ConfigDict(frozen=True)
    required_activities: int = Field(gt=0, le=100)
    period_weeks: int = Field(gt=0, le=52)
    min_per_week: int = Field(0, ge=0, le=20)
    counting_types: frozenset[ActivityType] = Field(min_length=1)
    caps: dict[ActivityType, int] = Field(default_factory=dict)
    grace_days: int = Field(7, ge=0, le=28)
    at_risk_days_per_activity: int = Field(2, ge=0, le=28)
    at_risk_inactivity_days: int = Field(14, ge=0, le=365)
    # Registering with an agency or staffing pool counts once per agency, across all periods.
    new_agency_only: bool = False
    # Hoor en wederhoor: days the client has to respond to a notice before a period is missed.
    response_days: int = Field(14, ge=0, le=60)
    # Only this many periods (the Participatiewet zoektermijn is one period of 4 weeks); 0 = no end.
    max_periods: int = Field(0, ge=0, le=52)

    @model_validator(mode="after")
    def _caps_are_positive(self) -> ObligationRule:
        if any(cap < 0 for cap in self.caps.values()):
            raise ValueError("a cap per type is 0 or more")
        return self

    @property
    def period_days(self) -> int:
        return self.period_weeks * 7
