"""Fault 2: the vacancies service is SIGKILLed while an IngestVacancies stream is running and a
batch is in flight. After the restart every acknowledged vacancy is there, nothing is stored or
published twice, and sending the whole feed again reports nothing as new."""

from __future__ import annotations

import json
import time
from collections import Counter

import grpc
import pytest
from faults_support import ACCEPTED, SteppedIngest, vacancy_batches

from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc

BATCHES = 8
BATCH_SIZE = 150
KILL_DURING = 5  # batches 0..4 are acknowledged, batch 5 is in flight when the process dies (or just answered)
PUBLISHED = "nl.werk.vacancy-published.v1"


class TestVacanciesKilledMidStream:
    def test_every_acknowledged_vacancy_survives_once_and_a_resend_is_not_new(self, services, metadata_for) -> None:
        vacancies = services("vacancies")
        token = metadata_for("service", "faults-ingest")
        batches = vacancy_batches(BATCHES * BATCH_SIZE, BATCH_SIZE, source="faults-sigkill", seed=202)

        with grpc.insecure_channel(vacancies.address) as channel:
            stream = SteppedIngest(channel, token)
            for batch in batches[:KILL_DURING]:
                stream.send(batch)
            stream.send_only(batches[KILL_DURING])
            time.sleep(0.05)  # the batch is being stored
            vacancies.kill()
            with pytest.raises(grpc.RpcError) as broken:
                # Its answer may have left before the kill (150 vacancies take ~15 ms to store):
                # then it is acknowledged like the others, and the next batch finds no server.
                stream.receive(batches[KILL_DURING])
                stream.send(batches[KILL_DURING + 1])
            assert broken.value.code() in (
                grpc.StatusCode.UNAVAILABLE,
                grpc.StatusCode.CANCELLED,
                grpc.StatusCode.INTERNAL,
                grpc.StatusCode.UNKNOWN,
            )
        acknowledged = dict(stream.acknowledged)
        assert len(acknowledged) in (KILL_DURING * BATCH_SIZE, (KILL_DURING + 1) * BATCH_SIZE)

        vacancies.start()  # same port, same data dir
        with grpc.insecure_channel(vacancies.address) as channel:
            stub = vacancy_service_pb2_grpc.VacancyServiceStub(channel)
            for (source, external_id), result in acknowledged.items():
                assert result.vacancy_id, (source, external_id, result)
                stored = stub.GetVacancy(
                    svc.GetVacancyRequest(vacancy_id=result.vacancy_id), metadata=token, timeout=10
                ).vacancy
                assert stored.vacancy_id == result.vacancy_id
            rows_after_crash = vacancies.query("SELECT COUNT(*) FROM vacancies")[0][0]

            again = SteppedIngest(channel, token)
            statuses: Counter[int] = Counter()
            for batch in batches:
                for result in again.send(batch).results:
                    statuses[result.status] += 1
                    before = acknowledged.get((result.source, result.external_id))
                    if before is not None:
                        assert result.status != ACCEPTED, f"acknowledged before the crash, new now: {result}"
                        assert result.vacancy_id == before.vacancy_id
            again.close()
            total = stub.SearchVacancies(
                svc.SearchVacanciesRequest(page_size=1), metadata=token, timeout=10
            ).total_count

        stored_rows = vacancies.query("SELECT COUNT(*) FROM vacancies")[0][0]
        distinct_ids = {r.vacancy_id for r in again.acknowledged.values()}
        assert stored_rows == len(distinct_ids) == total, "a vacancy was stored twice"
        per_vacancy = Counter(
            key
            for key, kind in vacancies.query("SELECT message_key, event_type FROM event_outbox")
            if kind == PUBLISHED
        )
        twice = {key: n for key, n in per_vacancy.items() if n > 1}
        assert not twice, f"published twice: {twice}"
        assert set(per_vacancy) == distinct_ids
        new_on_resend = statuses[ACCEPTED]
        # Only items of the batches never acknowledged may be new now; the in-flight batch was
        # either stored before the kill (then unchanged now) or rolled back (then new now).
        assert new_on_resend <= (BATCHES - KILL_DURING) * BATCH_SIZE
        print(
            json.dumps(
                {
                    "fault": "vacancies-sigkill-mid-stream",
                    "acknowledged": len(acknowledged),
                    "rows_after_crash": rows_after_crash,
                    "stored": stored_rows,
                    "new_on_resend": new_on_resend,
                    "stored_twice": 0,
                    "published_twice": len(twice),
                    "lost": 0,
                }
            )
        )
