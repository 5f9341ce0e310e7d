"""Generate the Python code for every .proto under proto/ into the `jobmatch` package.

Run `python scripts/gen_proto.py` after changing a .proto file; the generated code is
committed, and tests/unit/test_generated_code.py fails when it is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_ROOT = ROOT / "proto"


def proto_files() -> list[Path]:
    return sorted(PROTO_ROOT.rglob("*.proto"))


def generate(out_dir: Path) -> None:
    """Write *_pb2.py, *_pb2.pyi and *_pb2_grpc.py for every proto file below out_dir."""
    import grpc_tools
    from grpc_tools import protoc

    include = Path(grpc_tools.__file__).parent / "_proto"
    files = [str(p.relative_to(PROTO_ROOT)) for p in proto_files()]
    args = [
        "protoc",
        f"-I{PROTO_ROOT}",
        f"-I{include}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *files,
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    # Every generated directory must be a package so setuptools ships it.
    for directory in {p.parent for p in (out_dir / "jobmatch").rglob("*.py")}:
        while directory != out_dir:
            (directory / "__init__.py").touch()
            directory = directory.parent


def main() -> int:
    target = ROOT / "jobmatch"
    for old in target.rglob("*_pb2*.py*"):
        old.unlink()
    generate(ROOT)
    print(f"generated {len(proto_files())} proto files into {target.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
