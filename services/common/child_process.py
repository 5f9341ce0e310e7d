"""Child processes that die with the thread that started them, started without a fork handler.

PR_SET_PDEATHSIG makes Linux SIGKILL a child when the thread that started it ends, so an
aborted test run or a killed stack leaves no broker or service behind. Setting it in a Popen
`preexec_fn` makes CPython fork (it can vfork only without one), and a fork runs gRPC core's
fork handlers in the child, which restart its poller threads there; with `close_fds` the child
then closes their epoll descriptor before exec and aborts (grpc/grpc#43055, fixed upstream by
ignoring EBADF in grpc/grpc#43157). Seen here as a service that "did not become SERVING" with
only `Epoll1Poller ... epoll_wait error: Bad file descriptor` in its log and exit status -6.
So the child sets it itself: `dying_with_parent(argv)` runs argv through a short Python
preamble that calls prctl and then execs argv (the setting survives exec).
"""

from __future__ import annotations

import sys

_PRCTL_THEN_EXEC = (
    "import ctypes, os, signal, sys; "
    "ctypes.CDLL('libc.so.6', use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0); "  # 1: PR_SET_PDEATHSIG
    "os.execv(sys.argv[1], sys.argv[1:])"
)


def dying_with_parent(argv: list[str]) -> list[str]:
    """`argv` (a program path first) so that the child dies with the starting thread, on Linux."""
    if not sys.platform.startswith("linux"):
        return argv
    return [sys.executable, "-c", _PRCTL_THEN_EXEC, *argv]
