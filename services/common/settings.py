"""Configuration from the environment (pydantic-settings), one object for every service."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_TOKEN_SECRET = "jobmatch-dev-secret-change-me-in-production"


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class Settings(BaseSettings):
    """Every knob of the stack; the environment variable names are part of the contract."""

    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore")

    data_dir: Path = Field(Path("data"), validation_alias=_env("JOBMATCH_DATA_DIR", "data_dir"))
    kafka_bootstrap_servers: str | None = Field(
        None, validation_alias=_env("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers")
    )
    # acks=all always; idempotence only where the broker keeps producer state (real Kafka).
    kafka_idempotent_producer: bool = Field(
        False, validation_alias=_env("KAFKA_IDEMPOTENT_PRODUCER", "kafka_idempotent_producer")
    )
    elasticsearch_url: str | None = Field(
        None, validation_alias=_env("ELASTICSEARCH_URL", "elasticsearch_url")
    )
    # The search engine: JOBMATCH_SEARCH_URL (ELASTICSEARCH_URL still works, as Elasticsearch).
    search_url: str | None = Field(None, validation_alias=_env("JOBMATCH_SEARCH_URL", "search_url"))
    search_engine: Literal["elasticsearch", "opensearch"] | None = Field(
        None, validation_alias=_env("JOBMATCH_SEARCH_ENGINE", "search_engine")
    )
    search_api_key: SecretStr | None = Field(
        None, validation_alias=_env("JOBMATCH_SEARCH_API_KEY", "search_api_key")
    )
    search_username: str | None = Field(None, validation_alias=_env("JOBMATCH_SEARCH_USERNAME", "search_username"))
    search_password: SecretStr | None = Field(
        None, validation_alias=_env("JOBMATCH_SEARCH_PASSWORD", "search_password")
    )
    search_ca_file: Path | None = Field(None, validation_alias=_env("JOBMATCH_SEARCH_CA_FILE", "search_ca_file"))
    search_verify_certs: bool = Field(
        True, validation_alias=_env("JOBMATCH_SEARCH_VERIFY_CERTS", "search_verify_certs")
    )
    bind_host: str = Field("127.0.0.1", validation_alias=_env("JOBMATCH_BIND_HOST", "bind_host"))
    vacancies_port: int = Field(
        50051, validation_alias=_env("JOBMATCH_VACANCIES_PORT", "vacancies_port")
    )
    matching_port: int = Field(50052, validation_alias=_env("JOBMATCH_MATCHING_PORT", "matching_port"))
    activities_port: int = Field(
        50053, validation_alias=_env("JOBMATCH_ACTIVITIES_PORT", "activities_port")
    )
    token_secret: SecretStr = Field(
        SecretStr(DEV_TOKEN_SECRET), validation_alias=_env("JOBMATCH_TOKEN_SECRET", "token_secret")
    )
    token_audience: str = Field(
        "jobmatch", validation_alias=_env("JOBMATCH_TOKEN_AUDIENCE", "token_audience")
    )
    token_issuer: str = Field("jobmatch-dev", validation_alias=_env("JOBMATCH_TOKEN_ISSUER", "token_issuer"))
    # Organisation identification number used in CloudEvents `source` URNs (NL GOV profile).
    oin: str = Field("00000000000000000000", validation_alias=_env("JOBMATCH_OIN", "oin"))
    # Stable identity of this replica when a service runs as N replicas (e.g. a StatefulSet
    # ordinal). Each replica then publishes under a source of its own, so `sequence` stays
    # unique and gap-free per source. Unset: one replica, source without a suffix.
    replica_id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        validation_alias=_env("JOBMATCH_REPLICA_ID", "replica_id"),
    )
    outbox_retention_days: int = Field(
        7, ge=1, validation_alias=_env("JOBMATCH_OUTBOX_RETENTION_DAYS", "outbox_retention_days")
    )
    seed_sample_data: bool = Field(
        False, validation_alias=_env("JOBMATCH_SEED_SAMPLE_DATA", "seed_sample_data")
    )
    write_rate_per_minute: int = Field(
        120, ge=1, validation_alias=_env("JOBMATCH_WRITE_RATE_PER_MINUTE", "write_rate_per_minute")
    )
    write_burst: int = Field(30, ge=1, validation_alias=_env("JOBMATCH_WRITE_BURST", "write_burst"))
    # Optional TLS: server certificate and key; with a client CA, clients must present a
    # certificate signed by it (mTLS). Clients trust `tls_ca_file`.
    tls_cert_file: Path | None = Field(None, validation_alias=_env("JOBMATCH_TLS_CERT_FILE", "tls_cert_file"))
    tls_key_file: Path | None = Field(None, validation_alias=_env("JOBMATCH_TLS_KEY_FILE", "tls_key_file"))
    tls_client_ca_file: Path | None = Field(
        None, validation_alias=_env("JOBMATCH_TLS_CLIENT_CA_FILE", "tls_client_ca_file")
    )
    tls_ca_file: Path | None = Field(None, validation_alias=_env("JOBMATCH_TLS_CA_FILE", "tls_ca_file"))
    tls_client_cert_file: Path | None = Field(
        None, validation_alias=_env("JOBMATCH_TLS_CLIENT_CERT_FILE", "tls_client_cert_file")
    )
    tls_client_key_file: Path | None = Field(
        None, validation_alias=_env("JOBMATCH_TLS_CLIENT_KEY_FILE", "tls_client_key_file")
    )
    log_level: str = Field("INFO", validation_alias=_env("JOBMATCH_LOG_LEVEL", "log_level"))
    grace_seconds: float = Field(5.0, validation_alias=_env("JOBMATCH_GRACE_SECONDS", "grace_seconds"))

    @property
    def search_engine_url(self) -> str | None:
        """Where the search-engine stores live; None: the embedded SQLite stores."""
        return self.search_url or self.elasticsearch_url

    @property
    def search_engine_kind(self) -> Literal["elasticsearch", "opensearch"]:
        return self.search_engine or "elasticsearch"

    def source_urn(self, system: str) -> str:
        """CloudEvents `source` per the NL GOV profile: organisation (OIN) and system, then
        the replica when one is set (`...:systeem:jobmatch-matching:replica-2`)."""
        base = f"urn:nld:oin:{self.oin}:systeem:{system}"
        return f"{base}:replica-{self.replica_id}" if self.replica_id else base

    def service_data_dir(self, service: str) -> Path:
        path = self.data_dir / service
        path.mkdir(parents=True, exist_ok=True)
        return path

    def port_of(self, service: str) -> int:
        return {
            "vacancies": self.vacancies_port,
            "matching": self.matching_port,
            "activities": self.activities_port,
        }[service]
