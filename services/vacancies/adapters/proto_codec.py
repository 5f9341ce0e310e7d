"""Moved to `services.vacancies.service_layer.proto_codec` (issue 19: entrypoints must not
import adapters). Kept only until the search-engine adapters in flight import it from there."""

from ..service_layer.proto_codec import content_to_proto, timestamp, vacancy_from_proto

__all__ = ["content_to_proto", "timestamp", "vacancy_from_proto"]
