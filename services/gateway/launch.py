"""How `jobmatch up` starts the gateway as a process of its own and waits until it answers."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request


def start_gateway(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """The HTTP gateway (API and web module) with the development sign-in page on: the embedded
    stack serves plain HTTP on localhost to demo clients only."""
    own_env = {"JOBMATCH_GATEWAY_DEV_SIGN_IN": "1", "JOBMATCH_GATEWAY_COOKIE_SECURE": "0", **env,
               "JOBMATCH_GATEWAY_PORT": str(port)}
    return subprocess.Popen([sys.executable, "-m", "services.gateway"], env=own_env,
                            start_new_session=True)  # Ctrl-C goes to the stack, which stops it in order


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
