"""How much one ingest batch and one stream may carry."""

from __future__ import annotations

import pytest

from services.common.errors import ResourceExhausted
from services.vacancies.service_layer.ingest import MAX_BATCH_ITEMS, MAX_STREAM_ITEMS, check_ingest_limits


class TestIngestLimits:
    def test_a_full_batch_within_a_long_stream_is_taken(self) -> None:
        check_ingest_limits(MAX_BATCH_ITEMS, MAX_STREAM_ITEMS)

    def test_one_item_over_the_batch_limit_is_refused_with_the_numbers(self) -> None:
        with pytest.raises(ResourceExhausted) as info:
            check_ingest_limits(MAX_BATCH_ITEMS + 1, MAX_BATCH_ITEMS + 1)
        assert str(MAX_BATCH_ITEMS) in info.value.message and str(MAX_BATCH_ITEMS + 1) in info.value.message

    def test_a_stream_past_its_limit_is_refused_even_with_small_batches(self) -> None:
        with pytest.raises(ResourceExhausted) as info:
            check_ingest_limits(10, MAX_STREAM_ITEMS + 1)
        assert "nieuwe stream" in info.value.message and "new stream" in info.value.message.en
