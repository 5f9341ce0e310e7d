"""One JSON access-log line per call, whichever path ends it."""

from __future__ import annotations

import logging
import time

from services.common.interceptors.call import RpcCall

log = logging.getLogger("jobmatch.rpc")


def write_access_log(call: RpcCall, outcome: str) -> None:
    if call.logged:
        return
    call.logged = True
    log.info(
        "rpc",
        extra={
            "request_id": call.request_id,
            "trace_id": call.trace_id,
            "method": call.method,
            "code": outcome,
            "role": call.principal.role if call.principal else None,
            "duration_ms": round((time.perf_counter() - call.started) * 1000, 2),
        },
    )
