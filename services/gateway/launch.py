"""How `jobmatch up` starts the gateway as a process of its own and waits until it answers."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def start_gateway(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """The HTTP gateway (API and web module) with the development sign-in page on: the embedded
    stack serves plain HTTP on localhost to demo clients only."""
    own_env = {
        "JOBMATCH_GATEWAY_DEV_SIGN_IN": "1",
        "JOBMATCH_GATEWAY_COOKIE_SECURE": "0",
        **env,
        "JOBMATCH_GATEWAY_PORT": str(port),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "services.gateway"], env=own_env, start_new_session=True
    )  # Ctrl-C goes to the stack, which stops it in order


def wait_until_answering(port: int, process: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:  # our own loopback address
                return bool(reply.status == 200)
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    return False


def stop_gateway(process: subprocess.Popen[bytes] | None, grace_seconds: float) -> None:
    if process is None:
        return
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=grace_seconds + 10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def port_taken(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def launch_gateway(env: dict[str, str], host: str, timeout: float) -> tuple[subprocess.Popen[bytes] | None, int | None]:
    """The gateway for `jobmatch up`: (process, port); (None, None) when its port is taken (another
    stack or program has it): the gRPC stack still runs, and says so. Raises GatewayDidNotStart."""
    from services.gateway.settings import GatewaySettings

    port = GatewaySettings().port
    if port_taken(host, port):
        print(
            f"web/API niet gestart: poort {port} is in gebruik (zet JOBMATCH_GATEWAY_PORT).\n"
            f"web/API not started: port {port} is in use (set JOBMATCH_GATEWAY_PORT).",
            file=sys.stderr,
            flush=True,
        )
        return None, None
    process = start_gateway(env, port)
    if not wait_until_answering(port, process, timeout):
        stop_gateway(process, 0)
        raise GatewayDidNotStart(f"gateway did not answer on 127.0.0.1:{port}")
    return process, port


class GatewayDidNotStart(RuntimeError):
    pass
