"""Fault 4: the matching service is SIGKILLed while its consumer works through a burst of vacancy
events, and restarted. No event is skipped, and none is handled twice (no second match event)."""

from __future__ import annotations

import json

import grpc
from faults_support import SteppedIngest, matched_events, vacancy_batches, wait_until

BATCHES = 6
BATCH_SIZE = 150


class TestMatchingKilledMidBurst:
    def test_after_the_restart_every_event_is_handled_exactly_once(self, services, metadata_for) -> None:
        vacancies = services("vacancies")
        matching = services("matching", seed=True)
        batches = vacancy_batches(BATCHES * BATCH_SIZE, BATCH_SIZE, source="faults-consumer", seed=303)
        with grpc.insecure_channel(vacancies.address) as channel:
            stream = SteppedIngest(channel, metadata_for("service", "faults-ingest"))
            for batch in batches:
                stream.send(batch)
            stream.close()
        accepted = stream.accepted_ids()
        total = len(vacancies.query("SELECT event_id FROM event_outbox"))

        def handled() -> int:
            return matching.query("SELECT COUNT(*) FROM processed_event")[0][0]

        assert wait_until(lambda: handled() >= 20, 60, interval=0.01)
        matching.kill()
        handled_before_kill = handled()
        assert handled_before_kill < total, "matching was done before the kill: the test proves nothing"

        matching.start()
        outbox_ids = {row[0] for row in vacancies.query("SELECT event_id FROM event_outbox")}
        assert wait_until(lambda: outbox_ids <= {r[0] for r in matching.query("SELECT event_id FROM processed_event")},
                          120), "events were skipped after the restart"
        projected = {row[0] for row in matching.query("SELECT vacancy_id FROM open_vacancy")}
        assert accepted <= projected
        matches = matched_events(matching.query("SELECT event_type, data FROM event_outbox"))
        twice = {key: n for key, n in matches.items() if n > 1 or key[2] != 1}
        assert matches
        assert not twice, f"handled twice across the crash: {twice}"
        print(json.dumps({"fault": "matching-sigkill-mid-burst", "events": total,
                          "handled_before_kill": handled_before_kill, "match_events": sum(matches.values()),
                          "duplicates_processed": len(twice), "skipped": 0}))
