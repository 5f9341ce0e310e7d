"""An error answer always fits in gRPC's trailers (8 KiB soft limit), however big the bad
input it is about: otherwise the caller gets a bare RESOURCE_EXHAUSTED instead of the
field violations."""

from __future__ import annotations

from google.rpc import error_details_pb2, status_pb2

from services.common import errors as e
from services.common.rpc_errors import MAX_VIOLATIONS, to_status

SOFT_TRAILER_LIMIT = 8 * 1024


def trailer_bytes(status: object) -> int:
    metadata = dict(status.trailing_metadata)  # type: ignore[attr-defined]
    return len(metadata["grpc-status-details-bin"]) * 4 // 3 + len(status.details.encode())  # type: ignore[attr-defined]


class TestErrorAnswersFitInTheTrailers:
    def test_a_violation_per_item_of_a_huge_list_is_cut_to_the_first_ones_plus_a_count(self) -> None:
        error = e.InvalidArgument(
            [e.FieldViolation(f"exemptions[{i}].start_date", e.t("Geen datum.", "No date.")) for i in range(20_000)]
        )
        status = to_status(error)
        assert trailer_bytes(status) < SOFT_TRAILER_LIMIT
        parsed = status_pb2.Status.FromString(dict(status.trailing_metadata)["grpc-status-details-bin"])
        bad_request = error_details_pb2.BadRequest()
        assert parsed.details[0].Unpack(bad_request)
        fields = [v.field for v in bad_request.field_violations]
        assert fields[:2] == ["exemptions[0].start_date", "exemptions[1].start_date"]
        assert len(fields) == MAX_VIOLATIONS + 1
        assert "19990" in bad_request.field_violations[-1].description

    def test_a_message_echoing_a_megabyte_value_is_clipped(self) -> None:
        value = "€" * (1024 * 1024)
        status = to_status(e.NotFound(e.t(f"Vacature {value} bestaat niet.", f"Vacancy {value} does not exist.")))
        assert trailer_bytes(status) < SOFT_TRAILER_LIMIT
        assert status.details.startswith("Vacature €€€") and status.details.endswith("…")

    def test_a_normal_error_is_not_changed(self) -> None:
        error = e.InvalidArgument([e.FieldViolation("date", e.t("Vul de datum in.", "Fill in the date."))])
        status = to_status(error)
        assert status.details == str(error)
