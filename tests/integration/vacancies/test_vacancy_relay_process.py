"""The outbox relay in a process of its own (the default with the SQLite outbox and a broker;
JOBMATCH_VACANCIES_RELAY_PROCESS=0 keeps the thread) publishes what the thread would: every event
once, each vacancy's events in outbox order, on the real broker; and the service's own metrics
show what it published and the backlog it leaves, as they do with the thread."""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from polling import wait_for
from prometheus_client import REGISTRY
from vacancies_support import MovableClock, vacancy

from services.common.bus import topics
from services.common.bus.tail import read_topic_events
from services.common.settings import Settings
from services.vacancies import relay_process
from services.vacancies.bootstrap import App, build_app
from services.vacancies.relay_process import RelayProcess


@pytest.fixture
def online_app(settings: Settings, clock: MovableClock) -> Iterator[App]:
    from services.common.bus.broker import ensure_topics

    ensure_topics(settings.kafka_bootstrap_servers, [topics.VACANCIES])
    application = build_app(settings, clock=clock)
    yield application
    application.close()


# A service process in miniature: the relay child started as the service starts it, then its pid.
_SERVICE_WITH_A_RELAY_PROCESS = """
import pickle, sys, time
from pathlib import Path
from services.common.bus.outbox import SqliteOutbox
from services.vacancies.relay_process import RelayProcess
settings, db_path, source = pickle.load(sys.stdin.buffer)
relay = RelayProcess(SqliteOutbox(Path(db_path), source, settings.outbox_retention_days), settings)
relay.start()
print(relay.pid, flush=True)
time.sleep(600)
"""


def process_is_gone(pid: int, within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        try:  # a killed child of ours stays a zombie until reaped
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                return True
        except ChildProcessError:
            pass
        time.sleep(0.05)
    return False


def outbox_series(name: str) -> float:
    """The vacancies outbox series `name` as this process's /metrics serves it (0 when absent)."""
    return REGISTRY.get_sample_value(name, {"service": "vacancies"}) or 0.0


class TestRelayInItsOwnProcess:
    def test_each_event_reaches_the_broker_once_and_each_vacancys_events_in_outbox_order(
        self, online_app: App, settings: Settings
    ) -> None:
        online_app.start_background(expiry_interval=0, relay_process=True)
        relay = online_app.relay()
        assert isinstance(relay, RelayProcess) and relay.is_alive()
        first = online_app.ingest([vacancy(str(n)) for n in range(40)])
        online_app.ingest([vacancy(str(n), title="Medewerker magazijn") for n in range(0, 40, 2)])  # updates
        withdrawn = first[1].vacancy_id
        online_app.withdraw(withdrawn, "vervuld")
        assert relay.flush(timeout=60)

        ids = {r.vacancy_id for r in first}
        found = [
            (key, e) for key, e in read_topic_events(settings.kafka_bootstrap_servers, topics.VACANCIES) if key in ids
        ]
        conn = sqlite3.connect(online_app.outbox.db_path)
        try:
            stored = conn.execute("SELECT event_id, message_key FROM event_outbox ORDER BY sequence").fetchall()
        finally:
            conn.close()
        assert sorted(e.id for _, e in found) == sorted(event_id for event_id, _ in stored)  # once each
        outbox_order = [event_id for event_id, _ in stored]
        for vacancy_id in ids:
            on_the_bus = [e.id for key, e in found if key == vacancy_id]
            assert on_the_bus == [i for i in outbox_order if i in set(on_the_bus)]
        types = [e.type for key, e in found if key == withdrawn]
        assert types == ["nl.werk.vacancy-published.v1", "nl.werk.vacancy-closed.v1"]
        updated = [e.type for key, e in found if key == first[0].vacancy_id]
        assert updated == ["nl.werk.vacancy-published.v1", "nl.werk.vacancy-updated.v1"]

    def test_closing_the_app_ends_the_relay_process(self, online_app: App) -> None:
        online_app.start_background(expiry_interval=0, relay_process=True)
        relay = online_app.relay()
        assert isinstance(relay, RelayProcess) and relay.pid is not None
        pid = relay.pid
        online_app.close()
        assert process_is_gone(pid)

    def test_a_killed_service_leaves_no_relay_process_behind(self, online_app: App) -> None:
        # The child must not go on publishing alone: it dies with the thread that started it,
        # which lives as long as the service process does.
        service = subprocess.Popen(
            [sys.executable, "-c", _SERVICE_WITH_A_RELAY_PROCESS],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[3],
        )
        assert service.stdin is not None and service.stdout is not None
        outbox = online_app.outbox
        service.stdin.write(pickle.dumps((online_app.settings, str(outbox.db_path), outbox.source)))
        service.stdin.close()
        relay_pid = int(service.stdout.readline())
        assert not process_is_gone(relay_pid, within=0.5)
        service.kill()
        service.wait(10)
        service.stdout.close()
        assert process_is_gone(relay_pid)

    def test_a_relay_process_that_died_is_started_again_and_publishes_what_waited(self, online_app: App) -> None:
        online_app.start_background(expiry_interval=0, relay_process=True)
        relay = online_app.relay()
        assert isinstance(relay, RelayProcess) and relay.pid is not None
        first = relay.pid
        os.kill(first, signal.SIGKILL)
        assert process_is_gone(first)
        online_app.ingest([vacancy(str(n)) for n in range(5)])
        assert wait_for(lambda: relay.pid not in (None, first) and relay.is_alive(), 30)
        assert relay.flush(timeout=60) and relay.restarts >= 1
        conn = online_app.outbox.connect()
        try:
            ids = {row[0] for row in conn.execute("SELECT event_id FROM event_outbox")}
        finally:
            conn.close()
        events = read_topic_events(online_app.settings.kafka_bootstrap_servers, topics.VACANCIES)
        assert len(ids) == 5 and ids <= {event.id for _, event in events}

    def test_by_default_the_relay_runs_in_its_own_process(
        self, online_app: App, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("JOBMATCH_VACANCIES_RELAY_PROCESS", raising=False)
        online_app.start_background(expiry_interval=0)
        relay = online_app.relay()
        assert isinstance(relay, RelayProcess) and relay.is_alive()

    def test_set_to_0_the_relay_stays_a_thread(self, online_app: App, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("JOBMATCH_VACANCIES_RELAY_PROCESS", "0")
        online_app.start_background(expiry_interval=0)
        relay = online_app.relay()
        assert relay is not None and not isinstance(relay, RelayProcess)


class TestTheServiceMetricsOfTheRelayProcess:
    def test_the_service_counts_what_the_child_published_and_its_backlog_drains_to_0(
        self, online_app: App, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("JOBMATCH_VACANCIES_RELAY_PROCESS", raising=False)
        published_before = outbox_series("jobmatch_relay_published_events_total")
        online_app.start_background(expiry_interval=0)
        relay = online_app.relay()
        assert isinstance(relay, RelayProcess)
        online_app.ingest([vacancy(str(n)) for n in range(30)])
        online_app.withdraw(online_app.ingest([vacancy("31")])[0].vacancy_id, "vervuld")
        assert relay.flush(timeout=60)

        def published() -> float:
            return outbox_series("jobmatch_relay_published_events_total") - published_before

        assert wait_for(lambda: published() >= 32, 30)
        assert wait_for(lambda: outbox_series("jobmatch_outbox_pending_events") == 0, 30)
        assert published() == 32  # 31 published, 1 closed: each once
        assert outbox_series("jobmatch_outbox_oldest_pending_age_seconds") == 0

    def test_the_service_counts_the_rounds_the_child_failed(self, online_app: App) -> None:
        errors_before = outbox_series("jobmatch_relay_errors_total")
        online_app.start_background(expiry_interval=0, relay_process=True)
        relay = online_app.relay()
        assert isinstance(relay, RelayProcess)
        online_app.ingest([vacancy("1")])
        assert relay.flush(timeout=60)
        # A fault that fails the child's rounds at once (a broker that is down takes a
        # 30 s bootstrap timeout per round): its outbox table is gone.
        conn = sqlite3.connect(online_app.outbox.db_path)
        try:
            conn.execute("ALTER TABLE event_outbox RENAME TO event_outbox_away")
            assert wait_for(lambda: outbox_series("jobmatch_relay_errors_total") - errors_before >= 2, 30)
            conn.execute("ALTER TABLE event_outbox_away RENAME TO event_outbox")
        finally:
            conn.close()
        assert relay.error_count >= 2 and relay.published_count == 1

    def test_a_dead_relay_process_shows_as_a_backlog_that_grows_and_ages_until_it_is_back(
        self, online_app: App, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(relay_process, "RESTART_DELAY_SECONDS", 3600.0)  # not back during this test
        online_app.start_background(expiry_interval=0, relay_process=True)
        relay = online_app.relay()
        assert isinstance(relay, RelayProcess) and relay.pid is not None
        os.kill(relay.pid, signal.SIGKILL)
        assert process_is_gone(relay.pid)
        online_app.ingest([vacancy(str(n)) for n in range(5)])
        assert wait_for(lambda: outbox_series("jobmatch_outbox_pending_events") == 5, 30)
        age = outbox_series("jobmatch_outbox_oldest_pending_age_seconds")
        assert wait_for(lambda: outbox_series("jobmatch_outbox_oldest_pending_age_seconds") > age, 30)
