"""JOBMATCH_KAFKA_SESSION_TIMEOUT_MS / _HEARTBEAT_INTERVAL_MS reach every consumer-group member
the services start, and Tansu accepts a member with a short session."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from services.activities import bootstrap as activities
from services.common.bus import EventConsumer
from services.common.bus.leader import GroupLease
from services.common.settings import Settings
from services.matching import bootstrap as matching
from services.vacancies import bootstrap as vacancies

TIMING = {"kafka_session_timeout_ms": 2400, "kafka_heartbeat_interval_ms": 600}


def test_the_timing_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JOBMATCH_KAFKA_SESSION_TIMEOUT_MS", "4500")
    monkeypatch.setenv("JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS", "900")
    assert Settings(data_dir=tmp_path).group_timing() == {"session_timeout_ms": 4500, "heartbeat_interval_ms": 900}


def test_a_heartbeat_longer_than_a_third_of_the_session_is_refused_naming_both_settings(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(data_dir=tmp_path, kafka_session_timeout_ms=1500, kafka_heartbeat_interval_ms=600)
    assert "JOBMATCH_KAFKA_HEARTBEAT_INTERVAL_MS" in str(refused.value)
    assert "JOBMATCH_KAFKA_SESSION_TIMEOUT_MS" in str(refused.value)


@pytest.mark.parametrize(
    ("module", "member_kind"),
    [(matching, EventConsumer), (activities, EventConsumer), (vacancies, GroupLease)],
    ids=["matching", "activities", "vacancies"],
)
def test_each_service_joins_its_group_with_the_configured_timing(settings: Settings, module, member_kind) -> None:
    app = module.build_app(settings.model_copy(update=TIMING))
    try:
        app.start_background()
        member = app.background.find(member_kind)
        assert member is not None
        assert (member.session_timeout_ms, member.heartbeat_interval_ms) == (2400, 600)
        assert member.wait_until_assigned(30), "the broker never gave the member its partitions"
    finally:
        app.close()
