"""numba's cache must not hand back machine code built from source that has changed since.

numba stamps a cached function with its own file; a function it calls from another module is
compiled into it. These tests build a two-module package, run it in fresh processes (as a
service restart does), edit the called module and run it again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from services.matching.domain import compiled_cache

ROOT = Path(__file__).resolve().parents[3]
CALLER = """
from numba import njit
{register}
from pkg.callee import value

@njit(cache=True)
def answer():
    return value()
"""
CALLEE = """
from numba import njit

@njit(cache=True)
def value():
    return {number}
"""
REGISTER = "from pathlib import Path\nfrom services.matching.domain import compiled_cache\ncompiled_cache.register(Path(__file__).parent)\n"


def _answer_after_editing_the_callee(tmp_path: Path, register: str) -> tuple[int, int]:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "caller.py").write_text(CALLER.format(register=register))
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    env.pop("NUMBA_CACHE_DIR", None)  # __pycache__ beside the package, as in a checkout
    env.pop("NUMBA_DISABLE_JIT", None)
    answers = []
    for number in (1, 2):
        (package / "callee.py").write_text(CALLEE.format(number=number))
        run = [sys.executable, "-c", "from pkg.caller import answer; print(answer())"]
        answers.append(int(subprocess.run(run, env=env, check=True, capture_output=True, text=True).stdout))
    return answers[0], answers[1]


def test_an_edit_of_a_called_module_compiles_the_caller_anew(tmp_path: Path) -> None:
    assert _answer_after_editing_the_callee(tmp_path, REGISTER) == (1, 2)


def test_without_the_package_stamp_numba_returns_the_stale_caller(tmp_path: Path) -> None:
    # The behaviour the stamp exists for: if numba ever checks callees itself, this fails and
    # compiled_cache can go.
    assert _answer_after_editing_the_callee(tmp_path, "") == (1, 1)


def test_the_stamp_changes_with_any_module_of_the_package(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("A = 1\n")
    (tmp_path / "b.py").write_text("B = 1\n")
    before = compiled_cache.source_stamp(tmp_path)
    (tmp_path / "b.py").write_text("B = 2\n")
    assert compiled_cache.source_stamp(tmp_path) != before


def test_every_module_that_caches_compiled_code_registers_the_stamp_first() -> None:
    caching = {}
    for module in compiled_cache.PACKAGE.glob("*.py"):
        source = module.read_text()
        if "@njit(cache=True" in source:
            caching[module.stem] = "import compiled_cache" in source[: source.index("@njit(cache=True")]
    assert {"reverse_pass", "reverse_answer", "feed_pass"} <= caching.keys()
    assert all(caching.values()), caching
