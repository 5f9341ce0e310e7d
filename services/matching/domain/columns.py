"""Column storage for the in-memory matching indexes: growable numpy columns and posting lists.

Both indexes keep each field of a profile or vacancy in a numpy column indexed by its row
("slot"), so a query gathers the candidates' fields with fancy indexing and checks them
vectorised. Posting lists map an int64 key to the slots posted under it, stored as one
sorted CSR level (keys, bounds, slots) plus the slots added since it was built.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Mapping

import numpy as np
from numpy.typing import DTypeLike

# Recent postings beyond this are merged into the sorted level at the next query; below it
# they get their own small sorted level (rebuilt only after a change).
MERGE_THRESHOLD = 32_768


CACHE_LINE = 64


def aligned_empty(length: int, dtype: DTypeLike) -> np.ndarray:
    """np.empty, starting on a cache line: malloc gives 16-byte alignment, so a 64-byte record
    would straddle two lines and cost two cache misses where one would do."""
    dtype = np.dtype(dtype)
    if dtype.hasobject:  # references: numpy must own them (and their alignment does not matter)
        return np.empty(length, dtype=dtype)
    raw = np.empty(length * dtype.itemsize + CACHE_LINE, dtype=np.uint8)
    skip = -raw.ctypes.data % CACHE_LINE
    return raw[skip : skip + length * dtype.itemsize].view(dtype)


class GrowableColumns:
    """Named numpy columns of one length that grow by doubling; row numbers never change.

    Separate columns (not one structured array): a query gathers only the fields it checks,
    and a gather from a 1-byte column of a million rows stays in the CPU cache.
    """

    def __init__(self, dtypes: Mapping[str, DTypeLike], capacity: int = 1024) -> None:
        self._names = tuple(dtypes)
        self._data = {name: aligned_empty(capacity, dtype) for name, dtype in dtypes.items()}
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def append(self, *values: object) -> int:
        """Append one row, values in the order of the columns; returns its row number."""
        row = self._size
        if row == len(self._data[self._names[0]]):
            for name, column in self._data.items():
                # np.empty: pages beyond the copied part are untouched, so they cost no memory yet.
                grown = aligned_empty(2 * len(column), column.dtype)
                grown[:row] = column
                self._data[name] = grown
        for name, value in zip(self._names, values, strict=True):
            self._data[name][row] = value
        self._size += 1
        return row

    def extend(self, name: str, values: list) -> None:
        """Append rows to a single-column table (a pool)."""
        column = self._data[name]
        end = self._size + len(values)
        if end > len(column):
            grown = aligned_empty(max(end, 2 * len(column)), column.dtype)
            grown[: self._size] = column[: self._size]
            self._data[name] = column = grown
        column[self._size : end] = values
        self._size = end

    def __getitem__(self, name: str) -> np.ndarray:
        """The live part of a column (a view: do not keep it across appends)."""
        return self._data[name][: self._size]


def as_int32(values: array) -> np.ndarray:
    """A copy of an `array('i')` (never a view: a view would forbid appends to it)."""
    return np.array(values, dtype=np.int32) if len(values) else np.empty(0, dtype=np.int32)


Payload = Callable[[np.ndarray], tuple[np.ndarray, ...]]
Level = tuple[np.ndarray, np.ndarray, np.ndarray, tuple[np.ndarray, ...]]


def _no_payload(slots: np.ndarray) -> tuple[np.ndarray, ...]:
    return ()


def _csr(keys: np.ndarray, slots: np.ndarray, payload: Payload) -> Level:
    """Sorted unique keys, their start offsets (+ end), the slots in key order (stable), and
    the payload columns of those slots in the same order."""
    order = np.argsort(keys, kind="stable")
    keys, slots = keys[order], slots[order].astype(np.int32)
    if len(keys) == 0:
        return keys, np.zeros(1, dtype=np.int64), slots, payload(slots)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    bounds = np.concatenate((starts, [len(keys)])).astype(np.int64)
    return keys[starts], bounds, slots, payload(slots)


def level_of(keys: np.ndarray, slots: np.ndarray, payload: Payload) -> Level:
    """A sorted level of the given postings (one-off levels, e.g. of a full scan's candidates)."""
    return _csr(keys, slots, payload)


class PostingLists:
    """int64 key -> slots (int32). Entries of retired slots stay until `merge` drops them.

    `payload(slots)` gives columns stored next to the postings (a copy of slot fields that
    never change for a slot): a query reads them as contiguous ranges instead of gathering
    them from all over the slot columns, which is what makes the first filters cheap.
    """

    def __init__(self, payload: Payload = _no_payload) -> None:
        self._payload = payload
        self._sorted = _csr(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32), payload)
        self._recent_keys = array("q")
        self._recent_slots = array("i")
        self._recent: Level | None = None  # sorted form, None when stale

    @property
    def recent_size(self) -> int:
        return len(self._recent_slots)

    def add(self, key: int, slot: int) -> None:
        self._recent_keys.append(key)
        self._recent_slots.append(slot)
        self._recent = None

    def ranges(self, lo: np.ndarray, hi: np.ndarray) -> list[tuple[np.ndarray, ...]]:
        """Per level: (starts, ends, slots, *payload), where level slots[starts[i]:ends[i]] (and
        the payload's same rows) are the entries under a key in [lo[i], hi[i])."""
        found = []
        for keys, bounds, slots, payload in self.levels():
            found.append((bounds[np.searchsorted(keys, lo)], bounds[np.searchsorted(keys, hi)], slots, *payload))
        return found

    def levels(self) -> tuple[Level, Level]:
        """The sorted level and the level of recent postings (empty when there are none)."""
        if self._recent is None:
            self._recent = _csr(
                np.array(self._recent_keys, dtype=np.int64), as_int32(self._recent_slots), self._payload
            )
        return self._sorted, self._recent

    def merge(self, alive: np.ndarray) -> None:
        """One sorted level of every posting whose slot is still alive (`alive[slot]`)."""
        keys_, bounds, slots, _ = self._sorted
        keys = np.concatenate((np.repeat(keys_, np.diff(bounds)), np.array(self._recent_keys, dtype=np.int64)))
        slots = np.concatenate((slots, as_int32(self._recent_slots)))
        keep = alive[slots]
        self._sorted = _csr(keys[keep], slots[keep], self._payload)
        self._recent_keys, self._recent_slots, self._recent = array("q"), array("i"), None
