"""deploy/ for monitoring: the Prometheus config and alert rules pass promtool (their unit
tests included), and the alert rules and the Grafana dashboard name only series the services
expose."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from services.common.observability.metrics import EXPOSED_NAMES

PROMETHEUS = Path(__file__).resolve().parents[2] / "deploy" / "prometheus"
DASHBOARD = Path(__file__).resolve().parents[2] / "deploy" / "grafana" / "jobmatch-dashboard.json"
SERIES = re.compile(r"\bjobmatch_[a-z_]+\b")

needs_promtool = pytest.mark.skipif(
    shutil.which("promtool") is None,
    reason="promtool is not installed (Debian package `prometheus`; .ci/run installs it)",
)


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["promtool", *args], cwd=PROMETHEUS, capture_output=True, text=True, timeout=120)


def dashboard_expressions() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


@needs_promtool
class TestPromtool:
    def test_the_scrape_config_and_its_rule_files_are_valid(self) -> None:
        result = promtool("check", "config", "prometheus.yml")
        assert result.returncode == 0, result.stdout + result.stderr

    def test_each_alert_fires_on_its_situation_and_not_before_its_time(self) -> None:
        result = promtool("test", "rules", "alerts_test.yml")
        assert result.returncode == 0, result.stdout + result.stderr


class TestNamedSeriesExist:
    def test_the_alerts_cover_outbox_age_dead_letters_lag_and_rpc_errors(self) -> None:
        rules = yaml.safe_load((PROMETHEUS / "alerts.yml").read_text())["groups"][0]["rules"]
        named = {name for rule in rules for name in SERIES.findall(rule["expr"])}
        assert {
            "jobmatch_outbox_oldest_pending_age_seconds",
            "jobmatch_consumer_events_total",
            "jobmatch_consumer_lag",
            "jobmatch_rpc_requests_total",
        } <= named
        assert named <= EXPOSED_NAMES

    def test_the_dashboard_parses_and_names_only_exposed_series(self) -> None:
        named = {name for expr in dashboard_expressions() for name in SERIES.findall(expr)}
        assert named, "the dashboard queries something"
        assert named <= EXPOSED_NAMES, named - EXPOSED_NAMES

    def test_every_exposed_family_is_on_the_dashboard(self) -> None:
        named = {name for expr in dashboard_expressions() for name in SERIES.findall(expr)}
        families = {re.sub(r"_(bucket|count|sum)$", "", name) for name in EXPOSED_NAMES}
        shown = {re.sub(r"_(bucket|count|sum)$", "", name) for name in named}
        assert families <= shown, families - shown
