"""`python -m bench.markdown RESULTS.jsonl`: the metrics of a `python -m bench all` run as the
Markdown table rows of the README's Performance section (one row per metric with a goal, the
informative metrics of the same benchmark folded into its row)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _num(x: float | None, unit: str = "") -> str:
    if x is None:
        return "-"
    if abs(x) >= 100:
        text = f"{x:,.0f}"
    elif abs(x) >= 10:
        text = f"{x:.1f}"
    else:
        text = f"{x:.2f}" if abs(x) >= 1 else f"{x:.2g}"
    return f"{text} {unit}".strip()


def rows(metrics: list[dict[str, Any]]) -> list[str]:
    by_name = {m["name"]: m for m in metrics}
    out = []
    for m in metrics:
        if m["goal"] is None:
            continue
        measured = _num(m["value"], m["unit"])
        if m["baseline_value"] is not None:
            measured += f" (baseline {_num(m['baseline_value'], m['unit'])}, ratio {_num(m['ratio'])})"
        prefix = m["name"].split(".")[0]
        extra = [
            f"{n.split('.', 1)[1]} {_num(o['value'], o['unit'])}"
            for n, o in by_name.items()
            if n.startswith(prefix + ".") and o["goal"] is None and n != m["name"]
        ]
        cpu = (m.get("notes") or {}).get("cpu_p99_ms")
        if cpu is not None:
            extra.append(f"CPU-time p99 {_num(cpu, 'ms')}")
        if extra and m["name"].endswith(("p99", "p95", "throughput")):
            measured += "; " + ", ".join(extra)
        out.append(f"| `{m['name']}` | {m['size']:,} | {m['goal']} | {measured} | {'yes' if m['met'] else '**no**'} |")
    return out


def main() -> None:
    metrics = [json.loads(line) for line in Path(sys.argv[1]).read_text().splitlines() if line.strip()]
    print("| metric | size | goal | measured | met |")
    print("|---|---|---|---|---|")
    print("\n".join(rows(metrics)))


if __name__ == "__main__":
    main()
