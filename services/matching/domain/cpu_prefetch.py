"""`prefetch(array, index)`: ask the CPU to bring array[index]'s cache line in, without waiting.

For compiled passes (numba) that know which random rows they will read a little later: the
loads' cache misses then overlap instead of stalling one after another. It emits LLVM's
`llvm.prefetch` (read, keep in all cache levels, data); it never faults and changes no result,
so an index out of bounds is harmless (nothing is read).
"""

from __future__ import annotations

from typing import Any

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

_I32 = ir.IntType(32)
_PREFETCH_TYPE = ir.FunctionType(ir.VoidType(), [cgutils.voidptr_t, _I32, _I32, _I32])
_READ, _KEEP_IN_ALL_LEVELS, _DATA = _I32(0), _I32(3), _I32(1)


@intrinsic
def prefetch(typingctx: Any, array: Any, index: Any) -> Any:
    """array[index]'s line towards the L1 cache (numba-compiled code only)."""
    signature = types.void(array, index)

    def codegen(context: Any, builder: Any, sig: Any, args: Any) -> Any:
        array_type = sig.args[0]
        view = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, view, [args[1]], wraparound=False, boundscheck=False
        )
        function = cgutils.get_or_insert_function(builder.module, _PREFETCH_TYPE, "llvm.prefetch.p0")
        builder.call(function, [builder.bitcast(pointer, cgutils.voidptr_t), _READ, _KEEP_IN_ALL_LEVELS, _DATA])
        return context.get_dummy_value()

    return signature, codegen
