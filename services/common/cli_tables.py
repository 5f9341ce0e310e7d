"""Tables for the command line that fit 80 columns: no outer border, one space between
columns, ids and actors never broken (they are copied into the next command), free text
folded instead."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console
from rich.table import Table

WIDTH = 80


def table(title: str, columns: Sequence[tuple[str, bool]]) -> Table:
    """`columns`: (header, whole) — a whole column (ids, actors, dates) never wraps or is cut."""
    made = Table(
        title=title, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1), title_justify="left"
    )
    for header, whole in columns:
        if whole:
            made.add_column(header, no_wrap=True, overflow="ignore")
        else:
            made.add_column(header, overflow="fold", ratio=1)
    return made


def print_rows(
    title: str, columns: Sequence[tuple[str, bool]], rows: Iterable[Sequence[str]], console: Console | None = None
) -> None:
    shown = table(title, columns)
    for row in rows:
        shown.add_row(*row)
    (console or Console()).print(shown)
