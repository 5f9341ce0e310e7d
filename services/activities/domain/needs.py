"""What is still needed in a period, in plain words (B1 Dutch, then English)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from services.activities.domain.texts import activities_en, activities_nl, day_en, day_nl, until_en, until_nl
from services.common.errors import t

if TYPE_CHECKING:
    from services.activities.domain.counting import WeekNeed
    from services.activities.domain.grid import Period
    from services.activities.domain.periods import PeriodStatus


def needed_texts(
    period: Period,
    still_needed: int,
    running: Sequence[tuple[WeekNeed, int]],
    below: Sequence[date],
    status: PeriodStatus,
) -> tuple[str, ...]:
    lines: list[str] = []
    if status.value == "notice":
        lines.append(
            t(
                f"Deze periode is voorbij en u deed te weinig. U kunt reageren {until_nl(period.respond_by)}: "
                "stuur bewijs van uw activiteiten of vertel waarom het niet lukte.",
                f"This period is over with too few activities. You can respond {until_en(period.respond_by)}: "
                "send proof of your activities or tell us why it did not work out.",
            )
        )
    elif still_needed and status.value in ("open", "at_risk"):
        lines.append(
            t(
                f"Nog {activities_nl(still_needed)} {until_nl(period.end)}.",
                f"{activities_en(still_needed).capitalize()} more {until_en(period.end)}.",
            )
        )
    for week, missing in running:
        lines.append(
            t(
                f"Week van {day_nl(week.start)} {until_nl(week.end)}: nog {activities_nl(missing)}.",
                f"Week from {day_en(week.start)} {until_en(week.end)}: {activities_en(missing)} more.",
            )
        )
    for start in below:
        end = start + timedelta(days=6)
        lines.append(
            t(
                f"In de week van {day_nl(start)} {until_nl(end)} deed u minder dan het minimum per week.",
                f"In the week from {day_en(start)} {until_en(end)} you did fewer than the weekly minimum.",
            )
        )
    return tuple(lines)
