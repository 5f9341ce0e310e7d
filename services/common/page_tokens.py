"""Opaque page tokens, bound to the query that issued them and signed against tampering.

One implementation for every list RPC: a token from another query (another client,
vacancy or filter) or a changed token is refused with INVALID_ARGUMENT on `page_token`.
There is no process-wide signer: each service's bootstrap makes one from its settings and
hands it to the use cases and servicers that page."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from services.common.pagination import invalid_page_token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def scope_of(*parts: str) -> str:
    """A short digest of whatever defines the query."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:24]


class PageTokens:
    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    @classmethod
    def derived(cls, token_secret: str, purpose: str) -> PageTokens:
        """Signing key derived from the deployment's token secret, one per purpose: every
        replica given the same secret accepts the tokens of every other."""
        return cls(hashlib.sha256(f"page-tokens:{purpose}:".encode() + token_secret.encode()).digest())

    @classmethod
    def process_local(cls) -> PageTokens:
        """A random key: tokens valid for this signer only (tests and tools without a secret)."""
        return cls(secrets.token_bytes(32))

    def _sign(self, payload: bytes) -> str:
        return _b64(hmac.new(self._secret, payload, hashlib.sha256).digest()[:16])

    def issue(self, scope: str, position: object) -> str:
        payload = json.dumps({"s": scope, "p": position}, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{self._sign(payload)}"

    def read(self, token: str, scope: str, field: str = "page_token") -> object:
        """The position stored in `token`; InvalidArgument on `field` when it is not ours."""
        try:
            encoded, signature = token.split(".")
            payload = _unb64(encoded)
            if not hmac.compare_digest(signature, self._sign(payload)):
                raise ValueError("signature")
            data = json.loads(payload)
            if data["s"] != scope:
                raise ValueError("scope")
            return data["p"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            raise invalid_page_token(field) from None
