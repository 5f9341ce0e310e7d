"""What a command prints when a call to a service fails: one language (`JOBMATCH_LANGUAGE`),
plain words, and for a service that cannot be reached: which address, which setting, and
whether the rest of the stack is running."""

from __future__ import annotations

import socket

import grpc

from services.common.errors import t
from services.common.i18n import Text, cli_language, localize
from services.common.rpc_errors import field_violations, localized_messages

SERVICES = ("vacancies", "matching", "activities")


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _split(address: str) -> tuple[str, int | None]:
    host, _, port = address.rpartition(":")
    return (host.strip("[]") or "localhost", int(port)) if port.isdigit() else (address, None)


def unreachable_text(service: str, address: str, others: dict[str, bool]) -> Text:
    """Why `service` at `address` did not answer, and what to check; `others`: which other
    services of the stack do answer (name -> True when its port accepts connections)."""
    setting = f"JOBMATCH_{service.upper()}_PORT"
    running = [name for name, up in others.items() if up]
    if running:
        nl_state = f"De andere diensten draaien wel ({', '.join(running)}): kijk of {service} is gestopt."
        en_state = f"The other services are running ({', '.join(running)}): check whether {service} stopped."
    else:
        nl_state = "Er draait geen enkele dienst van jobmatch. Start alles met: make run"
        en_state = "No jobmatch service is running. Start everything with: make run"
    return t(
        f"De dienst {service} is niet bereikbaar op {address}. {nl_state} "
        f"Draait de dienst op een ander adres? Zet dan JOBMATCH_BIND_HOST en {setting}, of gebruik --target.",
        f"The {service} service cannot be reached at {address}. {en_state} "
        f"Is it on another address? Then set JOBMATCH_BIND_HOST and {setting}, or use --target.",
    )


def is_unreachable(error: grpc.RpcError) -> bool:
    """UNAVAILABLE from the transport ("failed to connect to all addresses"), not from a service
    that answered (ours always carries a `LocalizedMessage`)."""
    code = error.code() if hasattr(error, "code") else None
    return code == grpc.StatusCode.UNAVAILABLE and not localized_messages(error)


def failure_lines(error: grpc.RpcError, service: str, address: str, ports: dict[str, int] | None = None) -> list[str]:
    """The lines to print for a failed call, in the command's language."""
    language = cli_language()
    if is_unreachable(error):
        host, _ = _split(address)
        others = {name: _listening(host, port) for name, port in (ports or {}).items() if name != service}
        return [localize(unreachable_text(service, address, others), language)]
    messages = localized_messages(error)
    message = messages.get("en-GB" if language == "en" else "nl-NL") or error.details() or ""
    label = "Fout" if language == "nl" else "Error"
    lines = [f"{label} ({error.code().name}): {message}"]
    lines.extend(f"  {field}: {description}" for field, description in field_violations(error))
    return lines
