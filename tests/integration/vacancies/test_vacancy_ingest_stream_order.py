"""The order an IngestVacancies stream keeps, whatever the servicer reads ahead: a client that
waits for each answer before sending the next batch (as the feed readers may) gets every
answer, and a refused batch comes after the answers to every batch before it, with nothing
of it or after it stored."""

from __future__ import annotations

import queue

import grpc
import pytest
from vacancies_support import vacancy

from jobmatch.vacancies.v1 import vacancy_service_pb2 as svc
from services.vacancies.service_layer import ingest as ingest_use_case
from services.vacancies.service_layer.proto_codec import content_to_proto


def batch(number: int, size: int) -> svc.IngestVacanciesRequest:
    return svc.IngestVacanciesRequest(
        batch_id=f"b{number}",
        vacancies=[content_to_proto(vacancy(f"{number}-{n}", place="Utrecht")) for n in range(size)],
    )


def stored_count(stub, service) -> int:  # type: ignore[no-untyped-def]
    return stub.SearchVacancies(svc.SearchVacanciesRequest(page_size=1), metadata=service).total_count


def test_a_client_that_sends_each_batch_only_after_the_last_answer_gets_every_answer(stub, service) -> None:  # type: ignore[no-untyped-def]
    requests: queue.Queue[svc.IngestVacanciesRequest | None] = queue.Queue()
    # The deadline turns a server that waits for batch N+1 before answering batch N into a failure, not a hang.
    responses = stub.IngestVacancies(iter(requests.get, None), metadata=service, timeout=30)
    answered = []
    for number in range(4):
        requests.put(batch(number, 3))
        answer = next(responses)
        answered.append((answer.batch_id, len(answer.results)))
    requests.put(None)
    assert list(responses) == []
    assert answered == [("b0", 3), ("b1", 3), ("b2", 3), ("b3", 3)]
    assert stored_count(stub, service) == 12


def test_a_batch_over_the_limit_is_refused_after_the_answers_before_it_and_nothing_from_it_on_is_stored(
    stub,  # type: ignore[no-untyped-def]
    service,
    monkeypatch,
) -> None:
    monkeypatch.setattr(ingest_use_case, "MAX_BATCH_ITEMS", 3)
    sent = [batch(0, 2), batch(1, 3), batch(2, 4), batch(3, 2)]
    answers = []
    with pytest.raises(grpc.RpcError) as refused:
        for answer in stub.IngestVacancies(iter(sent), metadata=service, timeout=30):
            answers.append(answer.batch_id)
    assert refused.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert answers == ["b0", "b1"]
    assert stored_count(stub, service) == 5
