"""Which activities count: the choice that leaves the smallest shortfall.

Caps per type and weekly minimums make the choice matter: filling a cap greedily in date
order can spend it in a week that did not need it, so logging one more activity could turn
a met period into a missed one (issue 15). Instead the activities are assigned to the weeks
that need them with a small min-cost flow:

    source -> type (cap) -> activity (1) -> duplicate group (1) -> week -> sink

A week's edge to the sink carries its minimum first, then any number. The costs order the
goals strictly: fill running weeks' minimums, then past weeks' minimums, then count as many
as possible, then (only to break ties) count approved activities before unverified ones.
Adding an activity only adds paths, so the number counted and the need in running weeks
never get worse.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from services.activities.domain.model import ActivityType


@dataclass(frozen=True)
class Candidate:
    """An activity that may count: counting type, in the period, on time, not rejected."""

    activity_id: str
    type: ActivityType
    date: date
    approved: bool
    group: str  # duplicates (same day, same vacancy or employer) share a group


@dataclass(frozen=True)
class WeekNeed:
    start: date
    end: date
    minimum: int
    running: bool  # the week has not ended yet: the client can still act


class _Graph:
    def __init__(self) -> None:
        self.edges: list[list[int]] = []  # [to, capacity, cost]
        self.out: list[list[int]] = []

    def node(self) -> int:
        self.out.append([])
        return len(self.out) - 1

    def edge(self, a: int, b: int, capacity: int, cost: int) -> int:
        self.out[a].append(len(self.edges))
        self.edges.append([b, capacity, cost])
        self.out[b].append(len(self.edges))
        self.edges.append([a, 0, -cost])
        return len(self.edges) - 2

    def min_cost_flow(self, source: int, sink: int) -> None:
        """Successive shortest paths (Bellman-Ford queue); stop when a path no longer pays."""
        n = len(self.out)
        while True:
            dist: list[int | None] = [None] * n  # None: not reached
            via = [-1] * n
            dist[source] = 0
            queue, queued = deque([source]), [False] * n
            while queue:
                a = queue.popleft()
                queued[a] = False
                here = dist[a]
                assert here is not None  # only reached nodes are queued
                for e in self.out[a]:
                    b, capacity, cost = self.edges[e]
                    there = dist[b]
                    if capacity > 0 and (there is None or here + cost < there):
                        dist[b], via[b] = here + cost, e
                        if not queued[b]:
                            queued[b] = True
                            queue.append(b)
            to_sink = dist[sink]
            if to_sink is None or to_sink >= 0:
                return
            node = sink
            while node != source:
                e = via[node]
                self.edges[e][1] -= 1
                self.edges[e ^ 1][1] += 1
                node = self.edges[e ^ 1][0]


def _best_of_each_group(candidates: Sequence[Candidate]) -> frozenset[str]:
    best: dict[str, Candidate] = {}
    for c in sorted(candidates, key=lambda c: (not c.approved, c.date, c.activity_id)):
        best.setdefault(c.group, c)
    return frozenset(c.activity_id for c in best.values())


def choose_counted(
    candidates: Sequence[Candidate], caps: dict[ActivityType, int], weeks: Sequence[WeekNeed]
) -> frozenset[str]:
    """Ids of the activities that count, chosen to leave the smallest shortfall."""
    capped = {c.type for c in candidates if c.type in caps}
    if not capped and not any(w.minimum for w in weeks):
        return _best_of_each_group(candidates)  # nothing to trade: one per duplicate group
    n = len(candidates) + 1
    approved, total = 1, n
    past, running = total * n, total * n * n
    g = _Graph()
    source, sink = g.node(), g.node()
    types: dict[ActivityType, int] = {}
    groups: dict[str, int] = {}
    week_nodes = [g.node() for _ in weeks]
    rest = g.node()  # days outside any week with a minimum
    for w, node in zip(weeks, week_nodes, strict=True):
        if w.minimum:
            g.edge(node, sink, w.minimum, -(running if w.running else past) - total)
        g.edge(node, sink, n, -total)
    g.edge(rest, sink, n, -total)
    chosen_edges: dict[int, str] = {}
    for c in sorted(candidates, key=lambda c: (c.date, c.activity_id)):
        if c.type not in types:
            types[c.type] = g.node()
            g.edge(source, types[c.type], caps.get(c.type, n), 0)
        if c.group not in groups:
            groups[c.group] = g.node()
            week = next((node for w, node in zip(weeks, week_nodes, strict=True) if w.start <= c.date <= w.end), rest)
            g.edge(groups[c.group], week, 1, 0)
        activity = g.node()
        chosen_edges[g.edge(types[c.type], activity, 1, -approved if c.approved else 0)] = c.activity_id
        g.edge(activity, groups[c.group], 1, 0)
    g.min_cost_flow(source, sink)
    return frozenset(aid for e, aid in chosen_edges.items() if g.edges[e][1] == 0)
