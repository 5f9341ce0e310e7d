"""Search over the SQLite store: SQL narrows (FTS5, indexed filters, bounding box), Python
finishes (exact haversine radius, facets, ordering, keyset paging).

The candidate rows are slim tuples; documents are read only for the page returned.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable, Sequence

from services.common.reference import geo, occupations, places

from ..domain.model import CONTRACT_TYPE_LABELS, Vacancy
from ..domain.search import (
    FacetCount,
    SearchCriteria,
    SearchHit,
    SearchPage,
    SearchPosition,
    TextQuery,
    TextTerm,
    invalid_page_token,
)

SortKey = tuple[float, float]
LoadVacancies = Callable[[Sequence[tuple[str, bytes, str]]], list[Vacancy]]

# Title words weigh more than description words.
_BM25 = "-bm25(vacancy_text, 5.0, 1.0)"
_NO_END_DATE = 99_999_999


def _fts_term(term: TextTerm) -> str:
    # Words are \w+ only (no quotes), so quoting them as an FTS5 string is always safe.
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


def match_expressions(text: TextQuery) -> tuple[str | None, str | None]:
    include = " AND ".join(_fts_term(term) for term in text.include) or None
    exclude = " OR ".join(_fts_term(term) for term in text.exclude) or None
    return include, exclude


def _filters_sql(c: SearchCriteria) -> tuple[str, str, list[object], str]:
    """FROM clause, WHERE clause, parameters and the relevance expression for `c`."""
    include, exclude = match_expressions(c.text)
    params: list[object] = []
    if include:
        source = (
            f"(SELECT rowid AS rid, {_BM25} AS score FROM vacancy_text WHERE vacancy_text MATCH ?) t "
            "JOIN vacancies v ON v.id = t.rid"
        )
        params.append(include)
        score = "t.score"
    else:
        source, score = "vacancies v", "0.0"
    where = ["v.is_open = 1"]
    if exclude:
        where.append("v.id NOT IN (SELECT rowid FROM vacancy_text WHERE vacancy_text MATCH ?)")
        params.append(exclude)
    occupation = []
    if c.esco_uris:
        occupation.append(f"v.esco_uri IN ({','.join('?' * len(c.esco_uris))})")
        params.extend(c.esco_uris)
    for prefix in c.isco_prefixes:
        # A range instead of LIKE so the isco_code index is used (":" sorts right after "9").
        occupation.append("(v.isco_code >= ? AND v.isco_code < ?)")
        params.extend((prefix, prefix + ":"))
    if occupation:
        where.append("(" + " OR ".join(occupation) + ")")
    for column, values in (
        ("province_code", c.province_codes),
        ("workplace_type", c.workplace_types),
        ("contract_type", c.contract_types),
        ("education_level", c.education_levels),
    ):
        if values:
            where.append(f"v.{column} IN ({','.join('?' * len(values))})")
            params.extend(values)
    if c.geo is not None:
        box = geo.bounding_box(c.geo.latitude, c.geo.longitude, c.geo.radius_km)
        where.append("v.latitude BETWEEN ? AND ? AND v.longitude BETWEEN ? AND ?")
        params.extend((box.min_lat, box.max_lat, box.min_lon, box.max_lon))
    # Hours overlap; a vacancy without hours cannot be said to fit a window.
    if c.hours_min is not None:
        where.append("v.hours_max >= ?")
        params.append(c.hours_min)
    if c.hours_max is not None:
        where.append("v.hours_min <= ?")
        params.append(c.hours_max)
    if c.driving_licence_required is not None:
        where.append("v.driving_licence = ?")
        params.append(int(c.driving_licence_required))
    if c.posted_since:
        where.append("v.date_posted >= ?")
        params.append(c.posted_since)
    return source, " AND ".join(where), params, score


def _candidates_sql(c: SearchCriteria) -> tuple[str, list[object]]:
    source, where, params, score = _filters_sql(c)
    sql = (
        f"SELECT v.id, {score}, v.date_posted, v.valid_through, v.latitude, v.longitude, v.isco_code, "
        f"v.province_code, v.contract_type FROM {source} WHERE {where}"
    )
    return sql, params


# The sort key as SQL, identical to `_sort_key` (ascending order, ties by row id).
_SQL_SORT_KEYS = {
    "relevance": ("-({score})", "v.id"),
    "date_posted": ("-CAST(replace(v.date_posted, '-', '') AS INTEGER)", "-v.id"),
    "valid_through": (
        f"CASE v.valid_through WHEN '' THEN {_NO_END_DATE} ELSE CAST(replace(v.valid_through, '-', '') AS INTEGER) END",
        "v.id",
    ),
}


def _search_in_sql(
    conn: sqlite3.Connection, c: SearchCriteria, page_size: int, after: SortKey | None, load: LoadVacancies
) -> SearchPage:
    """Without a radius everything (count, facets, order, keyset page) is done by SQLite."""
    source, where, params, score = _filters_sql(c)
    first, second = (part.format(score=score) for part in _SQL_SORT_KEYS[c.sort])
    (total,) = conn.execute(f"SELECT COUNT(*) FROM {source} WHERE {where}", params).fetchone()
    facets: dict[str, tuple[FacetCount, ...]] = {}
    if c.include_facets:
        rows = conn.execute(
            f"SELECT v.isco_code, v.province_code, v.contract_type, COUNT(*) FROM {source} WHERE {where} "
            "GROUP BY substr(v.isco_code, 1, 1), v.province_code, v.contract_type",
            params,
        ).fetchall()
        facets = _facets_weighted(rows)
    keyset, keyset_params = "", []
    if c.sort == "date_posted":
        # Plain columns (newest first) so the (date_posted, id) index gives the order without sorting.
        order = "v.date_posted DESC, v.id DESC"
        if after is not None:
            keyset, keyset_params = " AND (v.date_posted, v.id) < (?, ?)", [_key_to_date(after[0]), -after[1]]
    elif c.sort == "valid_through":
        # Same expression as the index vacancies_open_closing, so the order needs no sort step.
        order = f"{CLOSING_ORDER}, v.id"
        if after is not None:
            keyset, keyset_params = f" AND ({CLOSING_ORDER}, v.id) > (?, ?)", [_key_to_date(-after[0]), after[1]]
    else:
        order = f"{first}, {second}"
        if after is not None:
            keyset, keyset_params = f" AND ({first}, {second}) > (?, ?)", [after[0], after[1]]
    rows = conn.execute(
        f"SELECT v.id, {score}, {first}, {second}, v.vacancy_id, v.doc, v.fingerprint FROM {source} "
        f"WHERE {where}{keyset} ORDER BY {order} LIMIT ?",
        [*params, *keyset_params, page_size + 1],
    ).fetchall()
    page = rows[:page_size]
    vacancies = load([(row[4], row[5], row[6]) for row in page])
    hits = tuple(
        SearchHit(vacancy=vacancy, score=round(row[1], 6), sort_key=(row[2], row[3]))
        for row, vacancy in zip(page, vacancies, strict=True)
    )
    return SearchPage(hits=hits, total_count=total, facets=facets, has_more=len(rows) > page_size)


CLOSING_ORDER = "(CASE v.valid_through WHEN '' THEN '9999-99-99' ELSE v.valid_through END)"


def _key_to_date(value: float) -> str:
    digits = f"{int(-value):08d}"
    return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"


def _sort_key(
    sort: str, row_id: int, score: float, posted: str, valid_through: str, distance: float | None = None
) -> SortKey:
    if sort == "distance":  # nearest first (only with a radius, so the distance is known)
        return (round(distance if distance is not None else float("inf"), 6), row_id)
    if sort == "relevance":
        return (-score, row_id)
    if sort == "valid_through":
        return (int(valid_through.replace("-", "")) if valid_through else _NO_END_DATE, row_id)
    return (-int(posted.replace("-", "")), -row_id)  # newest first


def search(
    conn: sqlite3.Connection, c: SearchCriteria, page_size: int, after: SearchPosition | None, load: LoadVacancies
) -> SearchPage:
    """Keyset paging on the live table: the position is the last hit's (float, float) sort key."""
    key: SortKey | None = None
    if after is not None:
        if len(after.after) != 2 or after.pit:  # a search engine's position, or not ours
            raise invalid_page_token()
        key = (float(after.after[0]), float(after.after[1]))
    page = _search(conn, c, page_size, key, load)
    if page.has_more and page.hits:
        return page.model_copy(update={"next_position": SearchPosition(after=page.hits[-1].sort_key)})
    return page


def _search(
    conn: sqlite3.Connection, c: SearchCriteria, page_size: int, after: SortKey | None, load: LoadVacancies
) -> SearchPage:
    if c.geo is None:
        return _search_in_sql(conn, c, page_size, after, load)
    # With a radius, SQLite narrows to the bounding box and Python keeps the points inside the circle.
    sql, params = _candidates_sql(c)
    matches: list[tuple[SortKey, int, float, float | None, tuple[str, str, str]]] = []
    for row_id, score, posted, valid_through, lat, lon, isco, province, contract in conn.execute(sql, params):
        distance = None
        if c.geo is not None:
            distance = geo.haversine_km(c.geo.latitude, c.geo.longitude, lat, lon)
            if distance > c.geo.radius_km:
                continue
        key = _sort_key(c.sort, row_id, score, posted, valid_through, distance)
        matches.append((key, row_id, score, distance, (isco, province, contract)))
    facets = _facets([m[4] for m in matches]) if c.include_facets else {}
    total = len(matches)
    if after is not None:
        matches = [m for m in matches if m[0] > after]
    matches.sort(key=lambda m: m[0])
    page = matches[:page_size]
    docs = {}
    if page:
        ids = [m[1] for m in page]
        docs = {
            row[0]: row[1:]
            for row in conn.execute(
                f"SELECT id, vacancy_id, doc, fingerprint FROM vacancies WHERE id IN ({','.join('?' * len(ids))})", ids
            )
        }
    vacancies = load([docs[m[1]] for m in page])
    hits = tuple(
        SearchHit(
            vacancy=vacancy, score=round(m[2], 6), distance_km=None if m[3] is None else round(m[3], 3), sort_key=m[0]
        )
        for m, vacancy in zip(page, vacancies, strict=True)
    )
    return SearchPage(hits=hits, total_count=total, facets=facets, has_more=len(matches) > page_size)


def _facets(values: list[tuple[str, str, str]]) -> dict[str, tuple[FacetCount, ...]]:
    return _facets_weighted([(isco, province, contract, 1) for isco, province, contract in values])


def _facets_weighted(rows: Sequence[tuple[str, str, str, int]]) -> dict[str, tuple[FacetCount, ...]]:
    major: Counter[str] = Counter()
    province: Counter[str] = Counter()
    contract: Counter[str] = Counter()
    for isco, prov, kind, count in rows:
        if isco:
            major[isco[:1]] += count
        if prov:
            province[prov] += count
        if kind:
            contract[kind] += count

    def ordered(counts: Counter[str], label: Callable[[str], str]) -> tuple[FacetCount, ...]:
        return tuple(
            FacetCount(value=value, label=label(value), count=count)
            for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        )

    return {
        "isco_major_group": ordered(major, lambda code: occupations.isco_group_label(code) or code),
        "province": ordered(province, lambda code: places.PROVINCES.get(code, code)),
        "contract_type": ordered(contract, lambda value: CONTRACT_TYPE_LABELS.get(value, value)),
    }
