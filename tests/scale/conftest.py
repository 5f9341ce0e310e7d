"""The scale suite reuses the fault tests' helpers (service logs, topic readers, ingest batches)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "faults"))
