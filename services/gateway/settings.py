"""The gateway's own settings (JOBMATCH_GATEWAY_*); tokens, TLS and the services' ports come
from the shared `Settings`."""

from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _env(*names: str) -> AliasChoices:
    return AliasChoices(*names)


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(populate_by_name=True, extra="ignore")

    port: int = Field(8080, validation_alias=_env("JOBMATCH_GATEWAY_PORT", "port"))
    # Where the three services listen; unset: localhost with the shared JOBMATCH_*_PORT.
    vacancies_target: str | None = Field(
        None, validation_alias=_env("JOBMATCH_GATEWAY_VACANCIES_TARGET", "vacancies_target")
    )
    matching_target: str | None = Field(
        None, validation_alias=_env("JOBMATCH_GATEWAY_MATCHING_TARGET", "matching_target")
    )
    activities_target: str | None = Field(
        None, validation_alias=_env("JOBMATCH_GATEWAY_ACTIVITIES_TARGET", "activities_target")
    )
    # The development sign-in page (pick a demo client, get a token signed with the dev secret).
    # Only for the embedded stack: `jobmatch up` turns it on; never in production.
    dev_sign_in: bool = Field(False, validation_alias=_env("JOBMATCH_GATEWAY_DEV_SIGN_IN", "dev_sign_in"))
    # Whom the development sign-in page offers: the stack's sample clients.
    dev_sign_in_clients: tuple[str, ...] = Field(
        tuple(f"c-demo-{i:03d}" for i in range(1, 21)),
        validation_alias=_env("JOBMATCH_GATEWAY_DEV_SIGN_IN_CLIENTS", "dev_sign_in_clients"),
    )
    # Session cookies only over HTTPS; `jobmatch up` serves plain HTTP on localhost and turns it off.
    cookie_secure: bool = Field(True, validation_alias=_env("JOBMATCH_GATEWAY_COOKIE_SECURE", "cookie_secure"))
    # Production sign-in: the municipality's OpenID Connect broker (DigiD), authorization code flow
    # with PKCE. The issuer is JOBMATCH_OIDC_ISSUER (the services accept its tokens).
    oidc_client_id: str | None = Field(None, validation_alias=_env("JOBMATCH_GATEWAY_OIDC_CLIENT_ID", "oidc_client_id"))
    oidc_client_secret: SecretStr | None = Field(
        None, validation_alias=_env("JOBMATCH_GATEWAY_OIDC_CLIENT_SECRET", "oidc_client_secret")
    )
    # The gateway's own callback, registered at the provider: https://<host>/inloggen/terug
    oidc_redirect_url: str | None = Field(
        None, validation_alias=_env("JOBMATCH_GATEWAY_OIDC_REDIRECT_URL", "oidc_redirect_url")
    )
    oidc_scopes: str = Field("openid", validation_alias=_env("JOBMATCH_GATEWAY_OIDC_SCOPES", "oidc_scopes"))
    # Which token of the broker's answer the services get: its access token (a JWT for the services'
    # audience), or the ID token where the broker's access tokens are opaque.
    oidc_token: Literal["access_token", "id_token"] = Field(
        "access_token", validation_alias=_env("JOBMATCH_GATEWAY_OIDC_TOKEN", "oidc_token")
    )
    # Seconds to wait for one call to a service.
    call_timeout_seconds: float = Field(
        10.0, gt=0, validation_alias=_env("JOBMATCH_GATEWAY_CALL_TIMEOUT_SECONDS", "call_timeout_seconds")
    )

    @property
    def oidc_web_sign_in(self) -> bool:
        return bool(self.oidc_client_id and self.oidc_redirect_url)
