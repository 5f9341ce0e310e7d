"""Protobuf <-> domain mapping for the matching service (gRPC and events)."""

from __future__ import annotations

from datetime import UTC, datetime

from google.protobuf import timestamp_pb2

from jobmatch.matching.v1 import matching_service_pb2 as pb
from jobmatch.vacancies.v1 import vacancy_pb2
from services.matching.domain.explanation import Explanation
from services.matching.domain.feed import FeedItem, FeedPage
from services.matching.domain.model import (
    ContractType,
    EducationLevel,
    OccupationWishInput,
    OpenVacancy,
    SearchProfile,
    SearchProfileInput,
)
from services.matching.domain.ranking import ProfileMatch

WEEKS_PER_MONTH = 52 / 12
DEFAULT_HOURS_PER_WEEK = 38.0  # Dutch full-time week, for hourly wages without hours


def timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def profile_input(request: pb.SetSearchProfileRequest) -> SearchProfileInput:
    p = request.profile
    return SearchProfileInput(
        client_id=request.client_id,
        occupations=[
            OccupationWishInput(esco_uri=w.esco_uri, isco_code=w.isco_code, breadth=w.breadth) for w in p.occupations
        ],
        skills=list(p.skills),
        home_place_name=p.home_place_name,
        max_travel_km=p.max_travel_km,
        hours_min=p.hours_min,
        hours_max=p.hours_max,
        contract_types=list(p.contract_types),
        education_level=p.education_level,
        languages=list(p.languages),
        has_driving_licence=p.has_driving_licence,
        remote_acceptable=p.remote_acceptable,
        min_salary_monthly=p.min_salary_monthly,
        status=p.status,
    )


def profile_pb(profile: SearchProfile) -> pb.SearchProfile:
    return pb.SearchProfile(
        client_id=profile.client_id,
        occupations=[
            pb.OccupationWish(
                esco_uri=w.esco_uri,
                isco_code=w.isco_code,
                breadth=int(w.breadth),  # type: ignore[arg-type]
                label_nl=w.label_nl,
            )
            for w in profile.occupations
        ],
        skills=list(profile.skills),
        home_place_name=profile.home_place_name,
        home_latitude=profile.home_latitude,
        home_longitude=profile.home_longitude,
        max_travel_km=profile.max_travel_km,
        hours_min=profile.hours_min,
        hours_max=profile.hours_max,
        contract_types=[int(c) for c in profile.contract_types],  # type: ignore[misc]
        education_level=int(profile.education_level),  # type: ignore[arg-type]
        languages=list(profile.languages),
        has_driving_licence=profile.has_driving_licence,
        remote_acceptable=profile.remote_acceptable,
        min_salary_monthly=profile.min_salary_monthly,
        status=int(profile.status),  # type: ignore[arg-type]
        updated_at=timestamp(profile.updated_at),
    )


def vacancy_summary_pb(v: OpenVacancy) -> pb.VacancySummary:
    return pb.VacancySummary(
        vacancy_id=v.vacancy_id,
        title=v.title,
        employer=v.employer,
        esco_uri=v.esco_uri,
        isco_code=v.isco_code,
        place_name=v.place_name,
        remote=v.remote,
        hours_min=round(v.hours_min),
        hours_max=round(v.hours_max),
        contract_type=int(v.contract_type),  # type: ignore[arg-type]
        salary_min=v.salary_min,
        salary_max=v.salary_max,
        date_posted=v.date_posted,
        valid_through=v.valid_through,
        application_url=v.application_url,
    )


def explanation_pb(e: Explanation) -> pb.Explanation:
    return pb.Explanation(
        matched_criteria=[int(c) for c in e.matched_criteria],  # type: ignore[misc]
        occupation_match=int(e.occupation_match),  # type: ignore[arg-type]
        distance_km=round(e.distance_km, 1) if e.distance_km is not None else 0.0,
        has_distance=e.distance_km is not None,
        skills_in_common=list(e.skills_in_common),
        skills_missing=list(e.skills_missing),
        explanation_nl=e.text_nl,
        explanation_en=e.text_en,
        score_breakdown=pb.ScoreBreakdown(
            occupation=e.parts.occupation,
            skills=e.parts.skills,
            distance=e.parts.distance,
            hours=e.parts.hours,
            recency=e.parts.recency,
            feedback=e.parts.feedback,
        ),
    )


def feed_item_pb(item: FeedItem) -> pb.FeedItem:
    return pb.FeedItem(
        vacancy=vacancy_summary_pb(item.vacancy),
        score=item.score,
        is_new=item.is_new,
        explanation=explanation_pb(item.explanation),
        saved=item.saved,
        applied=item.applied,
    )


def feed_response(page: FeedPage) -> pb.GetFeedResponse:
    response = pb.GetFeedResponse(
        items=[feed_item_pb(i) for i in page.items],
        next_page_token=page.next_page_token,
        total_size=page.total_size,
        new_count=page.new_count,
    )
    if page.previous_visit_at is not None:
        response.previous_visit_at.CopyFrom(timestamp(page.previous_visit_at))
    return response


def profile_match_pb(m: ProfileMatch) -> pb.ProfileMatch:
    return pb.ProfileMatch(
        client_id=m.client_id,
        score=m.score,
        occupation_match=int(m.occupation_match),  # type: ignore[arg-type]
        distance_km=round(m.distance_km, 1) if m.distance_km is not None else 0.0,
        has_distance=m.distance_km is not None,
    )


def monthly_salary(amount: float, period: int, hours_per_week: float, currency: str) -> int:
    """A salary amount as euro per month; 0 (unknown) for other currencies or no amount."""
    if amount <= 0 or (currency and currency.upper() != "EUR"):
        return 0
    if period == vacancy_pb2.SALARY_PERIOD_HOUR:
        return round(amount * (hours_per_week or DEFAULT_HOURS_PER_WEEK) * WEEKS_PER_MONTH)
    if period == vacancy_pb2.SALARY_PERIOD_YEAR:
        return round(amount / 12)
    return round(amount)


def open_vacancy(v: vacancy_pb2.Vacancy, received_at: datetime) -> OpenVacancy:
    """The matching service's projection of a vacancies-service Vacancy."""
    hours = v.hours_max or v.hours_min
    location = v.location
    return OpenVacancy(
        vacancy_id=v.vacancy_id,
        title=v.title,
        employer=v.employer,
        esco_uri=v.occupation.esco_uri,
        isco_code=v.occupation.isco_code if v.occupation.isco_code.isdigit() else "",
        place_name=location.place_name,
        latitude=location.latitude,
        longitude=location.longitude,
        has_coordinates=location.has_coordinates,
        remote=v.workplace_type == vacancy_pb2.WORKPLACE_TYPE_REMOTE,
        hours_min=v.hours_min,
        hours_max=v.hours_max,
        contract_type=ContractType(v.contract_type)
        if v.contract_type in ContractType._value2member_map_
        else ContractType.UNSPECIFIED,
        education_level=EducationLevel(v.education_level)
        if v.education_level in EducationLevel._value2member_map_
        else EducationLevel.UNSPECIFIED,
        salary_min=monthly_salary(v.salary_min, v.salary_period, hours, v.salary_currency),
        salary_max=monthly_salary(v.salary_max, v.salary_period, hours, v.salary_currency),
        languages=tuple(v.languages),
        driving_licence_required=v.driving_licence_required,
        required_skills=tuple(v.required_skills),
        optional_skills=tuple(v.optional_skills),
        date_posted=v.date_posted,
        valid_through=v.valid_through,
        application_url=v.application_url,
        received_at=received_at,
        source_updated_at=v.updated_at.ToDatetime(tzinfo=UTC) if v.HasField("updated_at") else None,
    )
