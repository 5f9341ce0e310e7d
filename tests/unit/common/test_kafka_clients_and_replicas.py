"""Kafka connection settings reach every client; what `jobmatch up --replicas N` gives each replica."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.common.bus.kafka_clients import KafkaSecurityError, security_options
from services.common.settings import Settings
from services.replicas import replica_env, replicas_refusal


class TestKafkaSecurityOptions:
    def test_plaintext_by_default(self) -> None:
        assert security_options(Settings()) == {"security_protocol": "PLAINTEXT"}

    def test_sasl_over_tls_passes_mechanism_credentials_and_the_ca(self, tmp_path: Path) -> None:
        settings = Settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="SCRAM-SHA-512",
            kafka_sasl_username="jobmatch",
            kafka_sasl_password="s3cret",
            kafka_ssl_cafile=tmp_path / "ca.pem",
        )
        assert security_options(settings) == {
            "security_protocol": "SASL_SSL",
            "ssl_cafile": str(tmp_path / "ca.pem"),
            "sasl_mechanism": "SCRAM-SHA-512",
            "sasl_plain_username": "jobmatch",
            "sasl_plain_password": "s3cret",
        }

    def test_sasl_without_credentials_is_refused_naming_the_settings(self) -> None:
        with pytest.raises(KafkaSecurityError, match="KAFKA_SASL_USERNAME"):
            security_options(Settings(kafka_security_protocol="SASL_PLAINTEXT", kafka_sasl_mechanism="PLAIN"))

    def test_credentials_without_a_sasl_protocol_are_refused_rather_than_ignored(self) -> None:
        with pytest.raises(KafkaSecurityError, match="KAFKA_SECURITY_PROTOCOL"):
            security_options(Settings(kafka_sasl_mechanism="PLAIN", kafka_sasl_username="u"))


class TestReplicaEnvironment:
    def test_one_replica_keeps_the_environment_of_today(self, tmp_path: Path) -> None:
        env = replica_env({"JOBMATCH_DATA_DIR": str(tmp_path)}, tmp_path, 1, 1, seed=True)
        assert env == {"JOBMATCH_DATA_DIR": str(tmp_path), "JOBMATCH_SEED_SAMPLE_DATA": "1"}

    def test_each_replica_has_its_id_its_own_data_dir_a_shared_port_and_only_the_first_seeds(
        self, tmp_path: Path
    ) -> None:
        first, second = (replica_env({}, tmp_path, n, 2, seed=True) for n in (1, 2))
        assert (first["JOBMATCH_REPLICA_ID"], second["JOBMATCH_REPLICA_ID"]) == ("1", "2")
        assert second["JOBMATCH_DATA_DIR"] == str((tmp_path / "replica-2").resolve())
        assert first["JOBMATCH_SO_REUSEPORT"] == second["JOBMATCH_SO_REUSEPORT"] == "1"
        assert (first["JOBMATCH_SEED_SAMPLE_DATA"], second["JOBMATCH_SEED_SAMPLE_DATA"]) == ("1", "0")

    def test_replicas_need_a_shared_store(self) -> None:
        settings = Settings(search_url=None, elasticsearch_url=None)
        assert replicas_refusal(1, settings, "sqlite") is None
        assert replicas_refusal(2, settings, "search") is None
        assert "--store search" in (replicas_refusal(2, settings, "sqlite") or "")
        assert replicas_refusal(2, settings.model_copy(update={"search_url": "http://es:9200"}), "sqlite") is None
