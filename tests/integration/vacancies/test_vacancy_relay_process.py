"""The outbox relay in a process of its own (JOBMATCH_VACANCIES_RELAY_PROCESS=1) publishes what
the thread would: every event once, each vacancy's events in outbox order, on the real broker."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Iterator

import pytest
from vacancies_support import MovableClock, vacancy

from services.common.bus import topics
from services.common.bus.tail import read_topic_events
from services.common.settings import Settings
from services.vacancies.bootstrap import App, build_app
from services.vacancies.relay_process import RelayProcess


@pytest.fixture
def online_app(settings: Settings, clock: MovableClock) -> Iterator[App]:
    from services.common.bus.broker import ensure_topics

    ensure_topics(settings.kafka_bootstrap_servers, [topics.VACANCIES])
    application = build_app(settings, clock=clock)
    yield application
    application.close()


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

    def test_the_relay_process_dies_with_the_thread_that_started_it(self, online_app: App) -> None:
        # What stands in for a killed service: the child must not go on publishing alone.
        started: list[RelayProcess] = []
        starter = threading.Thread(target=lambda: started.append(self._started(online_app)))
        starter.start()
        starter.join()
        (relay,) = started
        assert relay.pid is not None
        assert process_is_gone(relay.pid)

    @staticmethod
    def _started(app: App) -> RelayProcess:
        relay = RelayProcess(app.outbox, app.settings)  # type: ignore[arg-type]
        relay.start()
        return relay

    def test_without_the_setting_the_relay_stays_a_thread(
        self, online_app: App, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("JOBMATCH_VACANCIES_RELAY_PROCESS", raising=False)
        online_app.start_background(expiry_interval=0)
        assert not isinstance(online_app.relay(), RelayProcess)
