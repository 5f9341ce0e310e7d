"""deploy/ can run N replicas of a service (`docker compose up --scale matching=3`): no fixed host
port per replica, a replica identity per container, the idempotent producer on, every topic the
consumers read created, and the Kafka settings documented. Compose itself is not run here (no
Docker engine in the test environment): the file is parsed and its rules are checked."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from services.common.bus.outbox import SqliteOutbox
from services.common.bus.relay import OutboxRelay
from services.common.bus.topics import ACTIVITIES, ALL_TOPICS, CASELOAD, MATCHING, VACANCIES, dead_letter
from services.common.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SCALED = ("vacancies", "matching", "activities")
# Topics each service's consumer group reads; a record it gives up on goes to <topic>.dlq.
CONSUMED = {"matching": (VACANCIES, ACTIVITIES), "activities": (VACANCIES, MATCHING, CASELOAD)}
_DEFAULT = re.compile(r"\$\{(\w+):-([^}]*)\}")


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def with_defaults(text: str) -> str:
    """`${NAME:-default}` -> default: what compose does when the variable is not set."""
    return _DEFAULT.sub(lambda m: m.group(2), text)


def env_example() -> dict[str, str]:
    return dict(
        line.split("=", 1)
        for line in (DEPLOY / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )


def host_ports(mapping: str) -> list[int]:
    """The host ports a "HOST:CONTAINER" mapping may hand out (empty: the engine picks one)."""
    parts = mapping.split(":")
    if len(parts) < 2:
        return []
    host = parts[-2]
    low, _, high = host.partition("-")
    return list(range(int(low), int(high or low) + 1))


class TestComposeScalesEveryService:
    @pytest.mark.parametrize("name", SCALED)
    def test_the_host_port_is_a_range_with_a_port_for_each_of_several_replicas(self, name: str) -> None:
        service = compose()["services"][name]
        assert "container_name" not in service  # a fixed name allows one container only
        for mapping in service.get("ports", []):
            assert len(host_ports(with_defaults(mapping))) >= 3, mapping
            variable = _DEFAULT.search(mapping)
            assert variable is not None
            assert len(host_ports(f"{env_example()[variable.group(1)]}:0")) >= 3  # the .env copy keeps it

    def test_the_services_host_port_ranges_do_not_overlap(self) -> None:
        taken: list[int] = []
        for name in SCALED:
            for mapping in compose()["services"][name].get("ports", []):
                taken += host_ports(with_defaults(mapping))
        assert len(taken) == len(set(taken))

    @pytest.mark.parametrize("name", SCALED)
    def test_each_container_runs_its_command_under_a_replica_id_of_its_own(self, name: str, tmp_path: Path) -> None:
        service = compose()["services"][name]
        entrypoint = [part.replace("$$", "$") for part in service["entrypoint"]]  # compose's escape
        fake = tmp_path / "jobmatch"  # stands in for the image's jobmatch: shows what it was given
        fake.write_text('#!/bin/sh\necho "$JOBMATCH_REPLICA_ID|$*"\n')
        fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
        outputs = set()
        for hostname in ("4f1c2a9b7d3e", "9a8b7c6d5e4f"):  # two containers of `--scale`
            env = {"PATH": f"{tmp_path}:{os.environ['PATH']}", "HOSTNAME": hostname}
            done = subprocess.run(
                [*entrypoint, *service["command"]], env=env, capture_output=True, text=True, check=True, timeout=30
            )
            outputs.add(done.stdout.strip())
            replica_id = done.stdout.split("|")[0]
            assert Settings(replica_id=replica_id).source_urn("jobmatch-x").endswith(f":replica-{hostname}")
        assert outputs == {f"{h}|serve {name}" for h in ("4f1c2a9b7d3e", "9a8b7c6d5e4f")}

    @pytest.mark.parametrize("name", SCALED)
    def test_the_outbox_relay_of_every_service_uses_the_idempotent_producer(self, name: str, tmp_path: Path) -> None:
        environment = compose()["services"][name]["environment"]
        setting = with_defaults(str(environment["KAFKA_IDEMPOTENT_PRODUCER"]))
        settings = Settings(kafka_idempotent_producer=setting, kafka_bootstrap_servers="kafka:9092")
        relay = OutboxRelay.from_settings(SqliteOutbox(tmp_path / "o.db", "urn:test"), settings)
        assert relay.idempotent is True
        assert env_example()["KAFKA_IDEMPOTENT_PRODUCER"] == "1"


class TestTopicsAndPartitions:
    def test_the_topic_step_creates_every_topic_and_the_dead_letter_topic_of_every_consumed_one(self) -> None:
        script = compose()["services"]["kafka-topics"]["command"][0]
        created = set(re.findall(r"jobmatch\.[a-z]+\.v1(?:\.dlq)?", script))
        wanted = set(ALL_TOPICS) | {dead_letter(topic) for topics in CONSUMED.values() for topic in topics}
        assert wanted <= created

    def test_the_partition_count_is_the_one_the_readme_advises(self) -> None:
        partitions = with_defaults(compose()["services"]["kafka-topics"]["environment"]["PARTITIONS"])
        assert partitions == env_example()["KAFKA_TOPIC_PARTITIONS"] == "6"
        assert f"- Partitions: start with {partitions} (`KAFKA_TOPIC_PARTITIONS`" in (DEPLOY / "README.md").read_text()


class TestKafkaSettingsAreDocumented:
    def test_every_kafka_setting_the_code_reads_is_in_the_deploy_readme_and_the_example_env(self) -> None:
        names = {
            alias
            for field in Settings.model_fields.values()
            for alias in getattr(field.validation_alias, "choices", ())
            if str(alias).startswith("KAFKA_")
        }
        assert {
            "KAFKA_SECURITY_PROTOCOL",
            "KAFKA_SASL_MECHANISM",
            "KAFKA_SASL_USERNAME",
            "KAFKA_SASL_PASSWORD",
            "KAFKA_SSL_CAFILE",
            "KAFKA_IDEMPOTENT_PRODUCER",
        } <= names
        readme, example = (DEPLOY / "README.md").read_text(), (DEPLOY / ".env.example").read_text()
        assert {n for n in names if n not in readme} == set()
        assert {n for n in names if n not in example} == set()
