"""Fixtures: the three services in-process on port 0 (real SQLite, session broker), seeded."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reliability_support import Baseline, Stack, seed_baseline, start_stack, stop_stack

# Limits far above what a test sends, so only the rate-limit tests meet the rate limit.
UNLIMITED = {"write_rate_per_minute": 1_000_000, "write_burst": 1_000_000}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, broker: str) -> Iterator[Stack]:
    running = start_stack(tmp_path_factory.mktemp("reliability") / "data", broker, **UNLIMITED)
    try:
        yield running
    finally:
        stop_stack(running)


@pytest.fixture(scope="module")
def baseline(stack: Stack) -> Baseline:
    return seed_baseline(stack)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Quotable figures: how many corpus cases and property examples ran."""
    import sys

    figures = []
    corpus = sys.modules.get("test_bad_input_corpus")
    if corpus is not None and corpus.CORPUS_COUNT["cases"]:
        counts = corpus.CORPUS_COUNT
        figures.append(
            f"bad-input corpus: {counts['cases']} cases over every RPC, {counts['passed']} refused cleanly "
            f"(known bugs, strict xfail: {counts['known_bugs']})"
        )
    importer = sys.modules.get("test_import_corpus")
    if importer is not None and importer.IMPORT_COUNT["cases"]:
        counts = importer.IMPORT_COUNT
        figures.append(f"importer corpus: {counts['passed']} of {counts['cases']} files handled cleanly")
    properties = sys.modules.get("test_rpc_properties")
    if properties is not None and properties.EXAMPLES["calls"]:
        figures.append(
            f"property tests: {properties.EXAMPLES['calls']} generated requests over "
            f"{len(properties.EXAMPLES['methods'])} RPCs, codes {dict(sorted(properties.EXAMPLES['codes'].items()))}"
        )
    if figures:
        terminalreporter.write_sep("-", "reliability figures")
        for line in figures:
            terminalreporter.write_line(line)
