"""Use cases of the matching service: small handlers taking commands, talking to ports."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from services.common.errors import FieldViolation, InvalidArgument, NotFound, t
from services.common.page_tokens import PageTokens
from services.matching.domain import feed
from services.matching.domain.model import (
    FeedbackKind,
    OpenVacancy,
    SearchProfile,
    SearchProfileInput,
    make_search_profile,
)
from services.matching.domain.ranking import ProfileMatch
from services.matching.domain.rules import compile_profile, compile_vacancy
from services.matching.service_layer import match_events, vacancy_batches
from services.matching.service_layer.ports import FeedStateStore, ProfileStore, VacancyProjectionStore
from services.matching.service_layer.vacancy_batches import IncomingVacancy

Clock = Callable[[], datetime]
MAX_MATCH_PAGE_SIZE = 1000
DEFAULT_MATCH_PAGE_SIZE = 100


@dataclass(frozen=True)
class GetFeed:
    client_id: str
    page_size: int = 0
    page_token: str = ""


@dataclass(frozen=True)
class RecordFeedback:
    client_id: str
    vacancy_id: str
    kind: int


@dataclass(frozen=True)
class FeedbackRecorded:
    at: datetime
    # "I applied": passed on to the activities service, which logs it as a sollicitatie activity.
    activity_logged: bool = False


@dataclass(frozen=True)
class ListMatchingProfiles:
    vacancy_id: str
    page_size: int = 0
    page_token: str = ""
    caseload: frozenset[str] | None = None  # None: every client (service role)


@dataclass(frozen=True)
class MatchingProfilesPage:
    matches: tuple[ProfileMatch, ...]
    next_page_token: str
    total_size: int


def _no_profile(client_id: str) -> NotFound:
    return NotFound(
        t(
            f"Klant {client_id} heeft nog geen zoekprofiel. Maak eerst een zoekprofiel.",
            f"Client {client_id} has no search profile yet. Set one first.",
        )
    )


class MatchingHandlers:
    def __init__(
        self,
        profiles: ProfileStore,
        vacancies: VacancyProjectionStore,
        feed_state: FeedStateStore,
        clock: Clock,
        tokens: PageTokens | None = None,
    ) -> None:
        self._profiles = profiles
        self._vacancies = vacancies
        self._feed_state = feed_state
        self._clock = clock
        # Signs the feed's and the reverse match's page tokens: the app's, derived from the token
        # secret so that every replica accepts them; a random key when not given (tests).
        self._tokens = tokens or PageTokens.process_local()

    # -- profiles ----------------------------------------------------------------------
    def set_search_profile(self, draft: SearchProfileInput) -> SearchProfile:
        profile = make_search_profile(draft, now=self._clock())
        self._profiles.save_profile(profile)
        return profile

    def get_search_profile(self, client_id: str) -> SearchProfile:
        profile = self._profiles.get_profile(client_id)
        if profile is None:
            raise _no_profile(client_id)
        return profile

    # -- feed --------------------------------------------------------------------------
    def get_feed(self, command: GetFeed) -> feed.FeedPage:
        page_size = feed.check_page_size(command.page_size)
        scope = f"client:{command.client_id}"
        cursor = feed.decode_cursor(command.page_token, self._tokens, scope) if command.page_token else None
        profile = self.get_search_profile(command.client_id)
        now = self._clock()
        if cursor is None:
            # A first page is a visit: "new" means arrived after the previous visit.
            cursor = feed.FeedCursor(0, self._feed_state.record_visit(command.client_id, now), scope)
        criteria = compile_profile(profile)
        ranked = feed.rank(
            criteria,
            self._vacancies.matching_vacancies(criteria),
            self._feed_state.feedback_of(command.client_id),
            now.date(),
            cursor.previous_visit_at,
        )
        return feed.page(criteria, profile.home_place_name, ranked, cursor, page_size, now.date(), self._tokens)

    def record_feedback(self, command: RecordFeedback) -> FeedbackRecorded:
        violations = []
        if command.kind not in {k.value for k in FeedbackKind if k}:
            violations.append(
                FieldViolation(
                    "kind", t("Kies bewaren, verbergen of gesolliciteerd.", "Choose save, dismiss or applied.")
                )
            )
        if not command.vacancy_id.strip():
            violations.append(FieldViolation("vacancy_id", t("Geef de vacature op.", "Give the vacancy.")))
        if violations:
            raise InvalidArgument(violations)
        self.get_search_profile(command.client_id)
        vacancy = self._vacancies.get_vacancy(command.vacancy_id)
        if vacancy is None:
            raise NotFound(
                t(
                    f"Vacature {command.vacancy_id} staat niet (meer) open.",
                    f"Vacancy {command.vacancy_id} is not (or no longer) open.",
                )
            )
        at = self._clock()
        kind = FeedbackKind(command.kind)
        pending = []
        if kind is FeedbackKind.APPLIED:
            # The activities service logs the sollicitatie activity for it (once: see client_applied).
            pending.append(
                match_events.client_applied(command.client_id, command.vacancy_id, vacancy.employer, vacancy.title, at)
            )
        self._feed_state.add_feedback(command.client_id, command.vacancy_id, kind, at, pending)
        return FeedbackRecorded(at, activity_logged=kind is FeedbackKind.APPLIED)

    # -- reverse matching ------------------------------------------------------------
    def list_matching_profiles(self, command: ListMatchingProfiles) -> MatchingProfilesPage:
        page_size = feed.check_page_size(
            command.page_size, maximum=MAX_MATCH_PAGE_SIZE, default=DEFAULT_MATCH_PAGE_SIZE
        )
        if not command.vacancy_id.strip():
            raise InvalidArgument([FieldViolation("vacancy_id", t("Geef de vacature op.", "Give the vacancy."))])
        scope = f"vacancy:{command.vacancy_id}"
        offset = feed.decode_cursor(command.page_token, self._tokens, scope).offset if command.page_token else 0
        vacancy = self._vacancies.get_vacancy(command.vacancy_id)
        if vacancy is None:
            raise NotFound(
                t(
                    f"Vacature {command.vacancy_id} staat niet (meer) open.",
                    f"Vacancy {command.vacancy_id} is not (or no longer) open.",
                )
            )
        matches = self._profiles.find_matching(compile_vacancy(vacancy), self._clock().date())
        if command.caseload is not None:
            matches = [m for m in matches if m.client_id in command.caseload]
        window = matches[offset : offset + page_size]
        end = offset + len(window)
        token = feed.encode_cursor(feed.FeedCursor(end, None, scope), self._tokens) if end < len(matches) else ""
        return MatchingProfilesPage(tuple(window), token, len(matches))

    # -- events ------------------------------------------------------------------------
    def vacancy_opened_or_changed(self, vacancy: OpenVacancy) -> list[ProfileMatch]:
        """Projection upsert + reverse match; the match-set difference is announced with it.

        A version older than the one stored (a redelivery overtaken by a newer event) changes
        nothing and announces nothing; the store checks that again as it writes."""
        now = self._clock()
        known = self._vacancies.get_vacancy(vacancy.vacancy_id)
        if known is not None:
            if vacancy.is_older_than(known):
                return []
            # An update is not news to the client: keep when we first saw the vacancy.
            vacancy = vacancy.model_copy(update={"received_at": known.received_at})
        matches = self._profiles.find_matching(compile_vacancy(vacancy), now.date())
        before = self._vacancies.match_set(vacancy.vacancy_id)
        gone = sorted(set(before) - {m.client_id for m in matches})
        pending = match_events.match_set_changed(vacancy.vacancy_id, before, matches, now)
        return matches if self._vacancies.apply_vacancy(vacancy, matches, gone, pending) else []

    def vacancies_opened_or_changed(self, incoming: Sequence[IncomingVacancy]) -> list[list[ProfileMatch]]:
        """`vacancy_opened_or_changed` for the vacancies of several events, in order (see
        vacancy_batches): together where the store reads and writes batches, else one by one."""
        results: list[list[ProfileMatch]] = []
        for run in vacancy_batches.distinct_runs(incoming):
            if len(run) > 1 and hasattr(self._vacancies, "apply_vacancies"):
                results += vacancy_batches.opened_or_changed(
                    self._vacancies, self._profiles, run, self._clock(), self.vacancy_opened_or_changed
                )
                continue
            for item in run:
                with item.within():
                    results.append(self.vacancy_opened_or_changed(item.vacancy))
        return results

    def vacancy_closed(self, vacancy_id: str, closed_at: datetime | None = None) -> bool:
        """Leaves the projection; every client it matched hears it closed. `closed_at` orders the
        closure against later versions (a vacancy sent again after it closed opens again)."""
        now = self._clock()
        clients = sorted(self._vacancies.match_set(vacancy_id))
        pending = match_events.vacancy_closed(vacancy_id, clients, now)
        return self._vacancies.close_vacancy(vacancy_id, closed_at or now, clients, pending)

    def client_applied(self, client_id: str, vacancy_id: str) -> None:
        """The activities service logged an application to a feed vacancy. Marks the feed item
        only: no ClientApplied, which would make the activities service log it again."""
        self._feed_state.add_feedback(client_id, vacancy_id, FeedbackKind.APPLIED, self._clock())

    def profiles(self) -> Iterable[SearchProfile]:
        return self._profiles.all_profiles()
