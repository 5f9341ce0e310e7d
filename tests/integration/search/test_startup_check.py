"""A search engine that cannot be used at start: the check gives up in time with a message in
Dutch and English that names the setting, and a service process exits with it (no traceback)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from search_legs import osmem_cluster

from services.common.search import client as search_client
from services.common.search.client import Connection, connect_checked
from services.common.search.engine import SearchEngineStartupError
from services.common.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
ACCEPTANCE_SECONDS = 30.0  # the issue: a service that cannot use its engine exits within 30 s


def closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def silent_engine() -> Iterator[str]:
    """Accepts connections and never answers (a hung engine or a firewall that drops replies)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def refusing_credentials() -> Iterator[str]:
    """An HTTP endpoint that answers 401 to everything, as an engine does to a wrong API key."""

    class Unauthorized(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's naming
            body = b'{"error":{"type":"security_exception","reason":"unable to authenticate"},"status":401}'
            self.send_response(401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Unauthorized)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def bilingual(message: str) -> bool:
    return (
        " / " in message
        and ("controleer" in message or "zet " in message)
        and ("check" in message or "set " in message)
    )


class TestStartupCheck:
    def test_an_unreachable_engine_is_given_up_on_naming_jobmatch_search_url_in_dutch_and_english(self) -> None:
        url = f"http://127.0.0.1:{closed_port()}"
        started = time.monotonic()
        with pytest.raises(SearchEngineStartupError) as refused:
            connect_checked(Connection(url=url, kind="opensearch"), deadline=1.0)
        assert time.monotonic() - started < ACCEPTANCE_SECONDS
        message = str(refused.value)
        assert "niet bereikbaar" in message and "cannot be reached" in message
        assert message.count("JOBMATCH_SEARCH_URL") == 2 and bilingual(message)

    def test_an_engine_that_never_answers_is_given_up_on_at_the_deadline_not_after_the_retries(
        self, silent_engine: str
    ) -> None:
        started = time.monotonic()
        with pytest.raises(SearchEngineStartupError, match="JOBMATCH_SEARCH_URL"):
            connect_checked(Connection(url=silent_engine, kind="opensearch"), deadline=2.0)
        # One probe at a time, each bounded by the time left: not 5 retries of a full timeout.
        assert time.monotonic() - started < 2.0 + 8.0

    def test_the_default_deadline_leaves_the_process_time_to_start_within_30_seconds(self, monkeypatch) -> None:  # type: ignore[no-untyped-def]
        monkeypatch.delenv("JOBMATCH_SEARCH_STARTUP_SECONDS", raising=False)
        deadline = Connection.from_settings(Settings(search_url="http://127.0.0.1:9200")).startup_seconds
        assert deadline + 5.0 <= ACCEPTANCE_SECONDS
        assert deadline >= search_client.PROBE_TIMEOUT_SECONDS

    def test_wrong_credentials_are_refused_at_once_naming_the_credential_settings(
        self, refusing_credentials: str
    ) -> None:
        with pytest.raises(SearchEngineStartupError) as refused:
            connect_checked(Connection(url=refusing_credentials, kind="opensearch", api_key="wrong"), deadline=20.0)
        message = str(refused.value)
        assert "weigert de inlog" in message and "refuses the credentials" in message and "HTTP 401" in message
        assert message.count("JOBMATCH_SEARCH_API_KEY") == 2 and bilingual(message)

    def test_the_wrong_engine_kind_is_refused_naming_jobmatch_search_engine(self) -> None:
        with osmem_cluster() as url, pytest.raises(SearchEngineStartupError) as refused:
            connect_checked(Connection(url=url, kind="elasticsearch"), deadline=5.0)
        message = str(refused.value)
        assert "JOBMATCH_SEARCH_ENGINE=opensearch" in message and "draait opensearch" in message
        assert "runs opensearch" in message and bilingual(message)

    def test_the_right_engine_passes_and_answers(self) -> None:
        with osmem_cluster() as url:
            engine = connect_checked(Connection(url=url, kind="opensearch"), deadline=5.0)
            assert engine.kind == "opensearch" and engine.info()["version"]["distribution"] == "opensearch"
            engine.close()


def run_vacancies(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("JOBMATCH_", "ELASTICSEARCH_", "KAFKA_"))}
    return subprocess.run(
        [sys.executable, "-m", "services.vacancies"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=ACCEPTANCE_SECONDS + 30,
        env=clean
        | {
            "JOBMATCH_DATA_DIR": str(tmp_path),
            "JOBMATCH_VACANCIES_PORT": "0",
            # a production start needs its own secret (issue 18); the test's own
            "JOBMATCH_TOKEN_SECRET": os.environ["JOBMATCH_TOKEN_SECRET"],
            "JOBMATCH_SEED_SAMPLE_DATA": "false",
        }
        | env,
    )


class TestAServiceProcess:
    def test_with_a_dead_search_url_it_exits_non_zero_in_time_printing_the_message_not_a_traceback(
        self, tmp_path: Path
    ) -> None:
        started = time.monotonic()
        done = run_vacancies(
            {
                "JOBMATCH_SEARCH_URL": f"http://127.0.0.1:{closed_port()}",
                "JOBMATCH_SEARCH_ENGINE": "opensearch",
                "JOBMATCH_SEARCH_STARTUP_SECONDS": "2",
            },
            tmp_path,
        )
        assert time.monotonic() - started < ACCEPTANCE_SECONDS
        assert done.returncode == 2, done.stderr
        assert "niet bereikbaar" in done.stderr and "cannot be reached" in done.stderr
        assert "JOBMATCH_SEARCH_URL" in done.stderr and "Traceback" not in done.stderr

    def test_before_the_indices_are_migrated_it_exits_naming_the_migrate_command(self, tmp_path: Path) -> None:
        with osmem_cluster() as url:
            done = run_vacancies({"JOBMATCH_SEARCH_URL": url, "JOBMATCH_SEARCH_ENGINE": "opensearch"}, tmp_path)
        assert done.returncode == 2, done.stderr
        assert "jobmatch search migrate" in done.stderr and "missing" in done.stderr
        assert "Traceback" not in done.stderr
