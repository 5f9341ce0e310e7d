"""CI lints deploy/ on every run with the linters the dev extra installs from PyPI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def run_linter(name: str, *args: str) -> subprocess.CompletedProcess[str]:
    binary = BIN / name
    if not binary.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
        binary = Path(found)
    return subprocess.run([str(binary), *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


class TestDeployFilesPassTheirLinters:
    def test_the_dockerfile_passes_hadolint(self) -> None:
        result = run_linter("hadolint", "deploy/Dockerfile")
        assert result.returncode == 0, result.stdout + result.stderr

    def test_the_compose_file_matches_the_compose_specification(self) -> None:
        result = run_linter("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "deploy/compose.yaml")
        assert result.returncode == 0, result.stdout + result.stderr

    def test_every_yaml_file_in_deploy_passes_yamllint_strictly(self) -> None:
        result = run_linter("yamllint", "-s", "-c", "deploy/.yamllint", "deploy/")
        assert result.returncode == 0, result.stdout + result.stderr


class TestDeployFilesAgreeWithTheCode:
    def test_each_service_runs_its_own_command_with_its_health_check_name(self) -> None:
        import yaml

        from services.healthcheck import SERVICE_NAMES

        compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
        for name in SERVICE_NAMES:
            service = compose["services"][name]
            assert service["command"] == ["serve", name]
            assert service["environment"]["JOBMATCH_SERVICE"] == name
            assert service["depends_on"]["search-migrate"]["condition"] == "service_completed_successfully"
        assert compose["services"]["search-migrate"]["command"] == ["search", "migrate"]

    def test_the_example_environment_names_only_settings_the_code_reads(self) -> None:
        from services.common.settings import Settings

        known = {
            alias
            for field in Settings.model_fields.values()
            for alias in getattr(field.validation_alias, "choices", ())
        }
        compose_only = {
            "JOBMATCH_IMAGE",
            "ELASTICSEARCH_IMAGE_TAG",
            "ES_JAVA_OPTS",
            "KAFKA_IMAGE_TAG",
            "KAFKA_TOPIC_PARTITIONS",
            "KAFKA_REPLICATION_FACTOR",
            "KAFKA_MIN_INSYNC_REPLICAS",
            "VACANCIES_HOST_PORT",
            "MATCHING_HOST_PORT",
            "ACTIVITIES_HOST_PORT",
            "JOBMATCH_ES_INDEX_PREFIX",
        }
        names = {
            line.split("=", 1)[0]
            for line in (DEPLOY / ".env.example").read_text().splitlines()
            if line and not line.startswith("#")
        }
        assert names - known - compose_only == set()
