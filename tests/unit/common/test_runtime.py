"""Background work of a service: periodic tasks survive a failing round, parts stop in reverse."""

from __future__ import annotations

import threading

from services.common.runtime import BackgroundWork


class Part:
    def __init__(self, name: str, stopped: list[str]) -> None:
        self.name, self.stopped, self.started = name, stopped, False

    def start(self) -> None:
        self.started = True

    def stop(self) -> None:
        self.stopped.append(self.name)


class TestBackgroundWork:
    def test_parts_are_started_and_stopped_in_reverse_order(self) -> None:
        stopped: list[str] = []
        work = BackgroundWork("test")
        relay = work.start(Part("relay", stopped))
        work.start(Part("consumer", stopped))
        assert relay.started and work.find(Part) is relay
        work.stop()
        assert stopped == ["consumer", "relay"]

    def test_a_failing_round_of_a_periodic_task_is_retried(self) -> None:
        rounds: list[int] = []
        done = threading.Event()

        def task() -> None:
            rounds.append(len(rounds))
            if len(rounds) == 1:
                raise RuntimeError("first round fails")
            done.set()

        work = BackgroundWork("test")
        work.every(0.01, "flaky", task)
        assert done.wait(5)
        work.stop()
        assert len(rounds) >= 2
