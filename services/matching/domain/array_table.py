"""Arrays handed to a compiled pass by address: one small table instead of a dozen arguments.

numba's dispatcher unboxes every array argument of every call (its type, a reference, a
wrapper allocated and freed): ~0.15 us each when the caches are cold, 3.6 us for the reverse
pass's 15 arrays where 3 plain arrays cost 1.8 us (measured at 1 M profiles). The arrays an
index hands to every query change only when the index is written, so it builds an
`ArrayTable` of them once: rows of (address, rows, columns), one int64 array the pass turns
back into the very same arrays (`vector`, `matrix`: no copy).

An address is only valid while its array lives and is not moved: the table keeps every array
referenced, and whoever builds it drops it when any of them changes (a growing column is
copied elsewhere). Each array's dtype, shape and contiguity are checked against the layout
when the table is built, so the compiled side never reads memory as the wrong type.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numba import carray, njit, types
from numba.core import cgutils
from numba.extending import intrinsic

from services.matching.domain import compiled_cache  # noqa: F401  (before any cache=True function)

ADDRESS, ROWS, COLUMNS = range(3)


class ArrayTable:
    """The table of `arrays` (each a C-contiguous array of 1 or 2 dimensions whose dtype is
    the layout's at its position), holding on to them while it is used."""

    def __init__(self, arrays: Sequence[np.ndarray], layout: Sequence[np.dtype[Any]]) -> None:
        if len(arrays) != len(layout):
            raise ValueError(f"{len(arrays)} arrays for a layout of {len(layout)}")
        rows = []
        for position, (array, dtype) in enumerate(zip(arrays, layout, strict=True)):
            if array.dtype != dtype or array.ndim not in (1, 2) or not array.flags.c_contiguous:
                raise ValueError(f"array {position}: {array.dtype}, {array.ndim}-d, not {dtype} C-contiguous")
            rows.append((array.ctypes.data, array.shape[0], array.shape[1] if array.ndim == 2 else 0))
        self.arrays = tuple(arrays)  # alive as long as the table
        self.table = np.array(rows, dtype=np.int64).reshape(len(rows), 3)


@intrinsic
def _pointer(typingctx: Any, address: Any) -> Any:
    """The address (int64) as a pointer (numba-compiled code only)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.inttoptr(args[0], cgutils.voidptr_t)

    return types.voidptr(types.int64), codegen


@njit(cache=True, nogil=True)
def vector(table, position, dtype):
    """The 1-d array at `position` of the table."""
    return carray(_pointer(table[position, ADDRESS]), (table[position, ROWS],), dtype)


@njit(cache=True, nogil=True)
def matrix(table, position, dtype):
    """The 2-d array at `position` of the table."""
    return carray(_pointer(table[position, ADDRESS]), (table[position, ROWS], table[position, COLUMNS]), dtype)
