"""Configuration from the environment (pydantic-settings), one object for every service."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal, TypedDict

from pydantic import AliasChoices, Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Algorithms an identity provider may sign with: asymmetric only (never `none`, never HS*,
# which would let anyone holding the public key sign).
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)
_ROLES = frozenset({"client", "caseworker", "service"})


class UnsetSecret(SecretStr):
    """Stands in for JOBMATCH_TOKEN_SECRET when it is not set: a random value of this process
    only (page tokens still get a key), never used to sign or accept a bearer token."""

    def __init__(self) -> None:
        super().__init__(secrets.token_urlsafe(48))


class GroupTiming(TypedDict):
    """Consumer-group timing, as keyword arguments of EventConsumer and GroupLease."""

    session_timeout_ms: int
    heartbeat_interval_ms: int


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
    # How every Kafka client of the bus connects (services/common/bus/kafka_clients.py):
    # PLAINTEXT locally; SSL, SASL_PLAINTEXT or SASL_SSL on a real cluster.
    kafka_security_protocol: Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] = Field(
        "PLAINTEXT", validation_alias=_env("KAFKA_SECURITY_PROTOCOL", "kafka_security_protocol")
    )
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] | None = Field(
        None, validation_alias=_env("KAFKA_SASL_MECHANISM", "kafka_sasl_mechanism")
    )
    kafka_sasl_username: str | None = Field(None, validation_alias=_env("KAFKA_SASL_USERNAME", "kafka_sasl_username"))
    kafka_sasl_password: SecretStr | None = Field(
        None, validation_alias=_env("KAFKA_SASL_PASSWORD", "kafka_sasl_password")
    )
    kafka_ssl_cafile: Path | None = Field(None, validation_alias=_env("KAFKA_SSL_CAFILE", "kafka_ssl_cafile"))
    # Consumer-group timing of every consumer and group lease. A join or rebalance takes about
    # half the session timeout on Tansu, and a member that died keeps its partitions for one.
    # Apache Kafka refuses less than its group.min.session.timeout.ms (6 s unless configured);
    # the tests run Tansu with 1.5 s / 0.5 s (tests/conftest.py).
    kafka_session_timeout_ms: int = Field(
        6000, ge=1000, validation_alias=_env("JOBMATCH_KAFKA_SESSION_TIMEOUT_MS", "kafka_session_timeout_ms")
    )
    kafka_heartbeat_interval_ms: int = Field(
        1000, ge=100, validation_alias=_env("JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS", "kafka_heartbeat_interval_ms")
    )
    # How long the broker may hold an empty fetch: on Tansu it bounds each hop's delay (see
    # FETCH_MAX_WAIT_MS in bus/consumer.py); longer costs less CPU while idle.
    kafka_fetch_max_wait_ms: int = Field(
        50, ge=1, le=5000, validation_alias=_env("JOBMATCH_KAFKA_FETCH_MAX_WAIT_MS", "kafka_fetch_max_wait_ms")
    )
    # N replicas of a service on one host share its port (SO_REUSEPORT); off by default so a
    # port that is already taken is an error, not a silent second listener.
    so_reuseport: bool = Field(False, validation_alias=_env("JOBMATCH_SO_REUSEPORT", "so_reuseport"))
    elasticsearch_url: str | None = Field(None, validation_alias=_env("ELASTICSEARCH_URL", "elasticsearch_url"))
    # The search engine: JOBMATCH_SEARCH_URL (ELASTICSEARCH_URL still works, as Elasticsearch).
    search_url: str | None = Field(None, validation_alias=_env("JOBMATCH_SEARCH_URL", "search_url"))
    search_engine: Literal["elasticsearch", "opensearch"] | None = Field(
        None, validation_alias=_env("JOBMATCH_SEARCH_ENGINE", "search_engine")
    )
    search_api_key: SecretStr | None = Field(None, validation_alias=_env("JOBMATCH_SEARCH_API_KEY", "search_api_key"))
    search_username: str | None = Field(None, validation_alias=_env("JOBMATCH_SEARCH_USERNAME", "search_username"))
    search_password: SecretStr | None = Field(
        None, validation_alias=_env("JOBMATCH_SEARCH_PASSWORD", "search_password")
    )
    search_ca_file: Path | None = Field(None, validation_alias=_env("JOBMATCH_SEARCH_CA_FILE", "search_ca_file"))
    # Index and alias names start with this prefix, so several stacks can share a cluster.
    search_index_prefix: str = Field(
        "jobmatch", min_length=1, validation_alias=_env("JOBMATCH_ES_INDEX_PREFIX", "search_index_prefix")
    )
    # How long a service waits for an unreachable engine at start (with the process start it
    # stays within 30 s).
    search_startup_seconds: float = Field(
        20.0, gt=0, validation_alias=_env("JOBMATCH_SEARCH_STARTUP_SECONDS", "search_startup_seconds")
    )
    # The command line's language, as an accept-language value ("en" or "en-GB" for English);
    # Dutch when unset. Servers answer in the language each call asks for.
    language: str | None = Field(None, validation_alias=_env("JOBMATCH_LANGUAGE", "language"))
    search_verify_certs: bool = Field(
        True, validation_alias=_env("JOBMATCH_SEARCH_VERIFY_CERTS", "search_verify_certs")
    )
    bind_host: str = Field("127.0.0.1", validation_alias=_env("JOBMATCH_BIND_HOST", "bind_host"))
    vacancies_port: int = Field(50051, validation_alias=_env("JOBMATCH_VACANCIES_PORT", "vacancies_port"))
    matching_port: int = Field(50052, validation_alias=_env("JOBMATCH_MATCHING_PORT", "matching_port"))
    activities_port: int = Field(50053, validation_alias=_env("JOBMATCH_ACTIVITIES_PORT", "activities_port"))
    # HS256 key of development and integration tokens. No default: unset (or empty) means no
    # HMAC token is minted or accepted (`token_secret_configured`), see services/common/token_secret.py.
    token_secret: SecretStr = Field(
        default_factory=UnsetSecret, validation_alias=_env("JOBMATCH_TOKEN_SECRET", "token_secret")
    )
    token_audience: str = Field("jobmatch", validation_alias=_env("JOBMATCH_TOKEN_AUDIENCE", "token_audience"))
    token_issuer: str = Field("jobmatch-dev", validation_alias=_env("JOBMATCH_TOKEN_ISSUER", "token_issuer"))
    token_leeway_seconds: int = Field(
        30, ge=0, le=300, validation_alias=_env("JOBMATCH_TOKEN_LEEWAY_SECONDS", "token_leeway_seconds")
    )
    # The organisation's identity provider (OpenID Connect). With an issuer set, tokens signed
    # by its published keys (JWKS, found by discovery unless a JWKS URL is given) are accepted.
    oidc_issuer: str | None = Field(None, validation_alias=_env("JOBMATCH_OIDC_ISSUER", "oidc_issuer"))
    oidc_jwks_url: str | None = Field(None, validation_alias=_env("JOBMATCH_OIDC_JWKS_URL", "oidc_jwks_url"))
    oidc_audience: str | None = Field(None, validation_alias=_env("JOBMATCH_OIDC_AUDIENCE", "oidc_audience"))
    oidc_algorithms: str = Field("RS256,ES256", validation_alias=_env("JOBMATCH_OIDC_ALGORITHMS", "oidc_algorithms"))
    # Claims mapping: where the IdP puts the subject, the role(s), the scopes and the caseload
    # (dotted paths reach nested claims, e.g. `realm_access.roles`); role values map to ours.
    oidc_subject_claim: str = Field("sub", validation_alias=_env("JOBMATCH_OIDC_SUBJECT_CLAIM", "oidc_subject_claim"))
    oidc_role_claim: str = Field("roles", validation_alias=_env("JOBMATCH_OIDC_ROLE_CLAIM", "oidc_role_claim"))
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict, validation_alias=_env("JOBMATCH_OIDC_ROLE_MAP", "oidc_role_map")
    )
    oidc_scope_claim: str = Field("scope", validation_alias=_env("JOBMATCH_OIDC_SCOPE_CLAIM", "oidc_scope_claim"))
    oidc_caseload_claim: str = Field(
        "caseload", validation_alias=_env("JOBMATCH_OIDC_CASELOAD_CLAIM", "oidc_caseload_claim")
    )
    # Caseworker tokens that still carry a caseload claim: its clients are reachable too. Off:
    # only the caseload stored in activities (AssignClients, jobmatch.caseload.v1) counts.
    accept_caseload_claim: bool = Field(
        True, validation_alias=_env("JOBMATCH_ACCEPT_CASELOAD_CLAIM", "accept_caseload_claim")
    )
    # At most one JWKS fetch per this many seconds for a token with an unknown key id.
    oidc_jwks_refresh_seconds: float = Field(
        30.0, ge=0, validation_alias=_env("JOBMATCH_OIDC_JWKS_REFRESH_SECONDS", "oidc_jwks_refresh_seconds")
    )
    # Organisation identification number used in CloudEvents `source` URNs (NL GOV profile).
    oin: str = Field("00000000000000000000", validation_alias=_env("JOBMATCH_OIN", "oin"))
    # Stable identity of this replica when a service runs as N replicas (e.g. a StatefulSet
    # ordinal). Each replica then publishes under a source of its own, so `sequence` stays
    # unique and gap-free per source. Unset: one replica, source without a suffix.
    replica_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$",
        validation_alias=_env("JOBMATCH_REPLICA_ID", "replica_id"),
    )
    outbox_retention_days: int = Field(
        7, ge=1, validation_alias=_env("JOBMATCH_OUTBOX_RETENTION_DAYS", "outbox_retention_days")
    )
    seed_sample_data: bool = Field(False, validation_alias=_env("JOBMATCH_SEED_SAMPLE_DATA", "seed_sample_data"))
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
    # Prometheus /metrics of each service process; 0 = no endpoint. `jobmatch up` gives each of
    # its processes (every replica) a port of its own and shows them in its banner.
    vacancies_metrics_port: int = Field(
        0, ge=0, validation_alias=_env("JOBMATCH_VACANCIES_METRICS_PORT", "vacancies_metrics_port")
    )
    matching_metrics_port: int = Field(
        0, ge=0, validation_alias=_env("JOBMATCH_MATCHING_METRICS_PORT", "matching_metrics_port")
    )
    activities_metrics_port: int = Field(
        0, ge=0, validation_alias=_env("JOBMATCH_ACTIVITIES_METRICS_PORT", "activities_metrics_port")
    )
    # RPC metrics are recorded unless switched off (the endpoint still serves the rest).
    metrics: bool = Field(True, validation_alias=_env("JOBMATCH_METRICS", "metrics"))
    # OpenTelemetry spans are recorded (ids for logs and the processing log) unless switched
    # off; they leave the process only with an OTLP/HTTP endpoint (e.g. http://collector:4318).
    tracing: bool = Field(True, validation_alias=_env("JOBMATCH_TRACING", "tracing"))
    otlp_endpoint: str | None = Field(
        None, validation_alias=_env("JOBMATCH_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "otlp_endpoint")
    )
    grace_seconds: float = Field(5.0, validation_alias=_env("JOBMATCH_GRACE_SECONDS", "grace_seconds"))

    @field_validator("token_secret", mode="after")
    @classmethod
    def _empty_secret_is_unset(cls, value: SecretStr) -> SecretStr:
        return value if value.get_secret_value() else UnsetSecret()

    @field_validator("kafka_heartbeat_interval_ms", mode="after")
    @classmethod
    def _heartbeat_within_session(cls, value: int, info: ValidationInfo) -> int:
        session = info.data.get("kafka_session_timeout_ms")
        if session is not None and value * 3 > session:
            raise ValueError(
                f"JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS ({value}) must be at most a third of "
                f"JOBMATCH_KAFKA_SESSION_TIMEOUT_MS ({session}): a member misses a few beats before it is put out"
            )
        return value

    @field_validator("oidc_algorithms", mode="after")
    @classmethod
    def _asymmetric_only(cls, value: str) -> str:
        names = [a.strip() for a in value.split(",") if a.strip()]
        refused = [a for a in names if a not in ASYMMETRIC_ALGORITHMS]
        if not names or refused:
            raise ValueError(
                f"JOBMATCH_OIDC_ALGORITHMS: only {sorted(ASYMMETRIC_ALGORITHMS)}, not {refused or 'nothing'}"
            )
        return ",".join(names)

    @field_validator("oidc_role_map", mode="after")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value.values()) - _ROLES)
        if unknown:
            raise ValueError(f"JOBMATCH_OIDC_ROLE_MAP maps to unknown roles {unknown}; use {sorted(_ROLES)}")
        return value

    @property
    def token_secret_configured(self) -> bool:
        """True when JOBMATCH_TOKEN_SECRET was given (not the per-process stand-in)."""
        return not isinstance(self.token_secret, UnsetSecret)

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def oidc_algorithm_list(self) -> list[str]:
        return self.oidc_algorithms.split(",")

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

    def metrics_port_of(self, service: str) -> int:
        return {
            "vacancies": self.vacancies_metrics_port,
            "matching": self.matching_metrics_port,
            "activities": self.activities_metrics_port,
        }[service]

    def group_timing(self) -> GroupTiming:
        """Keyword arguments of EventConsumer and GroupLease: the consumer-group timing."""
        return {
            "session_timeout_ms": self.kafka_session_timeout_ms,
            "heartbeat_interval_ms": self.kafka_heartbeat_interval_ms,
        }

    def port_of(self, service: str) -> int:
        return {
            "vacancies": self.vacancies_port,
            "matching": self.matching_port,
            "activities": self.activities_port,
        }[service]
