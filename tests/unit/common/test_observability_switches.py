"""JOBMATCH_METRICS and JOBMATCH_TRACING decide what a server installs ahead of its platform
interceptors: with both off, nothing at all (the `observability` benchmark's baseline)."""

from __future__ import annotations

from pathlib import Path

from services.common.observability.grpc_interceptors import ObservabilityServerInterceptor, server_observability
from services.common.settings import Settings


def test_with_metrics_and_tracing_off_a_server_installs_no_observability_interceptor(tmp_path: Path) -> None:
    assert server_observability(Settings(data_dir=tmp_path, metrics=False, tracing=False), "activities") == []


def test_with_either_on_the_observability_interceptor_goes_first(tmp_path: Path) -> None:
    for metrics, traced in ((True, False), (False, True), (True, True)):
        installed = server_observability(Settings(data_dir=tmp_path, metrics=metrics, tracing=traced), "activities")
        assert [type(i) for i in installed] == [ObservabilityServerInterceptor]
