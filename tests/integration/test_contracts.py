"""The protobuf contract: buf lint clean, and the committed generated code is not stale."""

from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import gen_proto  # noqa: E402


class TestProtoContract:
    def test_buf_lint_is_clean(self) -> None:
        buf = shutil.which("buf") or str(Path(sys.executable).parent / "buf")
        if not Path(buf).exists():
            pytest.fail("buf is not installed: pip install buf-bin (part of the dev extra)")
        result = subprocess.run([buf, "lint"], cwd=ROOT / "proto", capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr

    def test_every_service_package_is_versioned(self) -> None:
        packages = {p.relative_to(ROOT / "proto").parent.as_posix() for p in gen_proto.proto_files()}
        assert {
            "jobmatch/vacancies/v1",
            "jobmatch/matching/v1",
            "jobmatch/activities/v1",
            "jobmatch/events/v1",
        } <= packages

    def test_committed_generated_code_matches_the_protos(self, tmp_path: Path) -> None:
        gen_proto.generate(tmp_path)
        fresh = sorted(p.relative_to(tmp_path) for p in (tmp_path / "jobmatch").rglob("*_pb2*.py*"))
        committed = sorted(p.relative_to(ROOT) for p in (ROOT / "jobmatch").rglob("*_pb2*.py*"))
        assert fresh == committed, "generated files differ: run `make proto` and commit"
        stale = [str(p) for p in fresh if not filecmp.cmp(tmp_path / p, ROOT / p, shallow=False)]
        assert not stale, f"stale generated code (run `make proto`): {stale}"
