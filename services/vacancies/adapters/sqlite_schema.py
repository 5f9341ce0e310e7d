"""Tables of the embedded SQLite vacancy store (one file: data_dir/vacancies/vacancies.db)."""

from __future__ import annotations

SCHEMA = (
    # Filter columns are copies of fields in `doc` (the proto Vacancy), kept for indexes.
    """CREATE TABLE IF NOT EXISTS vacancies (
        id INTEGER PRIMARY KEY,
        vacancy_id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        external_id TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        is_open INTEGER NOT NULL,
        closed_reason TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        description TEXT NOT NULL,
        esco_uri TEXT NOT NULL,
        isco_code TEXT NOT NULL,
        province_code TEXT NOT NULL,
        latitude REAL,
        longitude REAL,
        workplace_type TEXT NOT NULL,
        hours_min REAL,
        hours_max REAL,
        contract_type TEXT NOT NULL,
        education_level TEXT NOT NULL,
        driving_licence INTEGER NOT NULL,
        date_posted TEXT NOT NULL,
        valid_through TEXT NOT NULL,
        created_at TEXT NOT NULL,
        doc BLOB NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS vacancies_open_fingerprint ON vacancies (fingerprint) WHERE is_open = 1",
    """CREATE INDEX IF NOT EXISTS vacancies_open_valid_through ON vacancies (valid_through)
        WHERE is_open = 1 AND valid_through != ''""",
    "CREATE INDEX IF NOT EXISTS vacancies_open_geo ON vacancies (latitude, longitude) WHERE is_open = 1",
    "CREATE INDEX IF NOT EXISTS vacancies_isco ON vacancies (isco_code)",
    # Closing date first, no end date last: the expression of sqlite_search.CLOSING_ORDER.
    """CREATE INDEX IF NOT EXISTS vacancies_open_closing ON vacancies
        ((CASE valid_through WHEN '' THEN '9999-99-99' ELSE valid_through END), id) WHERE is_open = 1""",
    "CREATE INDEX IF NOT EXISTS vacancies_open_posted ON vacancies (date_posted, id) WHERE is_open = 1",
    # Every (source, external_id) we know: the vacancy's own (canonical) and links from
    # other sources that published the same vacancy.
    """CREATE TABLE IF NOT EXISTS vacancy_sources (
        source TEXT NOT NULL,
        external_id TEXT NOT NULL,
        vacancy_id TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        canonical INTEGER NOT NULL,
        PRIMARY KEY (source, external_id)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS vacancy_sources_vacancy ON vacancy_sources (vacancy_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS vacancy_text USING fts5(
        title, description, content='vacancies', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2'
    )""",
    """CREATE TABLE IF NOT EXISTS vacancy_changes (
        sequence INTEGER PRIMARY KEY AUTOINCREMENT,
        vacancy_id TEXT NOT NULL,
        change_type TEXT NOT NULL,
        changed_at TEXT NOT NULL
    )""",
)


# Columns added after the first release: (name, definition) for ALTER TABLE on older files.
ADDED_COLUMNS = (("closed_reason", "TEXT NOT NULL DEFAULT ''"),)
