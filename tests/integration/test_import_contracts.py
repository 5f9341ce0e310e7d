"""The import contracts in pyproject.toml ([tool.importlinter]) hold for the tree, and they
really catch a breach: a copy of services/ with one forbidden import added fails them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports on the `services` package under `root`, with `root`'s pyproject.toml."""
    env = {**os.environ, "PYTHONPATH": str(root)}  # before site-packages: the copy, not the install
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def copy_of_the_code(destination: Path) -> Path:
    shutil.copy(REPO / "pyproject.toml", destination / "pyproject.toml")
    shutil.copytree(
        REPO / "services",
        destination / "services",
        ignore=lambda folder, names: [n for n in names if not (n.endswith(".py") or (Path(folder) / n).is_dir())],
    )
    return destination


def test_the_tree_keeps_every_import_contract() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_a_domain_module_importing_sqlite3_breaks_the_pure_domain_contract(tmp_path: Path) -> None:
    copy = copy_of_the_code(tmp_path)
    model = copy / "services" / "matching" / "domain" / "model.py"
    model.write_text(model.read_text() + "\nimport sqlite3  # the breach under test\n")

    result = lint_imports(copy)

    assert result.returncode != 0
    assert "A domain is pure: no I/O library, no grpc, no adapters or entrypoints BROKEN" in result.stdout
    assert "services.matching.domain.model -> sqlite3" in result.stdout


def test_an_entrypoint_importing_an_adapter_breaks_the_bootstrap_contract(tmp_path: Path) -> None:
    copy = copy_of_the_code(tmp_path)
    servicer = copy / "services" / "activities" / "entrypoints" / "grpc_servicer.py"
    servicer.write_text(servicer.read_text() + "\nfrom ..adapters import sqlite_store  # the breach under test\n")

    result = lint_imports(copy)

    assert result.returncode != 0
    assert "Entrypoints reach adapters only through bootstrap BROKEN" in result.stdout
    assert "services.activities.entrypoints.grpc_servicer" in result.stdout
