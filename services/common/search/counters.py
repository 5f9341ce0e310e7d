"""Gapless-per-reservation counters on Elasticsearch, for storage order and change sequences.

A counter is one document; reserving `n` numbers reads it and writes value+n with
`if_seq_no`/`if_primary_term`, so two writers racing for the same numbers cannot both win:
the loser gets a 409 and tries again with the new value.
"""

from __future__ import annotations

from .engine import Conflict, NotFound, SearchEngine
from .indices import IndexSpec

COUNTERS_INDEX = IndexSpec(
    "counters", 1, {"dynamic": "strict", "properties": {"value": {"type": "long"}}}, {"number_of_shards": 1}
)
MAX_ATTEMPTS = 50


class Counters:
    def __init__(self, engine: SearchEngine, prefix: str) -> None:
        self._es = engine
        self._index = COUNTERS_INDEX.alias(prefix)

    def reserve(self, name: str, count: int) -> int:
        """Reserve `count` consecutive numbers; returns the first (numbers start at 1)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        for _ in range(MAX_ATTEMPTS):
            try:
                found = self._es.get(index=self._index, id=name)
            except NotFound:
                try:
                    self._es.index(index=self._index, id=name, document={"value": count}, op_type="create")
                    return 1
                except Conflict:
                    continue  # another writer created it first
            current = int(found["_source"]["value"])
            try:
                self._es.index(
                    index=self._index,
                    id=name,
                    document={"value": current + count},
                    if_seq_no=found["_seq_no"],
                    if_primary_term=found["_primary_term"],
                )
            except Conflict:
                continue
            return current + 1
        raise RuntimeError(f"could not reserve numbers of counter {name!r}: too much contention")

    def current(self, name: str) -> int:
        try:
            return int(self._es.get(index=self._index, id=name)["_source"]["value"])
        except NotFound:
            return 0


INDEX_SPECS = (COUNTERS_INDEX,)
