"""`jobmatch report caseload`: a self-contained HTML page with one SVG timeline per client.

Periods are coloured bands by outcome, activities are marks on them (filled when they count,
hollow when not, a cross when rejected). For caseworkers who would rather look than read.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import escape

from jobmatch.activities.v1 import activities_pb2 as pb
from services.activities.domain.model import TYPE_LABELS
from services.activities.domain.periods import PeriodStatus
from services.activities.entrypoints.mapping import TYPE_FROM_PB
from services.activities.entrypoints.report_data import ClientTimeline

STATUS_STYLE: dict[PeriodStatus, tuple[str, str, str]] = {
    PeriodStatus.MET: ("#9fd8a5", "voldaan", "met"),
    PeriodStatus.OPEN: ("#c9d8f0", "loopt", "open"),
    PeriodStatus.AT_RISK: ("#f7c873", "risico", "at risk"),
    PeriodStatus.MISSED: ("#ef9a9a", "gemist", "missed"),
    PeriodStatus.EXEMPT: ("#d9d9d9", "vrijgesteld", "exempt"),
    PeriodStatus.NOTICE: ("#f4a582", "brief: reageren", "notice: respond"),
}
WIDTH, LEFT, RIGHT, ROW = 1100, 10, 50, 64


def _status(period: pb.ObligationPeriod) -> PeriodStatus:
    return PeriodStatus[pb.PeriodStatus.Name(period.status).removeprefix("PERIOD_STATUS_")]


def _day(text: str) -> date:
    return date.fromisoformat(text)


def _type_label(activity: pb.Activity) -> tuple[str, str]:
    kind = TYPE_FROM_PB.get(activity.type)
    return TYPE_LABELS[kind] if kind is not None else ("Activiteit", "Activity")


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _svg(t: ClientTimeline, first: date, last: date) -> str:
    parts = [
        f'<svg class="timeline" data-client="{escape(t.client_id)}" width="{WIDTH}" height="{ROW}" '
        f'viewBox="0 0 {WIDTH} {ROW}" role="img" aria-label="Tijdlijn / timeline {escape(t.client_id)}">'
    ]
    for p in t.periods:
        status = _status(p)
        colour, nl, en = STATUS_STYLE[status]
        x0, x1 = _x(_day(p.start_date), first, last), _x(_day(p.end_date) + timedelta(days=1), first, last)
        parts.append(
            f'<rect class="period status-{status.value}" x="{x0:.1f}" y="8" width="{max(x1 - x0 - 1, 1):.1f}" '
            f'height="34" rx="3" fill="{colour}"><title>{p.start_date} – {p.end_date}: {nl} / {en} '
            f"({p.counted}/{p.required})</title></rect>"
        )
    for a in t.activities:
        x = _x(_day(a.date), first, last) + 2
        nl_type, en_type = _type_label(a)
        label = f"{a.date} {nl_type} / {en_type}: {escape(a.employer)}"
        if a.verification == pb.VERIFICATION_STATE_REJECTED:
            parts.append(
                f'<path class="activity rejected" d="M{x - 4:.1f} 21 l8 8 m0 -8 l-8 8" stroke="#b71c1c" '
                f'stroke-width="2"><title>{label} (afgekeurd / rejected)</title></path>'
            )
        else:
            fill = "#1b5e20" if a.counts else "white"
            parts.append(
                f'<circle class="activity" cx="{x:.1f}" cy="25" r="4.5" fill="{fill}" stroke="#1b5e20" '
                f'stroke-width="1.5"><title>{label}</title></circle>'
            )
    day = first - timedelta(days=first.day - 1)
    while day <= last:
        if day >= first:
            x = _x(day, first, last)
            parts.append(
                f'<line x1="{x:.1f}" y1="44" x2="{x:.1f}" y2="50" stroke="#777"/>'
                f'<text x="{x + 2:.1f}" y="60" font-size="10" fill="#555">{day:%Y-%m}</text>'
            )
        day = (day + timedelta(days=32)).replace(day=1)
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    items = [
        f'<span class="key"><svg width="18" height="12"><rect width="18" height="12" rx="2" fill="{colour}"/></svg> '
        f"{nl} / {en}</span>"
        for colour, nl, en in STATUS_STYLE.values()
    ]
    items += [
        '<span class="key"><svg width="12" height="12"><circle cx="6" cy="6" r="4.5" fill="#1b5e20"/></svg> '
        "telt mee / counts</span>",
        '<span class="key"><svg width="12" height="12"><circle cx="6" cy="6" r="4.5" fill="white" stroke="#1b5e20" '
        'stroke-width="1.5"/></svg> telt niet mee / does not count</span>',
        '<span class="key"><svg width="12" height="12"><path d="M2 2 l8 8 m0 -8 l-8 8" stroke="#b71c1c" '
        'stroke-width="2"/></svg> afgekeurd / rejected</span>',
    ]
    return '<div class="legend">' + "".join(items) + "</div>"


def why(period: pb.ObligationPeriod, today: date) -> str:
    """Why a client is (or is not) at risk: x of y counted, how many still needed, days left."""
    left = (_day(period.deadline_date) - today).days
    days = (
        f"nog {left} dagen (tot {period.deadline_date}) / {left} days left (until {period.deadline_date})"
        if left >= 0
        else f"termijn voorbij op {period.deadline_date} / term ended on {period.deadline_date}"
    )
    return (
        f"{period.counted} van {period.required} telt mee / {period.counted} of {period.required} counted · "
        f"nog {period.still_needed} nodig / {period.still_needed} still needed · {days}"
    )


def _activity_rows(t: ClientTimeline, period: pb.ObligationPeriod) -> str:
    rows = []
    for a in t.activities_in(period):
        nl_type, en_type = _type_label(a)
        counts = "telt mee / counts" if a.counts else "telt niet mee / does not count"
        if a.verification == pb.VERIFICATION_STATE_REJECTED:
            counts = "afgekeurd / rejected"
        rows.append(
            f"<tr><td>{a.date}</td><td>{nl_type} / {en_type}</td><td>{escape(a.employer)}</td>"
            f"<td>{escape(a.position)}</td><td>{counts}</td></tr>"
        )
    if not rows:
        return '<p class="none">Nog geen activiteiten in deze periode / no activities in this period yet</p>'
    return (
        '<table class="activities"><tr><th>datum / date</th><th>soort / type</th><th>werkgever / employer</th>'
        "<th>functie / position</th><th></th></tr>" + "".join(rows) + "</table>"
    )


def _section(t: ClientTimeline, first: date, last: date, today: date) -> str:
    current = t.current
    colour, nl, en = STATUS_STYLE[_status(current)] if current else ("#eee", "geen plicht", "no obligation")
    detail = f'<p class="why">{why(current, today)}</p>{_activity_rows(t, current)}' if current else ""
    return (
        f'<section class="client"><h2>{escape(t.client_id)} <span class="badge" style="background:{colour}">'
        f"{nl} / {en}</span> <small>laatste activiteit / last activity: {t.last_activity or '—'}</small></h2>"
        f"{_svg(t, first, last)}{detail}</section>"
    )


def render(timelines: list[ClientTimeline], caseworker_id: str, today: date) -> str:
    starts = [_day(t.periods[0].start_date) for t in timelines if t.periods]
    first = min(starts, default=today - timedelta(weeks=12))
    ends = [_day(t.periods[-1].end_date) for t in timelines if t.periods]
    last = max([today + timedelta(days=7), *ends])
    sections = [_section(t, first, last, today) for t in timelines]
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<title>Caseload {escape(caseworker_id)} – sollicitatieplicht / job-search obligation</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; color: #222; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }} h2 {{ font-size: 15px; margin: 14px 0 2px; }}
small {{ font-weight: normal; color: #555; }} .badge {{ padding: 1px 8px; border-radius: 8px; font-size: 12px; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 14px; margin: 10px 0 6px; font-size: 13px; }}
.client {{ border-top: 1px solid #eee; }} .why {{ margin: 2px 0; font-size: 13px; }}
.activities {{ border-collapse: collapse; font-size: 12px; margin-bottom: 8px; }}
.activities td, .activities th {{ padding: 1px 10px 1px 0; text-align: left; }} .none {{ font-size: 12px; color: #555; }}
</style></head><body>
<h1>Caseload {escape(caseworker_id)}: sollicitatieplicht per klant / job-search obligation per client</h1>
<p>Stand op / as of {today.isoformat()} · {len(timelines)} klanten / clients · risico eerst / at risk first</p>
{_legend()}
{"".join(sections)}
</body></html>
"""
