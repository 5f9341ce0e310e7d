"""Kafka topic names shared by all services (one topic per producing service)."""

from __future__ import annotations

VACANCIES = "jobmatch.vacancies.v1"
MATCHING = "jobmatch.matching.v1"
ACTIVITIES = "jobmatch.activities.v1"
PRIVACY = "jobmatch.privacy.v1"
# Published by the caseworker platform (not by a jobmatch service): caseload assignments.
CASELOAD = "jobmatch.caseload.v1"

ALL_TOPICS: tuple[str, ...] = (VACANCIES, MATCHING, ACTIVITIES, PRIVACY, CASELOAD)

DEAD_LETTER_SUFFIX = ".dlq"


def dead_letter(topic: str, suffix: str = DEAD_LETTER_SUFFIX) -> str:
    """The dead-letter topic for `topic`: events a consumer gave up on land there."""
    return f"{topic}{suffix}"
