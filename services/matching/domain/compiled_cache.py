"""numba's on-disk cache of the compiled passes, stamped with the source of the whole package.

numba checks a cached function against its own file only, yet the machine code it keeps holds
every function it calls and every constant it reads, from other modules too: after an edit of
`reverse_answer`'s sort, `reverse_match` came back from the cache with the old sort
compiled in (seen while measuring; `tests/unit/matching/test_compiled_cache.py` keeps the case).
Importing this module first, every module here that compiles with `cache=True` gets locators
whose stamp is a hash of all the package's modules: any edit here compiles the passes anew.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from numba.core import caching

PACKAGE = Path(__file__).resolve().parent


def source_stamp(package: Path = PACKAGE) -> str:
    """A hash of every module of the package, names and contents."""
    digest = hashlib.sha256()
    for module in sorted(package.glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes() + b"\0")
    return digest.hexdigest()


def register(package: Path) -> None:
    """Stamp the cached functions of `package` with `source_stamp(package)` from now on."""
    package = package.resolve()
    stamp = source_stamp(package)

    class PackageStamped:
        @classmethod
        def from_function(cls, py_func: Any, py_file: str) -> Any:
            if Path(py_file).resolve().parent != package:
                return None  # not this package's: the next locators decide
            return super().from_function(py_func, py_file)  # type: ignore[misc]

        def get_source_stamp(self) -> str:
            return stamp

    bases = (caching.UserProvidedCacheLocator, caching.InTreeCacheLocator, caching.UserWideCacheLocator)
    # numba's order (NUMBA_CACHE_DIR, then __pycache__, then the user's cache directory), first.
    stamped: list[Any] = [type(base.__name__, (PackageStamped, base), {}) for base in bases]
    caching.CacheImpl._locator_classes[:0] = stamped


register(PACKAGE)
