"""`jobmatch up --replicas N`: N processes per service behind the service's one port.

Each replica is the same `python -m services.<name>` with, on top of the stack's environment:
- `JOBMATCH_SO_REUSEPORT=1`: every replica binds the same port and the kernel spreads new
  connections over them (SO_REUSEPORT; a gRPC channel sticks to the replica it connected to);
- `JOBMATCH_REPLICA_ID=<n>`: its own CloudEvents source, so `sequence` stays gap-free per source;
- `JOBMATCH_DATA_DIR=<data dir>/replica-<n>`: a folder of its own for what a process keeps locally (on
  the search store nothing the other replicas need: the outbox and processed ids are in the engine);
- sample data from replica 1 only (the store is shared).
N > 1 needs the search store: the SQLite stores are files of one process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from services.common.settings import Settings

__all__ = ["listens_on", "replica_env", "replicas_refusal", "wait_until_listening"]


def replicas_refusal(replicas: int, settings: Settings, store: str) -> str | None:
    """Why these settings cannot run `replicas` processes per service (NL / EN), or None."""
    if replicas < 1:
        return "--replicas moet 1 of meer zijn. / --replicas must be 1 or more."
    if replicas > 1 and store != "search" and not settings.search_engine_url:
        return (
            f"--replicas {replicas} vraagt een gedeelde opslag: geef --store search (of zet "
            "JOBMATCH_SEARCH_URL). SQLite-bestanden horen bij één proces.\n"
            f"--replicas {replicas} needs a shared store: pass --store search (or set "
            "JOBMATCH_SEARCH_URL). SQLite files belong to one process."
        )
    return None


def replica_env(env: dict[str, str], data_dir: Path, replica: int, replicas: int, seed: bool) -> dict[str, str]:
    """The environment of replica `replica` (1-based) of `replicas`; with one replica, `env`
    with the seed flag only (the single-process stack stays exactly as it was)."""
    own = dict(env)
    own["JOBMATCH_SEED_SAMPLE_DATA"] = "1" if seed and replica == 1 else "0"
    if replicas > 1:
        own.update(
            {
                "JOBMATCH_SO_REUSEPORT": "1",
                "JOBMATCH_REPLICA_ID": str(replica),
                "JOBMATCH_DATA_DIR": str((data_dir / f"replica-{replica}").resolve()),
            }
        )
    return own


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:  # 0A: LISTEN
                inodes.add(inode)
    return inodes


def listens_on(pid: int, port: int) -> bool:
    """Whether process `pid` holds a listening socket on `port` (Linux /proc). Health checks on
    a shared port reach whichever replica the kernel picks, so they cannot tell that every
    replica is up; this can. Without /proc: True (nothing to check with)."""
    if not Path("/proc/net/tcp").exists():
        return True
    inodes = _listening_inodes(port)
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in fds:
        try:
            target = fd.readlink()
        except OSError:
            continue
        if str(target).startswith("socket:[") and str(target)[8:-1] in inodes:
            return True
    return False


def wait_until_listening(pid: int, port: int, timeout: float, alive: Callable[[], bool]) -> bool:
    """Poll until `pid` listens on `port`; False after `timeout` or once `alive()` is false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and alive():
        if listens_on(pid, port):
            return True
        time.sleep(0.2)
    return False
