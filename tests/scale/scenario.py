"""The scale suite's scenario: N replicas of each service on a broker of its own (6 partitions
per topic) and a fresh osmem clone; profiles and obligation policies, the sample vacancies, a
second version of some, withdrawals, activities and "I applied" go in through the front doors
while one replica of each service is SIGKILLed (three rounds) and started again; then the topics
are read back and one single matching process is fed the same profiles and vacancy events.

The broker is the run's own, not the session broker: the groups must split 6 partitions per
topic, Tansu cannot add partitions to a topic (no CreatePartitions), and earlier tests create the
project's topics on the session broker with one partition.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from effects import ACTIVITY_LOGGED, Announced, Reference
from faults_support import TopicRecord, read_topic
from scale_support import GROUPS, ScaleStack, channels, group_members, last_assignment
from search_legs import migrated_cluster
from workload import Size, Workload, profile_drafts, sample, second_versions, stubs

from services.common.auth import mint_token
from services.common.bus import EmbeddedBroker, dead_letter, ensure_topics
from services.common.bus.cloudevents import CloudEvent, from_kafka
from services.common.bus.topics import ACTIVITIES, ALL_TOPICS, MATCHING, VACANCIES
from services.common.settings import Settings
from services.matching.service_layer.match_events import EVENT_MATCHED

PARTITIONS = 6  # what deploy/ creates: 2 and 3 replicas each get an equal share
KILL_ROUNDS = 3


class Timings(dict[str, float]):
    """Seconds per phase; each printed as it is taken (pytest -s shows where the time goes)."""

    def __setitem__(self, key: str, value: float) -> None:
        super().__setitem__(key, round(value, 1))
        print(f"scale: {key} = {value:.1f}", flush=True)


@dataclass
class Run:
    replicas: int
    stack: ScaleStack
    workload: Workload
    members_at_start: dict[str, int]
    assignments_at_start: dict[str, list[set[str]]]
    members_at_end: dict[str, int]
    vacancies: Announced
    matching: Announced
    activities: Announced
    reference: Reference
    actual_match_sets: dict[str, set[str]]
    timings: dict[str, float]


def split_over_members(stack: ScaleStack, timeout: float = 60.0) -> tuple[dict[str, int], dict[str, list[set[str]]]]:
    """Wait until every group has one member per replica and each replica logged a share."""
    deadline = time.monotonic() + timeout
    while True:
        members = group_members(stack.bootstrap, list(GROUPS))
        shares = {
            group: [last_assignment(r, group) for r in stack.processes[service]] for group, service in GROUPS.items()
        }
        settled = all(n == stack.replicas for n in members.values()) and all(
            all(shares[g]) and sum(map(len, shares[g])) == len(set().union(*shares[g])) for g in shares
        )
        if settled or time.monotonic() > deadline:
            return members, shares
        time.sleep(0.5)


def read_all(bootstrap: str, topic: str, done: Callable[[list[TopicRecord]], bool], quiet: float) -> list[TopicRecord]:
    """The topic from the start: until `done(records)` holds (then 2 s more with nothing new, so
    that late copies are counted too), or until it has not grown for `quiet` seconds: the
    services are slow on a busy machine, but a stack that stopped announcing is done."""
    records: list[TopicRecord] = []
    while True:
        again = read_topic(bootstrap, topic, until=done, timeout=quiet)
        if done(again):
            return read_topic(bootstrap, topic, idle=2.0, timeout=quiet)
        if len(again) <= len(records):
            return again
        records = again


def decoded(records: list[TopicRecord]) -> list[CloudEvent]:
    return [from_kafka(r.headers, r.value) for r in records]


@contextmanager
def scale_run(replicas: int, size: Size, root: Path) -> Iterator[Run]:
    """Start the stack, send the workload with three kill rounds, read back what was announced."""
    tag = f"r{replicas}"
    timings = Timings()
    started = time.monotonic()
    # The reference's SQLite commits on tmpfs when there is one: 3x faster without fsync.
    scratch = Path(tempfile.mkdtemp(prefix="jobmatch-scale-", dir="/dev/shm" if Path("/dev/shm").is_dir() else root))
    broker = EmbeddedBroker(log_path=root / "tansu.log")
    broker.start()
    ensure_topics(broker.bootstrap, [*ALL_TOPICS, *(dead_letter(t) for t in ALL_TOPICS)], partitions=PARTITIONS)
    with migrated_cluster() as search_url:
        stack = ScaleStack(root, broker.bootstrap, search_url, replicas)
        reference = None
        try:
            stack.start()
            members_at_start, shares = split_over_members(stack)
            timings["start_s"] = time.monotonic() - started
            token = (("authorization", f"Bearer {mint_token(Settings(), subject='scale-suite', role='service')}"),)
            vacancy_stub, matching_stub, activity_stub = stubs()
            count = 2 * replicas
            with (
                channels(stack.address("vacancies"), vacancy_stub, count) as vac,
                channels(stack.address("matching"), matching_stub, count) as mat,
                channels(stack.address("activities"), activity_stub, count) as act,
            ):
                work = Workload(vac, mat, act, token)
                kills = iter(range(KILL_ROUNDS))

                def kill_at(moment: int) -> Callable[[int], None]:
                    def maybe_kill(step: int) -> None:
                        if step == moment:
                            victim = next(kills) % replicas + 1
                            time.sleep(0.05)  # the batch is on its way to a replica
                            stack.kill_one_of_each(victim)

                    return maybe_kill

                contents = sample(size, tag)
                drafts = profile_drafts(size.profiles, tag, contents)
                phase = time.monotonic()
                work.set_profiles(drafts)
                timings["profiles_s"] = time.monotonic() - phase
                phase = time.monotonic()
                first = work.ingest(contents, during=kill_at(len(contents) // 200), after=stack.restart_the_killed)
                work.sent.published = {
                    vid
                    for vid, statuses in first.values()
                    if statuses & {"INGEST_STATUS_ACCEPTED", "INGEST_STATUS_UNCHANGED"}
                }
                second = work.ingest(
                    second_versions(contents, size.updates), during=kill_at(0), after=stack.restart_the_killed
                )
                work.sent.updated = {
                    vid
                    for vid, statuses in second.values()
                    if statuses & {"INGEST_STATUS_UPDATED", "INGEST_STATUS_UNCHANGED"}
                }
                published = sorted(work.sent.published)
                work.withdraw(published[-size.withdrawals :])
                timings["vacancies_s"] = time.monotonic() - phase

                phase = time.monotonic()
                expected_vacancy_events = len(work.sent.published) + len(work.sent.updated) + len(work.sent.withdrawn)
                vacancy_records = read_all(
                    broker.bootstrap, VACANCIES, lambda rs: len({r.event_id for r in rs}) >= expected_vacancy_events, 60
                )
                vacancy_events = decoded(vacancy_records)
                seen, in_order = set(), []
                for event in vacancy_events:  # the topic's order per vacancy, each event once
                    if event.id not in seen:
                        seen.add(event.id)
                        in_order.append(event)
                timings["vacancy_topic_read_s"] = time.monotonic() - phase
                reference = Reference.compute(scratch / "reference", drafts, in_order)
                timings["reference_computed_s"] = time.monotonic() - phase
                expected = reference.effects()
                matched = read_all(
                    broker.bootstrap, MATCHING, lambda rs: len({r.event_id for r in rs}) >= len(expected), 60
                )
                timings["matching_caught_up_s"] = time.monotonic() - phase
                timings["match_effects_expected"] = len(expected)
                timings["match_events_seen"] = len({r.event_id for r in matched})

                # "I applied" from the feed for matches that are still open, and activities logged.
                announced = {r.event_id for r in matched}
                still_open = [
                    key
                    for key, event_id in expected.items()
                    if key[0] == EVENT_MATCHED
                    and event_id in announced
                    and key[1] not in work.sent.withdrawn
                    and key[2] in reference.match_set(key[1])
                ]
                pairs = sorted({(key[2], key[1]) for key in still_open})[: size.applications]
                phase = time.monotonic()
                loggers = [d.client_id for d in drafts[: size.activities // 4]]
                work.set_policies(sorted(set(loggers) | {client for client, _ in pairs}))  # activities need one
                third_kill = kill_at(size.activities // 4)

                def kill_then_restart(step: int) -> None:
                    third_kill(step)
                    if step == size.activities // 2:  # the others took the calls meanwhile
                        stack.restart_the_killed()

                work.log_activities(loggers, size.activities, tag, during=kill_then_restart)
                stack.restart_the_killed()
                work.apply_from_feed(pairs)
                wanted = len(work.sent.activities) + len(work.sent.applied)
                activity_records = read_all(
                    broker.bootstrap,
                    ACTIVITIES,
                    lambda rs: sum(1 for e in decoded(rs) if e.type == ACTIVITY_LOGGED) >= wanted,
                    60,
                )
                timings["activities_s"] = time.monotonic() - phase
                matched = read_all(
                    broker.bootstrap,
                    MATCHING,
                    lambda rs: len({r.event_id for r in rs}) >= len(expected) + len(work.sent.applied),
                    30,
                )
                timings["calls_sent_again"] = vac.resent + mat.resent + act.resent

            stack.wait_listening()
            members_at_end, _ = split_over_members(stack)
            actual = actual_match_sets(search_url, {key[1] for key in expected})
            timings["total_s"] = time.monotonic() - started
            yield Run(
                replicas,
                stack,
                work,
                members_at_start,
                shares,
                members_at_end,
                Announced.of(read_topic(broker.bootstrap, VACANCIES, idle=1.0)),
                Announced.of(matched),
                Announced.of(activity_records),
                reference,
                actual,
                timings,
            )
        finally:
            stack.stop()
            if reference is not None:
                reference.close()
            shutil.rmtree(scratch, ignore_errors=True)
            broker.stop()


def actual_match_sets(search_url: str, vacancy_ids: set[str]) -> dict[str, set[str]]:
    """Each vacancy's match set as the replicas left it in the shared store."""
    from services.matching import bootstrap as matching

    settings = Settings(
        data_dir=Path("/nonexistent-scale-reader"),
        kafka_bootstrap_servers=None,
        elasticsearch_url=None,
        search_url=search_url,
        search_engine="opensearch",
    )
    app = matching.build_app(settings)
    try:
        return {vacancy_id: set(app.store.match_set(vacancy_id)) for vacancy_id in vacancy_ids}
    finally:
        app.close()
