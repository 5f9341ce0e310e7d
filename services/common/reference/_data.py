"""Reading the files shipped in `data/`. Every caller caches what it builds, so each file is read once."""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from importlib import resources
from typing import Any

# The ESCO texts contain bare quotes; they are data, not CSV quoting.
csv.field_size_limit(1 << 24)


def _raw(filename: str) -> bytes:
    blob = resources.files("services.common.reference").joinpath("data").joinpath(filename).read_bytes()
    return gzip.decompress(blob) if filename.endswith(".gz") else blob


def read_tsv(filename: str) -> Iterator[dict[str, str]]:
    """Rows of a tab-separated file with a header line."""
    text = io.StringIO(_raw(filename).decode("utf-8"), newline="")
    yield from csv.DictReader(text, delimiter="\t", quoting=csv.QUOTE_NONE)


def read_json(filename: str) -> Any:
    return json.loads(_raw(filename).decode("utf-8"))
