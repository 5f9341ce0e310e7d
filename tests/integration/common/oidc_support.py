"""Identity providers for the token tests: the real `oidc-provider-mock` (PyPI, written by
others) on a loopback port, a JWKS endpoint of our own for key rotation (the mock keeps one
key for its lifetime), and a probe gRPC service whose one method names a client."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import grpc
import werkzeug.serving
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

with warnings.catch_warnings(record=True):  # authlib, inside the provider, warns about its own internals
    import oidc_provider_mock

from services.common.grpc_server import MethodPolicy, create_grpc_server, shutdown
from services.common.processing_log import SqliteProcessingLog
from services.common.settings import Settings

SERVICE = "jobmatch.probe.v1.OidcProbeService"
CLIENT_ID = "jobmatch"  # the relying party at the provider: the `aud` of its ID tokens
REDIRECT = "http://127.0.0.1/callback"


@contextmanager
def mock_provider() -> Iterator[str]:
    """oidc-provider-mock in this process on 127.0.0.1 port 0; yields its issuer URL."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc_provider_mock.app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def provider_id_token(issuer: str, subject: str, claims: dict[str, Any]) -> str:
    """An ID token the provider signs for `subject` (authorization-code flow, as a browser
    would run it). The provider copies the user's claims into the token, after its own."""
    put = urllib.request.Request(
        f"{issuer}/users/{urllib.parse.quote(subject)}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"content-type": "application/json"},
    )
    urllib.request.urlopen(put, timeout=10).close()
    query = urllib.parse.urlencode(
        {"client_id": CLIENT_ID, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid"}
    )
    consent = urllib.request.Request(
        f"{issuer}/oauth2/authorize?{query}", data=urllib.parse.urlencode({"sub": subject}).encode()
    )
    try:
        urllib.request.build_opener(_NoRedirect).open(consent, timeout=10)
        raise AssertionError("the provider did not redirect with a code")
    except urllib.error.HTTPError as redirect:
        location = redirect.headers["Location"]
    code = urllib.parse.parse_qs(urllib.parse.urlparse(location).query)["code"][0]
    body = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": CLIENT_ID,
            "client_secret": "any",
        }
    ).encode()
    with urllib.request.urlopen(urllib.request.Request(f"{issuer}/oauth2/token", data=body), timeout=10) as answer:
        return str(json.load(answer)["id_token"])


def provider_jwks(issuer: str) -> dict[str, Any]:
    with urllib.request.urlopen(f"{issuer}/jwks", timeout=10) as answer:
        return dict(json.load(answer))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def hs256_signed_with(key: bytes, header: dict[str, Any], claims: dict[str, Any]) -> str:
    """The key-confusion attack: HS256 with the provider's public key as the HMAC secret
    (PyJWT itself refuses to make such a token, so it is put together by hand)."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    return f"{signing_input}.{b64(hmac.new(key, signing_input.encode(), hashlib.sha256).digest())}"


class JwksServer:
    """A JWKS endpoint whose keys a test changes (rotation), counting the fetches."""

    def __init__(self) -> None:
        self.keys: list[dict[str, Any]] = []
        self.fetches = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name
                outer.fetches += 1
                body = json.dumps({"keys": outer.keys}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/jwks"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def _probe_messages() -> tuple[type, type]:
    file = descriptor_pb2.FileDescriptorProto(name="oidc_probe.proto", package="jobmatch.probe.v1", syntax="proto3")
    file.message_type.add(name="ReadRequest").field.add(name="client_id", number=1, type=9, label=1)
    file.message_type.add(name="ReadResponse").field.add(name="text", number=1, type=9, label=1)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return (
        message_factory.GetMessageClass(pool.FindMessageTypeByName("jobmatch.probe.v1.ReadRequest")),
        message_factory.GetMessageClass(pool.FindMessageTypeByName("jobmatch.probe.v1.ReadResponse")),
    )


Request, Response = _probe_messages()


class ProbeServer:
    """A real gRPC server on loopback with the platform interceptor and a processing log."""

    def __init__(self, settings: Settings, tmp: Path) -> None:
        self.log = SqliteProcessingLog(tmp / "plog.sqlite")
        handler = grpc.method_handlers_generic_handler(
            SERVICE,
            {
                "Read": grpc.unary_unary_rpc_method_handler(
                    lambda request, context: Response(text=f"data of {request.client_id}"),
                    Request.FromString,
                    Response.SerializeToString,
                )
            },
        )
        self._server, port = create_grpc_server(
            "127.0.0.1:0",
            settings=settings,
            service_names=[SERVICE],
            register=lambda srv: srv.add_generic_rpc_handlers((handler,)),
            access={
                f"/{SERVICE}/Read": MethodPolicy(
                    frozenset({"client", "caseworker", "service"}), "tailored-vacancy-feed"
                )
            },
            processing_log=self.log,
        )
        self.address = f"127.0.0.1:{port}"

    def read(self, client_id: str, token: str) -> grpc.StatusCode:
        with grpc.insecure_channel(self.address) as channel:
            stub = channel.unary_unary(f"/{SERVICE}/Read", Request.SerializeToString, Response.FromString)
            try:
                stub(Request(client_id=client_id), metadata=(("authorization", f"Bearer {token}"),), timeout=15)
            except grpc.RpcError as error:
                return error.code()
        return grpc.StatusCode.OK

    def denied(self, client_id: str) -> list[Any]:
        return [r for r in self.log.list_for_subject(client_id) if r.status == "denied"]

    def close(self) -> None:
        shutdown(self._server, 0)
