"""The token secret: generated per data dir for development, refused at start when missing,
short or public, and no secret that ever appeared in this repository is accepted."""

from __future__ import annotations

import re
import secrets
import stat
import subprocess
from pathlib import Path

import pytest

from services.common.settings import Settings
from services.common.token_secret import (
    dev_secret_path,
    ensure_dev_secret,
    read_dev_secret,
    secret_problem,
    startup_refusal,
)

ROOT = Path(__file__).resolve().parents[3]
# A value given to JOBMATCH_TOKEN_SECRET / token_secret: quoted literals in code, plain values in env files.
QUOTED = re.compile(r"""(?:token_secret|TOKEN_SECRET)\w*\s*[=:]\s*(?:SecretStr\()?["']([^"']+)["']""")
ENV_LINE = re.compile(r"""^\+?\s*(?:export\s+)?JOBMATCH_TOKEN_SECRET\s*[=:]\s*([^\s#"'$]\S*)""", re.MULTILINE)


def secrets_in(text: str) -> set[str]:
    return set(QUOTED.findall(text)) | set(ENV_LINE.findall(text))


def git(*args: str) -> str:
    done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        pytest.skip(f"not a git checkout: {done.stderr.strip()}")
    return done.stdout


class TestWhichSecretsAreRefused:
    @pytest.mark.parametrize(
        ("secret", "reason"),
        [
            (None, "is not set"),
            ("", "is not set"),
            ("x7Gq2LmP9", "shorter than 32 bytes"),
            ("please-change-me-before-going-live-0123456789", "is public"),
            ("a" * 40, "not random enough"),
        ],
    )
    def test_a_weak_secret_is_refused_with_its_reason(self, secret: str | None, reason: str) -> None:
        problem = secret_problem(secret)
        assert problem is not None and reason in problem[1]

    def test_a_long_random_secret_is_accepted(self) -> None:
        assert secret_problem(secrets.token_urlsafe(48)) is None

    def test_every_secret_that_ever_appeared_in_the_repository_is_refused(self) -> None:
        found: set[str] = set()
        for path in git("ls-files").splitlines():
            file = ROOT / path
            if file.is_file() and file.suffix not in {".gz", ".png", ".db", ".sqlite"}:
                found |= secrets_in(file.read_text(errors="replace"))
        history = git("log", "-p", "--all", "-G", "TOKEN_SECRET|token_secret")
        found |= secrets_in("\n".join(line for line in history.splitlines() if line.startswith("+")))
        assert "change-me-to-a-long-random-secret" in found, "the scan must see the old deploy example"
        accepted = sorted(s for s in found if secret_problem(s) is None)
        assert accepted == [], f"add their SHA-256 to PUBLIC_SECRET_DIGESTS: {accepted}"


class TestStartUp:
    def test_without_secret_and_without_oidc_the_refusal_names_both_settings(self) -> None:
        refusal = startup_refusal(Settings(token_secret=""))
        assert refusal is not None
        assert "JOBMATCH_TOKEN_SECRET" in refusal and "JOBMATCH_OIDC_ISSUER" in refusal
        assert "start niet" in refusal and "will not start" in refusal

    def test_with_oidc_alone_the_service_may_start(self) -> None:
        assert startup_refusal(Settings(token_secret="", oidc_issuer="https://idp.example.nl")) is None

    def test_with_oidc_a_weak_secret_beside_it_is_still_refused(self) -> None:
        assert startup_refusal(Settings(token_secret="short", oidc_issuer="https://idp.example.nl")) is not None

    def test_a_jwks_url_without_an_issuer_is_refused(self) -> None:
        refusal = startup_refusal(Settings(token_secret=secrets.token_urlsafe(48), oidc_jwks_url="https://idp/jwks"))
        assert refusal is not None and "JOBMATCH_OIDC_ISSUER" in refusal

    def test_a_strong_secret_of_ones_own_may_start(self) -> None:
        assert startup_refusal(Settings(token_secret=secrets.token_urlsafe(48))) is None

    @pytest.mark.parametrize("algorithms", ["none", "HS256", "RS256,HS512", ""])
    def test_oidc_algorithms_other_than_asymmetric_ones_do_not_validate(self, algorithms: str) -> None:
        with pytest.raises(ValueError, match="JOBMATCH_OIDC_ALGORITHMS"):
            Settings(oidc_algorithms=algorithms)


class TestDevelopmentSecret:
    def test_the_first_start_generates_a_secret_only_its_owner_can_read(self, tmp_path: Path) -> None:
        secret = ensure_dev_secret(tmp_path / "data")
        mode = stat.S_IMODE(dev_secret_path(tmp_path / "data").stat().st_mode)
        assert mode == 0o600
        assert secret_problem(secret) is None

    def test_later_starts_keep_the_same_secret(self, tmp_path: Path) -> None:
        assert ensure_dev_secret(tmp_path) == ensure_dev_secret(tmp_path) == read_dev_secret(tmp_path)

    def test_every_data_dir_gets_a_secret_of_its_own(self, tmp_path: Path) -> None:
        assert ensure_dev_secret(tmp_path / "a") != ensure_dev_secret(tmp_path / "b")

    def test_an_unusable_secret_file_is_replaced(self, tmp_path: Path) -> None:
        dev_secret_path(tmp_path).write_text("short\n")
        assert secret_problem(ensure_dev_secret(tmp_path)) is None
