"""The little this service knows of a vacancy: enough to log "I applied" in one step."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from services.activities.domain.model import Channel


class VacancySummary(BaseModel):
    model_config = ConfigDict(frozen=True)
    vacancy_id: str
    title: str
    employer: str
    channel: Channel = Channel.ONLINE
    open: bool = True
