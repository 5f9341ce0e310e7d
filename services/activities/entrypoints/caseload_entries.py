"""Caseload entries kept beside the rows they were made from.

The use case hands back the same row object for a client while nothing it was computed from
changed (service_layer/assessment_memo), so the entry made from that object, in the caller's
language, is the entry: a repeated caseload call copies kept messages instead of building
hundreds again. Kept by the row's identity, with the row itself held so the identity cannot
be reused by another object while the entry is kept.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from jobmatch.activities.v1 import activities_pb2 as pb
from services.activities.entrypoints.mapping import caseload_entry_pb
from services.activities.service_layer.assessment_memo import CAPACITY
from services.activities.service_layer.obligation_handlers import CaseloadRow
from services.common.i18n import current_language


class CaseloadEntries:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._kept: dict[tuple[int, str], tuple[CaseloadRow, pb.CaseloadEntry]] = {}
        self._lock = threading.Lock()

    def entries(self, rows: Sequence[CaseloadRow]) -> list[pb.CaseloadEntry]:
        language = current_language()
        result = []
        made = []
        for row in rows:
            kept = self._kept.get((id(row), language))
            if kept is not None and kept[0] is row:
                result.append(kept[1])
            else:
                entry = caseload_entry_pb(row)
                made.append((row, entry))
                result.append(entry)
        if made:
            with self._lock:
                for row, entry in made:
                    self._kept[(id(row), language)] = (row, entry)
                while len(self._kept) > self._capacity:
                    del self._kept[next(iter(self._kept))]
        return result
