"""Map domain errors to `google.rpc.Status` with BadRequest and LocalizedMessage details.

One language at a time: a `LocalizedMessage` per locale (nl-NL, en-GB), and the status
message and the field descriptions in the caller's language (Dutch unless asked otherwise).
"""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.protobuf.message import Message
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.common import errors as e
from services.common.i18n import DEFAULT_LANGUAGE, LOCALES, Language, Text, localize

# The status travels in the trailers, which gRPC caps (8 KiB soft, 16 KiB hard): beyond that
# the client gets a bare RESOURCE_EXHAUSTED instead of our answer. An error that echoes a huge
# bad value, or names thousands of items, is therefore clipped to these sizes (UTF-8 bytes).
MAX_VIOLATIONS = 10
MAX_FIELD_BYTES = 100
MAX_DESCRIPTION_BYTES = 250
MAX_MESSAGE_BYTES = 1000


def clip(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes (on a character boundary), marked with "…"."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "…"


def _clipped(violations: list[e.FieldViolation], language: str) -> list[e.FieldViolation]:
    kept = [
        e.FieldViolation(clip(v.field, MAX_FIELD_BYTES), clip(localize(v.description, language), MAX_DESCRIPTION_BYTES))
        for v in violations[:MAX_VIOLATIONS]
    ]
    if len(violations) > MAX_VIOLATIONS:
        more = len(violations) - MAX_VIOLATIONS
        more_text = e.t(
            f"En nog {more} {'fout' if more == 1 else 'fouten'}.",
            f"And {more} more {'error' if more == 1 else 'errors'}.",
        )
        kept.append(e.FieldViolation(kept[-1].field, localize(more_text, language)))
    return kept


_CODES: dict[type[e.DomainError], int] = {
    e.InvalidArgument: code_pb2.INVALID_ARGUMENT,
    e.NotFound: code_pb2.NOT_FOUND,
    e.AlreadyExists: code_pb2.ALREADY_EXISTS,
    e.FailedPrecondition: code_pb2.FAILED_PRECONDITION,
    e.PermissionDenied: code_pb2.PERMISSION_DENIED,
    e.Unauthenticated: code_pb2.UNAUTHENTICATED,
    e.ResourceExhausted: code_pb2.RESOURCE_EXHAUSTED,
    e.Aborted: code_pb2.ABORTED,
    e.Unavailable: code_pb2.UNAVAILABLE,
}


def _packed(message: Message) -> any_pb2.Any:
    packed = any_pb2.Any()
    packed.Pack(message)
    return packed


def _localized(message: str) -> list[any_pb2.Any]:
    """One `LocalizedMessage` per language the message has (a plain string is Dutch)."""
    texts: dict[Language, str] = (
        {"nl": message.nl, "en": message.en} if isinstance(message, Text) else {"nl": str(message)}
    )
    return [
        _packed(error_details_pb2.LocalizedMessage(locale=LOCALES[lang], message=clip(text, MAX_MESSAGE_BYTES // 2)))
        for lang, text in texts.items()
    ]


def status_message(error: e.DomainError, language: str = DEFAULT_LANGUAGE) -> str:
    """The status message in one language: the message, then what is wrong per field."""
    violations = error.violations if isinstance(error, e.InvalidArgument) else []
    details = "; ".join(f"{v.field}: {localize(v.description, language)}" for v in violations[:MAX_VIOLATIONS])
    return f"{localize(error.message, language)} {details}".strip()


def to_status(error: e.DomainError, language: str = DEFAULT_LANGUAGE) -> grpc.Status:
    code = next((c for cls, c in _CODES.items() if isinstance(error, cls)), code_pb2.UNKNOWN)
    details = []
    violations = _clipped(list(getattr(error, "violations", None) or []), language)
    if violations:
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.description)
                for v in violations
            ]
        )
        if code == code_pb2.FAILED_PRECONDITION:
            details.append(
                _packed(
                    error_details_pb2.PreconditionFailure(
                        violations=[
                            error_details_pb2.PreconditionFailure.Violation(
                                type="STATE", subject=v.field, description=v.description
                            )
                            for v in violations
                        ]
                    )
                )
            )
        details.append(_packed(bad_request))
    details.extend(_localized(error.message))
    return rpc_status.to_status(
        status_pb2.Status(code=code, message=clip(status_message(error, language), MAX_MESSAGE_BYTES), details=details)
    )


def internal_status(language: str = DEFAULT_LANGUAGE) -> grpc.Status:
    message = e.t(
        "Er ging bij ons iets mis. Probeer het later opnieuw.", "Something went wrong on our side. Try again later."
    )
    return rpc_status.to_status(
        status_pb2.Status(code=code_pb2.INTERNAL, message=localize(message, language), details=_localized(message))
    )


def localized_messages(error: grpc.RpcError) -> dict[str, str]:
    """Client side: the `LocalizedMessage` details of a failed call, by locale ("nl-NL": ...)."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    found: dict[str, str] = {}
    for detail in status.details if status is not None else ():
        if detail.Is(error_details_pb2.LocalizedMessage.DESCRIPTOR):
            message = error_details_pb2.LocalizedMessage()
            detail.Unpack(message)
            found[message.locale] = message.message
    return found


def field_violations(error: grpc.RpcError) -> list[tuple[str, str]]:
    """Client side: the (field, description) pairs of a failed call (tests, CLI)."""
    status = rpc_status.from_call(error)  # type: ignore[arg-type]
    if status is None:
        return []
    found: list[tuple[str, str]] = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            found.extend((v.field, v.description) for v in bad_request.field_violations)
    return found
