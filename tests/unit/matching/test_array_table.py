"""Arrays handed to compiled code by address (`array_table`): the same memory, or a clear refusal."""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit

from services.matching.domain.array_table import ArrayTable, matrix, vector

LAYOUT = (np.dtype(np.int32), np.dtype(np.float64))


@njit
def _double_the_vector_and_sum_the_matrix(table):
    numbers = vector(table, 0, np.int32)
    for i in range(len(numbers)):
        numbers[i] *= 2
    return matrix(table, 1, np.float64).sum(), matrix(table, 1, np.float64).shape


def test_the_compiled_side_reads_and_writes_the_very_arrays() -> None:
    numbers, grid = np.arange(5, dtype=np.int32), np.arange(6, dtype=np.float64).reshape(2, 3)
    table = ArrayTable((numbers, grid), LAYOUT)
    assert _double_the_vector_and_sum_the_matrix(table.table) == (15.0, (2, 3))
    assert numbers.tolist() == [0, 2, 4, 6, 8]  # written in place, no copy


def test_an_array_of_another_dtype_than_the_layout_is_refused() -> None:
    with pytest.raises(ValueError, match="array 1: int64"):
        ArrayTable((np.zeros(3, dtype=np.int32), np.zeros(3, dtype=np.int64)), LAYOUT)


def test_a_strided_view_is_refused() -> None:
    with pytest.raises(ValueError, match="array 0"):
        ArrayTable((np.zeros(6, dtype=np.int32)[::2], np.zeros(3)), LAYOUT)


def test_a_table_keeps_its_arrays_alive() -> None:
    table = ArrayTable((np.arange(4, dtype=np.int32), np.ones((1, 1))), LAYOUT)
    assert table.arrays[0].ctypes.data == table.table[0, 0]
