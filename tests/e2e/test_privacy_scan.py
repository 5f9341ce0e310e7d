"""Privacy scan over a realistic run of the whole stack (three service processes, a real broker).

Planted: vacancies whose description holds a contact person's name, an e-mail address and a
BSN-shaped number; clients who log activities with free-text notes holding names, e-mail
addresses and a BSN; a caseworker's rejection reason naming a person. Then every event on every
topic (dead-letter topics included) and every JSON log line of every service is scanned.

The rule applied (see also the report): events and logs carry pseudonymous ids only. The one
exception is the public job ad on `jobmatch.vacancies.v1`: its title, description, employer,
application e-mail and application URL are published by the employer for anyone to read, so an
employer's contact name or e-mail there is the employer's business contact, not a client's
personal data. A BSN-shaped number that passes the 11-proof is never allowed anywhere, job ad
included: no employer has a reason to publish one, so it is a mistake that must not spread.

The same run also checks the processing log per client (`jobmatch privacy log`) and erasure.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import grpc
import pytest

from bench.soak import REPO, Stack
from bench.stack import embedded_broker
from jobmatch.activities.v1 import activities_pb2 as apb
from jobmatch.activities.v1 import activities_pb2_grpc
from jobmatch.events.v1 import privacy_events_pb2, vacancy_events_pb2
from jobmatch.matching.v1 import matching_service_pb2 as mpb
from jobmatch.matching.v1 import matching_service_pb2_grpc
from jobmatch.privacy.v1 import privacy_pb2, privacy_pb2_grpc
from jobmatch.vacancies.v1 import vacancy_service_pb2 as vsvc
from jobmatch.vacancies.v1 import vacancy_service_pb2_grpc
from services.common.auth import mint_token
from services.common.bus import VACANCIES
from services.common.bus.cloudevents import InvalidEvent, from_kafka
from services.common.settings import Settings
from services.vacancies.seed import demo_jobs, sample_vacancies
from services.vacancies.service_layer.proto_codec import content_to_proto

CASEWORKER = "cw-demo"
ERASED_CLIENT = "c-demo-004"
PERSON_NAMES = ("Jan de Vries", "Fatima El Amrani", "Pieter Bakker", "Sanne Jansen", "Kees van der Berg")
PLANTED_EMAILS = ("j.devries@bakkerij-korenaar.nl", "fatima.elamrani@gmail.com", "pieter.bakker@hotmail.com")
PLANTED_BSNS = ("111222333", "123456782")
VACANCY_CONTACT = f"Vragen? Bel of mail Jan de Vries ({PLANTED_EMAILS[0]}). Referentie kandidaat BSN {PLANTED_BSNS[1]}."
NOTES = {
    "c-demo-002": f"Gesprek gehad met Fatima El Amrani ({PLANTED_EMAILS[1]}); zij wil mijn BSN {PLANTED_BSNS[0]} weten.",
    "c-demo-003": f"Mijn buurman Pieter Bakker ({PLANTED_EMAILS[2]}) tipte deze baan, bellen na de vakantie.",
    ERASED_CLIENT: "Sollicitatiebrief samen met Kees van der Berg geschreven, thuis op de keukentafel.",
}
REJECT_REASON = "Mevrouw Sanne Jansen van de werkgever kent deze sollicitatie niet."
# Job-ad fields that are public by nature on the vacancy topic (see the module docstring).
PUBLIC_JOB_AD_FIELDS = ("title", "description", "employer", "application_email", "application_url")

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# 9 digits, optionally written 1234.56.789 or 1234 56 789, not part of a longer token.
BSN_SHAPE = re.compile(r"(?<![A-Za-z0-9])(\d{4})[. ]?(\d{2})[. ]?(\d{3})(?![A-Za-z0-9])")


def passes_elfproef(digits: str) -> bool:
    """The BSN 11-proof: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11 (and not 0)."""
    if len(digits) != 9 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - int(digits[8])
    return total % 11 == 0 and total != 0


def bsns_in(text: str) -> list[str]:
    return [
        m.group(1) + m.group(2) + m.group(3)
        for m in BSN_SHAPE.finditer(text)
        if passes_elfproef(m.group(1) + m.group(2) + m.group(3))
    ]


def note_fragments() -> list[str]:
    """Every planted note and reason, and a distinctive piece of each (a note may be cut short)."""
    texts = [*NOTES.values(), REJECT_REASON]
    return texts + [text[:30] for text in texts]


@dataclass
class ScannedEvent:
    topic: str
    offset: int
    event_type: str
    text: str  # key + headers + value, the value as Latin-1 so every byte maps to a character
    public_text: str = ""  # the job-ad fields that are exempt from the name/e-mail rule
    payload: bytes = b""


@dataclass
class Run:
    events: list[ScannedEvent] = field(default_factory=list)
    log_lines: list[str] = field(default_factory=list)
    privacy_log: dict = field(default_factory=dict)
    privacy_log_exit: int = -1
    privacy_log_stderr: str = ""
    erasures: dict[str, privacy_pb2.EraseClientDataResponse] = field(default_factory=dict)
    vacancy_services_privacy: grpc.StatusCode | None = None
    logged_activities: int = 0


def scanned(record) -> ScannedEvent:
    headers = "\n".join(f"{k}={(v or b'').decode('latin-1')}" for k, v in record.headers or [])
    value = record.value or b""
    try:
        event_type = from_kafka(record.headers, value).type
    except InvalidEvent:
        event_type = ""
    public = ""
    if record.topic == VACANCIES and event_type in ("nl.werk.vacancy-published.v1", "nl.werk.vacancy-updated.v1"):
        message_type = (
            vacancy_events_pb2.VacancyPublished
            if event_type.endswith("published.v1")
            else vacancy_events_pb2.VacancyUpdated
        )
        message = message_type.FromString(value)
        public = "\n".join(str(getattr(message.vacancy, name)) for name in PUBLIC_JOB_AD_FIELDS)
        for name in PUBLIC_JOB_AD_FIELDS:
            message.vacancy.ClearField(name)
        value = message.SerializeToString()
    key = (record.key or b"").decode("latin-1")
    return ScannedEvent(
        record.topic,
        record.offset,
        event_type,
        f"{key}\n{headers}\n{value.decode('latin-1')}",
        public,
        record.value or b"",
    )


def read_every_topic(bootstrap: str) -> list[ScannedEvent]:
    from kafka import KafkaAdminClient, KafkaConsumer, TopicPartition

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        topics = sorted(t for t in admin.list_topics() if not t.startswith("__"))
    finally:
        admin.close()
    consumer = KafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        fetch_max_wait_ms=200,
    )
    events: list[ScannedEvent] = []
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t) or [])]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        idle_since = time.monotonic()
        while time.monotonic() - idle_since < 3.0:
            for batch in consumer.poll(timeout_ms=300).values():
                events.extend(scanned(record) for record in batch)
                idle_since = time.monotonic()
    finally:
        consumer.close(autocommit=False)
    return events


def job_ads_with_planted_contacts(count: int) -> vsvc.IngestVacanciesRequest:
    request = vsvc.IngestVacanciesRequest(batch_id="privacy")
    today = datetime.now(UTC).date()
    # The first sample vacancies are the demo clients' jobs, the same for every seed: the seeded
    # stack has them already (a duplicate, not a new ad).
    skip = len(demo_jobs())
    for content in list(sample_vacancies(count + skip, today=today, seed=4242, source="privacy-scan"))[skip:]:
        vacancy = content_to_proto(content, request.vacancies.add())
        vacancy.description = f"{vacancy.description}\n\n{VACANCY_CONTACT}"
        vacancy.application_email = PLANTED_EMAILS[0]
    return request


def _rows(stack: Stack, name: str, sql: str) -> list[tuple]:
    path = stack.data_dir / name / f"{name}.db"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def drained(stack: Stack) -> bool:
    """Matching has handled every vacancy event, then every outbox is published. Published
    alone is not done: matching's consumer may join its group after the scenario's last call,
    and until it has read the vacancy events there are no match events to wait for."""
    vacancy_events = {row[0] for row in _rows(stack, "vacancies", "SELECT event_id FROM event_outbox")}
    if not vacancy_events <= {row[0] for row in _rows(stack, "matching", "SELECT event_id FROM processed_event")}:
        return False
    unpublished = "SELECT COUNT(*) FROM event_outbox WHERE published_at IS NULL"
    return not any(_rows(stack, name, unpublished)[0][0] for name in ("vacancies", "matching", "activities"))


def play_scenario(stack: Stack, settings: Settings, run: Run) -> None:
    def md(**claims) -> tuple[tuple[str, str], ...]:
        return (("authorization", f"Bearer {mint_token(settings, **claims)}"),)

    service = md(subject="privacy-scan", role="service")
    caseworker = md(subject=CASEWORKER, role="caseworker", caseload=[f"c-demo-{i:03d}" for i in range(1, 21)])
    channels = {n: grpc.insecure_channel(f"127.0.0.1:{p}") for n, p in stack.ports.items()}
    try:
        vacancies = vacancy_service_pb2_grpc.VacancyServiceStub(channels["vacancies"])
        matching = matching_service_pb2_grpc.MatchingServiceStub(channels["matching"])
        activities = activities_pb2_grpc.ActivityServiceStub(channels["activities"])
        results = [
            r
            for reply in vacancies.IngestVacancies(
                iter([job_ads_with_planted_contacts(5)]), metadata=service, timeout=60
            )
            for r in reply.results
        ]
        assert all(r.status == vsvc.INGEST_STATUS_ACCEPTED for r in results), results

        today = datetime.now(UTC).date()
        logged: dict[str, str] = {}
        for number, (client, note) in enumerate(NOTES.items()):
            me = md(subject=client, role="client")
            feed = matching.GetFeed(mpb.GetFeedRequest(client_id=client, page_size=10), metadata=me, timeout=30)
            if feed.items:
                matching.RecordFeedback(
                    mpb.RecordFeedbackRequest(
                        client_id=client, vacancy_id=feed.items[0].vacancy.vacancy_id, kind=mpb.FEEDBACK_KIND_SAVE
                    ),
                    metadata=me,
                    timeout=30,
                )
            reply = activities.LogActivity(
                apb.LogActivityRequest(
                    client_id=client,
                    request_id=f"privacy-{number}",
                    type=apb.ACTIVITY_TYPE_OPEN_APPLICATION,
                    date=(today - timedelta(days=1)).isoformat(),
                    employer="Bakkerij Het Korenaar",
                    position="Verkoopmedewerker",
                    channel=apb.CHANNEL_LETTER,
                    contact_role="eigenaar",
                    note=note,
                ),
                metadata=me,
                timeout=30,
            )
            logged[client] = reply.activity.activity_id
            activities.ListActivities(apb.ListActivitiesRequest(client_id=client), metadata=caseworker, timeout=30)
            activities.GetObligationStatus(apb.GetObligationStatusRequest(client_id=client), metadata=me, timeout=30)
        run.logged_activities = len(logged)
        # Refused input must not be echoed into the logs either: a note with a date in the future.
        with pytest.raises(grpc.RpcError) as refused:
            activities.LogActivity(
                apb.LogActivityRequest(
                    client_id="c-demo-002",
                    request_id="privacy-refused",
                    type=apb.ACTIVITY_TYPE_OPEN_APPLICATION,
                    date=(today + timedelta(days=30)).isoformat(),
                    employer="Bakkerij Het Korenaar",
                    position="Verkoopmedewerker",
                    channel=apb.CHANNEL_LETTER,
                    note=NOTES["c-demo-002"],
                ),
                metadata=md(subject="c-demo-002", role="client"),
                timeout=30,
            )
        assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        activities.VerifyActivity(
            apb.VerifyActivityRequest(
                caseworker_id=CASEWORKER,
                client_id="c-demo-002",
                activity_id=logged["c-demo-002"],
                decision=apb.VERIFICATION_DECISION_APPROVE,
            ),
            metadata=caseworker,
            timeout=30,
        )
        activities.VerifyActivity(
            apb.VerifyActivityRequest(
                caseworker_id=CASEWORKER,
                client_id="c-demo-003",
                activity_id=logged["c-demo-003"],
                decision=apb.VERIFICATION_DECISION_REJECT,
                reason=REJECT_REASON,
            ),
            metadata=caseworker,
            timeout=30,
        )
        activities.GetCaseload(apb.GetCaseloadRequest(caseworker_id=CASEWORKER), metadata=caseworker, timeout=60)

        env = {**os.environ, **{f"JOBMATCH_{n.upper()}_PORT": str(p) for n, p in stack.ports.items()}}
        cli = subprocess.run(
            [
                sys.executable,
                "-m",
                "services.cli",
                "privacy",
                "log",
                "--client",
                "c-demo-002",
                "--host",
                "127.0.0.1",
                "--json",
            ],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        run.privacy_log_exit, run.privacy_log_stderr = cli.returncode, cli.stderr
        run.privacy_log = json.loads(cli.stdout) if cli.stdout.strip() else {}
        try:
            privacy_pb2_grpc.PrivacyServiceStub(channels["vacancies"]).ListProcessingLog(
                privacy_pb2.ListProcessingLogRequest(client_id="c-demo-002"), metadata=service, timeout=10
            )
        except grpc.RpcError as error:
            run.vacancy_services_privacy = error.code()
        else:
            run.vacancy_services_privacy = grpc.StatusCode.OK

        for name in ("matching", "activities"):
            run.erasures[name] = privacy_pb2_grpc.PrivacyServiceStub(channels[name]).EraseClientData(
                privacy_pb2.EraseClientDataRequest(client_id=ERASED_CLIENT, reason="verzoek van klant (AVG art. 17)"),
                metadata=service,
                timeout=30,
            )
    finally:
        for channel in channels.values():
            channel.close()


@pytest.fixture(scope="module")
def privacy_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    run = Run()
    # The broker must outlive this fixture's setup: it dies with the thread that started it.
    with embedded_broker() as bootstrap:
        # DEBUG: whatever a service would log about a request when someone looks closely is scanned too.
        stack = Stack(tmp_path_factory.mktemp("privacy-stack"), bootstrap, extra_env={"JOBMATCH_LOG_LEVEL": "DEBUG"})
        settings = Settings()
        try:
            stack.start()
            play_scenario(stack, settings, run)
            deadline = time.monotonic() + 60
            while not drained(stack) and time.monotonic() < deadline:
                time.sleep(0.2)
            time.sleep(1.0)  # consumers finish what they read (dead letters would appear now)
        finally:
            stack.stop()
        run.events = read_every_topic(bootstrap)
        for name in ("vacancies", "matching", "activities"):
            run.log_lines += stack.log_path(name).read_text(errors="replace").splitlines()
    print(
        json.dumps(
            {
                "privacy_scan": {
                    "events_scanned": len(run.events),
                    "log_lines_scanned": len(run.log_lines),
                    "topics": sorted({e.topic for e in run.events}),
                }
            }
        )
    )
    yield run


class TestElfproef:
    def test_known_valid_numbers_pass_and_one_changed_digit_fails(self) -> None:
        assert all(passes_elfproef(n) for n in PLANTED_BSNS)
        assert not passes_elfproef("111222334") and not passes_elfproef("000000000")

    def test_a_bsn_written_with_dots_or_inside_a_sentence_is_found_but_not_inside_an_id(self) -> None:
        assert bsns_in("mijn bsn is 1112.22.333, graag") == ["111222333"]
        assert bsns_in("trace 9f111222333ab") == [] and bsns_in("tel 0111222333") == []


class TestPrivacyScan:
    def test_the_run_produced_the_events_and_log_lines_the_scan_needs(self, privacy_run: Run) -> None:
        topics = {e.topic for e in privacy_run.events}
        assert {
            "jobmatch.vacancies.v1",
            "jobmatch.matching.v1",
            "jobmatch.activities.v1",
            "jobmatch.privacy.v1",
        } <= topics
        types = {e.event_type for e in privacy_run.events}
        assert {"nl.werk.sollicitatie-activity-logged.v1", "nl.werk.client-data-erased.v1"} <= types
        assert privacy_run.logged_activities == len(NOTES)
        access_lines = [line for line in privacy_run.log_lines if '"message": "rpc"' in line]
        assert len(access_lines) >= 20  # one per call of the scenario, errors included
        assert {'"service": "vacancies"', '"service": "matching"', '"service": "activities"'} <= {
            part for line in access_lines for part in re.findall(r'"service": "[a-z]+"', line)
        }
        assert any('"code": "INVALID_ARGUMENT"' in line for line in access_lines)
        # The planted job-ad contacts did reach the vacancy topic, where they are public: the scan sees them.
        public = "\n".join(e.public_text for e in privacy_run.events)
        assert PLANTED_EMAILS[0] in public and "Jan de Vries" in public

    def test_no_email_address_in_any_event_or_log_line(self, privacy_run: Run) -> None:
        found = [(e.topic, e.offset, m) for e in privacy_run.events for m in EMAIL.findall(e.text)]
        found += [("log", line[:200], m) for line in privacy_run.log_lines for m in EMAIL.findall(line)]
        assert not found

    def test_no_bsn_passing_the_elfproef_in_any_event_job_ads_included_or_log_line(self, privacy_run: Run) -> None:
        found = [(e.topic, e.offset, b) for e in privacy_run.events for b in bsns_in(e.text + "\n" + e.public_text)]
        found += [("log", line[:200], b) for line in privacy_run.log_lines for b in bsns_in(line)]
        assert not found

    def test_no_planted_name_or_free_text_note_in_any_event_or_log_line(self, privacy_run: Run) -> None:
        planted = [*PERSON_NAMES, *note_fragments()]
        found = [(e.topic, e.offset, p) for e in privacy_run.events for p in planted if p in e.text]
        found += [("log", line[:200], p) for line in privacy_run.log_lines for p in planted if p in line]
        assert not found


class TestProcessingLogPerClient:
    def test_the_privacy_log_command_lists_the_clients_reads_from_matching_and_activities(
        self, privacy_run: Run
    ) -> None:
        records = privacy_run.privacy_log.get("records", [])
        by_service = {(r.get("service"), r.get("processingActivityId", "").rsplit("/", 1)[-1]) for r in records}
        services = {service for service, _ in by_service}
        assert {"matching", "activities"} <= services, privacy_run.privacy_log
        activities_read = {a for s, a in by_service if s == "activities"}
        assert any("read-sollicitatie-activities" in a for a in activities_read), by_service
        assert any("tailored-vacancy-feed" in a for s, a in by_service if s == "matching"), by_service
        assert all(r.get("dataSubjectId") == "c-demo-002" for r in records)
        assert all(r.get("actor") and r.get("startTime") for r in records)  # who and when

    def test_every_service_answers_the_privacy_log_so_the_command_succeeds(self, privacy_run: Run) -> None:
        assert privacy_run.vacancy_services_privacy == grpc.StatusCode.OK
        assert privacy_run.privacy_log_exit == 0, privacy_run.privacy_log_stderr


class TestErasure:
    def test_matching_erases_profile_and_feed_and_activities_keeps_what_the_law_requires(
        self, privacy_run: Run
    ) -> None:
        matching = {item.kind: item.count for item in privacy_run.erasures["matching"].erased}
        assert matching.get("search_profile") == 1
        activities = privacy_run.erasures["activities"]
        assert {item.kind for item in activities.retained} == {"sollicitatie_activities"}
        assert activities.retained_reason

    @pytest.mark.parametrize(
        "system",
        [
            "jobmatch-activities",
            "jobmatch-matching",
        ],
    )
    def test_each_erasing_service_tells_the_others_with_a_client_data_erased_event(
        self, privacy_run: Run, system: str
    ) -> None:
        erased = [
            privacy_events_pb2.ClientDataErased.FromString(e.payload)
            for e in privacy_run.events
            if e.event_type == "nl.werk.client-data-erased.v1"
        ]
        assert all(message.client_id == ERASED_CLIENT for message in erased)
        assert system in {message.system for message in erased}
