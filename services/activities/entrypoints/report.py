"""`jobmatch report caseload`: a self-contained HTML page with one SVG timeline per client.

Periods are coloured bands by outcome, activities are marks on them (filled when they count,
hollow when not, a cross when rejected). For caseworkers who would rather look than read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from services.activities.domain.model import TYPE_LABELS, Activity, Verification
from services.activities.domain.periods import PeriodAssessment, PeriodStatus
from services.activities.service_layer import commands as c
from services.activities.service_layer.obligation_handlers import ObligationHandlers
from services.activities.service_layer.ports import ActivityStore

STATUS_STYLE: dict[PeriodStatus, tuple[str, str, str]] = {
    PeriodStatus.MET: ("#9fd8a5", "voldaan", "met"),
    PeriodStatus.OPEN: ("#c9d8f0", "loopt", "open"),
    PeriodStatus.AT_RISK: ("#f7c873", "risico", "at risk"),
    PeriodStatus.MISSED: ("#ef9a9a", "gemist", "missed"),
    PeriodStatus.EXEMPT: ("#d9d9d9", "vrijgesteld", "exempt"),
    PeriodStatus.NOTICE: ("#f4a582", "brief: reageren", "notice: respond"),
}
WIDTH, LEFT, RIGHT, ROW = 1100, 10, 50, 64


@dataclass(frozen=True)
class ClientTimeline:
    client_id: str
    periods: list[PeriodAssessment]
    activities: list[Activity]
    last_activity: date | None


def collect(activities: ActivityStore, handlers: ObligationHandlers, caseworker_id: str,
            today: date) -> list[ClientTimeline]:
    rows = handlers.caseload_rows(caseworker_id, today)
    timelines = []
    for row in rows:
        if row.current is None:
            timelines.append(ClientTimeline(row.client_id, [], [], row.last_activity))
            continue
        history, _policy = handlers.status(c.GetObligationStatus(row.client_id))
        listed = activities.list_activities(row.client_id, from_date=history[0].period.start, to_date=None,
                                            limit=100_000)
        timelines.append(ClientTimeline(row.client_id, history, listed, row.last_activity))
    return timelines


def _x(day: date, first: date, last: date) -> float:
    span = max((last - first).days, 1)
    return LEFT + (WIDTH - LEFT - RIGHT) * (day - first).days / span


def _svg(t: ClientTimeline, first: date, last: date) -> str:
    parts = [f'<svg class="timeline" data-client="{escape(t.client_id)}" width="{WIDTH}" height="{ROW}" '
             f'viewBox="0 0 {WIDTH} {ROW}" role="img" aria-label="Tijdlijn / timeline {escape(t.client_id)}">']
    for p in t.periods:
        colour, nl, en = STATUS_STYLE[p.status]
        x0, x1 = _x(p.period.start, first, last), _x(p.period.end + timedelta(days=1), first, last)
        parts.append(f'<rect class="period status-{p.status.value}" x="{x0:.1f}" y="8" width="{max(x1 - x0 - 1, 1):.1f}" '
                     f'height="34" rx="3" fill="{colour}"><title>{p.period.start} – {p.period.end}: {nl} / {en} '
                     f'({p.counted}/{p.required})</title></rect>')
    counted = set().union(*(p.counted_ids for p in t.periods)) if t.periods else set()
    for a in t.activities:
        x = _x(a.date, first, last) + 2
        label = f"{a.date} {TYPE_LABELS[a.type][0]} / {TYPE_LABELS[a.type][1]}: {escape(a.employer)}"
        if a.verification is Verification.REJECTED:
            parts.append(f'<path class="activity rejected" d="M{x-4:.1f} 21 l8 8 m0 -8 l-8 8" stroke="#b71c1c" '
                         f'stroke-width="2"><title>{label} (afgekeurd / rejected)</title></path>')
        else:
            fill = "#1b5e20" if a.activity_id in counted else "white"
            parts.append(f'<circle class="activity" cx="{x:.1f}" cy="25" r="4.5" fill="{fill}" stroke="#1b5e20" '
                         f'stroke-width="1.5"><title>{label}</title></circle>')
    day = first - timedelta(days=first.day - 1)
    while day <= last:
        if day >= first:
            x = _x(day, first, last)
            parts.append(f'<line x1="{x:.1f}" y1="44" x2="{x:.1f}" y2="50" stroke="#777"/>'
                         f'<text x="{x + 2:.1f}" y="60" font-size="10" fill="#555">{day:%Y-%m}</text>')
        day = (day + timedelta(days=32)).replace(day=1)
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    items = [f'<span class="key"><svg width="18" height="12"><rect width="18" height="12" rx="2" fill="{colour}"/></svg> '
             f'{nl} / {en}</span>' for colour, nl, en in STATUS_STYLE.values()]
    items += [
        '<span class="key"><svg width="12" height="12"><circle cx="6" cy="6" r="4.5" fill="#1b5e20"/></svg> '
        'telt mee / counts</span>',
        '<span class="key"><svg width="12" height="12"><circle cx="6" cy="6" r="4.5" fill="white" stroke="#1b5e20" '
        'stroke-width="1.5"/></svg> telt niet mee / does not count</span>',
        '<span class="key"><svg width="12" height="12"><path d="M2 2 l8 8 m0 -8 l-8 8" stroke="#b71c1c" '
        'stroke-width="2"/></svg> afgekeurd / rejected</span>',
    ]
    return '<div class="legend">' + "".join(items) + "</div>"


def render(timelines: list[ClientTimeline], caseworker_id: str, today: date) -> str:
    starts = [t.periods[0].period.start for t in timelines if t.periods]
    first = min(starts, default=today - timedelta(weeks=12))
    ends = [t.periods[-1].period.end for t in timelines if t.periods]
    last = max([today + timedelta(days=7), *ends])
    sections = []
    for t in timelines:
        current = t.periods[-1] if t.periods else None
        colour, nl, en = STATUS_STYLE[current.status] if current else ("#eee", "geen plicht", "no obligation")
        summary = (f"{current.counted}/{current.required} · tot / until {current.period.end}" if current else "")
        sections.append(
            f'<section class="client"><h2>{escape(t.client_id)} <span class="badge" style="background:{colour}">'
            f'{nl} / {en}</span> <small>{summary} · laatste activiteit / last activity: '
            f'{t.last_activity or "—"}</small></h2>{_svg(t, first, last)}</section>')
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8">
<title>Caseload {escape(caseworker_id)} – sollicitatieplicht / job-search obligation</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; color: #222; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }} h2 {{ font-size: 15px; margin: 14px 0 2px; }}
small {{ font-weight: normal; color: #555; }} .badge {{ padding: 1px 8px; border-radius: 8px; font-size: 12px; }}
.legend {{ display: flex; flex-wrap: wrap; gap: 14px; margin: 10px 0 6px; font-size: 13px; }}
.client {{ border-top: 1px solid #eee; }}
</style></head><body>
<h1>Caseload {escape(caseworker_id)}: sollicitatieplicht per klant / job-search obligation per client</h1>
<p>Stand op / as of {today.isoformat()} · {len(timelines)} klanten / clients · risico eerst / at risk first</p>
{_legend()}
{"".join(sections)}
</body></html>
"""


def caseload_report(activities: ActivityStore, handlers: ObligationHandlers, caseworker_id: str,
                    today: date) -> str:
    return render(collect(activities, handlers, caseworker_id, today), caseworker_id, today)

