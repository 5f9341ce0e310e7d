"""Claims mapping of the identity provider's tokens: settings decide which claim holds what."""

from __future__ import annotations

from typing import Any

import pytest

from services.common.auth import Principal
from services.common.errors import Unauthenticated
from services.common.oidc import looks_like_bsn, principal_from_claims
from services.common.settings import Settings

DEFAULTS = Settings(oidc_issuer="https://idp.test")


class TestClaimsMapping:
    def test_the_default_shape_is_sub_roles_scope_and_caseload(self) -> None:
        claims = {"sub": "cw-1", "roles": ["caseworker"], "caseload": ["c-1"], "scope": "openid profile"}
        assert principal_from_claims(DEFAULTS, claims) == Principal(
            "cw-1", "caseworker", frozenset({"c-1"}), frozenset({"openid", "profile"})
        )

    def test_another_providers_shape_works_by_settings_alone(self) -> None:
        settings = Settings(
            oidc_issuer="https://idp.test",
            oidc_subject_claim="oid",
            oidc_role_claim="realm_access.roles",
            oidc_scope_claim="scp",
            oidc_role_map={"jobmatch-koppeling": "service"},
        )
        claims = {
            "oid": "platform",
            "realm_access": {"roles": ["jobmatch-koppeling", "uma"]},
            "scp": ["vacancies:write", "matching:read"],
        }
        principal = principal_from_claims(settings, claims)
        assert (principal.subject, principal.role) == ("platform", "service")
        assert principal.has_scope("vacancies:write") and not principal.has_scope("activities:read")

    @pytest.mark.parametrize(
        ("case", "claims"),
        [
            ("no role of ours", {"sub": "x", "roles": ["admin"]}),
            ("two roles of ours", {"sub": "x", "roles": ["client", "caseworker"]}),
            ("no subject", {"roles": ["client"]}),
            ("subject not a string", {"sub": 12, "roles": ["client"]}),
            ("caseload not a list", {"sub": "cw", "roles": ["caseworker"], "caseload": "c-1"}),
            ("scope not strings", {"sub": "s", "roles": ["service"], "scope": [1, 2]}),
            ("a BSN as client id", {"sub": "111222333", "roles": ["client"]}),
        ],
    )
    def test_a_token_whose_claims_do_not_map_is_refused(self, case: str, claims: dict[str, Any]) -> None:
        with pytest.raises(Unauthenticated):
            principal_from_claims(DEFAULTS, claims)

    def test_a_role_map_to_a_role_we_do_not_have_does_not_validate(self) -> None:
        with pytest.raises(ValueError, match="JOBMATCH_OIDC_ROLE_MAP"):
            Settings(oidc_role_map={"beheerder": "admin"})

    @pytest.mark.parametrize(
        ("value", "bsn"),
        [("111222333", True), ("123456782", True), ("123456789", False), ("c-demo-001", False), ("12345678", False)],
    )
    def test_the_elfproef_recognises_a_bsn(self, value: str, bsn: bool) -> None:
        assert looks_like_bsn(value) is bsn
