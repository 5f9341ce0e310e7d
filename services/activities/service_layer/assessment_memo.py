"""Caseload rows kept between calls while nothing they are computed from has changed.

A client's row (the current period, assessed today, and the last activity date) follows from
its policy versions, its activities and the date alone. The store raises a client's revision
with every change of those (`ActivityStore.revisions`), so a row computed at revision r on day
d is the row for as long as the revision is r and the day d: a caseload call assesses only
the clients that changed since the last call (and everyone once a day). The revisions are read
before the facts, so a change landing in between leaves a row filed under the older revision,
which the next call recomputes: a row is never kept past a change it did not see.

Rows are immutable, so the same row objects in the same order sort the same way: the order of
a caseload is kept too, by the rows' identities (with the rows held, so no identity is reused
while it is kept), and a repeated call does not sort a thousand rows again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from services.activities.service_layer.obligation_handlers import CaseloadRow

# A few caseloads' worth (a row is a few KB); past it the rows kept longest go first.
CAPACITY = 20_000
ORDERS = 64  # caseload orders kept (each a few tens of KB at 1 000 clients)
_NONE: tuple[int, date | None, None] = (0, None, None)


class AssessmentMemo:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._rows: dict[str, tuple[int, date, CaseloadRow]] = {}
        self._orders: dict[tuple[int, ...], tuple[list[CaseloadRow], list[CaseloadRow]]] = {}
        self._lock = threading.Lock()

    def rows(
        self,
        clients: Sequence[str],
        today: date,
        revisions: dict[str, int] | None,
        compute: Callable[[list[str]], list[CaseloadRow]],
    ) -> list[CaseloadRow]:
        """The clients' rows in their order: kept ones where the revision and day match, the
        others from `compute` (all of them when the store keeps no revisions)."""
        if revisions is None:
            return compute(list(clients))
        found: dict[str, CaseloadRow] = {}
        stale = []
        for cid in clients:
            kept = self._rows.get(cid)
            if kept is not None and kept[0] == revisions.get(cid, 0) and kept[1] == today:
                found[cid] = kept[2]
            else:
                stale.append(cid)
        if stale:
            fresh = compute(stale)
            with self._lock:
                for row in fresh:
                    found[row.client_id] = row
                    self._rows.pop(row.client_id, None)  # re-inserted last: evicted last
                    self._rows[row.client_id] = (revisions.get(row.client_id, 0), today, row)
                while len(self._rows) > self._capacity:
                    del self._rows[next(iter(self._rows))]
        return [found[cid] for cid in clients]

    def in_order(self, rows: list[CaseloadRow], key: Callable[[CaseloadRow], Any]) -> list[CaseloadRow]:
        """`rows` sorted by `key` (always the same key), as a new list: the order kept for these
        very row objects, else sorted now and kept."""
        identities = tuple(map(id, rows))
        kept = self._orders.get(identities)
        if kept is not None:
            return list(kept[1])
        ordered = sorted(rows, key=key)
        # Only rows this memo keeps come again (the search store's are new on every call).
        if all(self._rows.get(row.client_id, _NONE)[2] is row for row in rows):
            with self._lock:
                self._orders[identities] = (rows, ordered)
                while len(self._orders) > ORDERS:
                    del self._orders[next(iter(self._orders))]
        return list(ordered)
