"""derived_event_id: the same effect of the same incoming event gets the same id everywhere."""

from __future__ import annotations

import uuid

import pytest

from services.common.bus import derived_event_id
from services.common.bus.handling import current_event_id, handling

INCOMING = "0b6f3c2e-8f57-4a8e-9a43-0d8e0a1f2b3c"


class TestDerivedEventId:
    def test_the_same_incoming_event_and_effect_give_the_same_id_every_time(self) -> None:
        assert derived_event_id(INCOMING, "vacancy-matched:c-1") == derived_event_id(INCOMING, "vacancy-matched:c-1")

    def test_it_is_a_name_based_uuid(self) -> None:
        assert uuid.UUID(derived_event_id(INCOMING, "vacancy-matched:c-1")).version == 5

    def test_another_effect_or_another_incoming_event_gives_another_id(self) -> None:
        ids = {
            derived_event_id(INCOMING, "vacancy-matched:c-1"),
            derived_event_id(INCOMING, "vacancy-matched:c-2"),
            derived_event_id(INCOMING, "vacancy-unmatched:c-1"),
            derived_event_id(str(uuid.uuid4()), "vacancy-matched:c-1"),
        }
        assert len(ids) == 4

    def test_the_id_does_not_depend_on_the_process_or_version_it_is_made_in(self) -> None:
        # A fixed namespace: a replica on another machine or release derives this very id.
        assert derived_event_id(INCOMING, "vacancy-matched:c-1") == "bffe6a09-f148-594b-8894-bc11022a5c1e"

    @pytest.mark.parametrize(("incoming", "effect"), [("", "e"), (INCOMING, "")])
    def test_an_empty_part_is_refused(self, incoming: str, effect: str) -> None:
        with pytest.raises(ValueError, match="required"):
            derived_event_id(incoming, effect)


class TestCurrentEventId:
    def test_a_handler_can_ask_which_event_it_is_handling(self) -> None:
        assert current_event_id() is None
        with handling(INCOMING):
            assert current_event_id() == INCOMING
        assert current_event_id() is None
