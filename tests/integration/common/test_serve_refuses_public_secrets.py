"""`jobmatch serve <service>` (the production entry, and the container image's) refuses to
start within 5 s, exit code 2, when anyone could mint its tokens: no secret and no OIDC
provider, a short secret, or one that appeared in this repository."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
OLD_DEFAULT_COMMIT = "1bc1f9b"  # the last commit with a built-in secret in settings.py


def old_built_in_secret() -> str:
    """The former default, read from history rather than written here once more."""
    shown = subprocess.run(
        ["git", "show", f"{OLD_DEFAULT_COMMIT}:services/common/settings.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    found = re.search(r'DEV_TOKEN_SECRET = "([^"]+)"', shown.stdout)
    if found is None:
        pytest.skip("the repository history is not available")
    return found.group(1)


def serve(service: str, tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBMATCH_", "KAFKA_", "ELASTICSEARCH_"))}
    env.update(
        {
            "JOBMATCH_DATA_DIR": str(tmp_path / "data"),
            "JOBMATCH_VACANCIES_PORT": "0",
            "JOBMATCH_MATCHING_PORT": "0",
            "JOBMATCH_ACTIVITIES_PORT": "0",
            **settings,
        }
    )
    # A refusal exits at once; a service that started instead would serve until the timeout kills it.
    return subprocess.run(
        [sys.executable, "-m", "services.cli", "serve", service],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("service", ["vacancies", "matching", "activities"])
def test_without_a_secret_or_oidc_every_service_refuses_to_start_naming_the_settings(
    service: str, tmp_path: Path
) -> None:
    done = serve(service, tmp_path)
    assert done.returncode == 2
    assert "JOBMATCH_TOKEN_SECRET" in done.stderr and "JOBMATCH_OIDC_ISSUER" in done.stderr
    assert "start niet" in done.stderr and "will not start" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("case", "secret", "reason"),
    [
        ("empty, as in deploy/.env.example", "", "is not set"),
        ("shorter than 32 bytes", "Kq3v9Zt2Lm8x", "shorter than 32 bytes"),
        ("the old built-in default", None, "is public"),
    ],
)
def test_a_weak_or_public_secret_is_refused_at_start(
    case: str, secret: str | None, reason: str, tmp_path: Path
) -> None:
    done = serve("vacancies", tmp_path, JOBMATCH_TOKEN_SECRET=old_built_in_secret() if secret is None else secret)
    assert done.returncode == 2
    assert reason in done.stderr


def test_the_development_secret_of_jobmatch_up_does_not_start_a_production_service(tmp_path: Path) -> None:
    from services.common.token_secret import ensure_dev_secret

    ensure_dev_secret(tmp_path / "data")
    done = serve("vacancies", tmp_path)
    assert done.returncode == 2 and "JOBMATCH_TOKEN_SECRET" in done.stderr


def test_an_algorithm_list_with_hs256_for_the_identity_provider_is_refused_at_start(tmp_path: Path) -> None:
    done = serve("vacancies", tmp_path, JOBMATCH_OIDC_ISSUER="https://idp.test", JOBMATCH_OIDC_ALGORITHMS="RS256,HS256")
    assert done.returncode == 2 and "JOBMATCH_OIDC_ALGORITHMS" in done.stderr
