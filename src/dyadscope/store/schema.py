"""The store's schema: its tables and views, its version and the migrations from each
earlier version (docs/SCHEMA.md), and the errors a store raises."""

from __future__ import annotations

SCHEMA_VERSION = 6
DEFAULT_DB = "dyadscope.duckdb"

SKETCHES_TABLE = """
CREATE TABLE IF NOT EXISTS sketches (
    doc_id VARCHAR PRIMARY KEY, sketch VARCHAR, published DATE, seq BIGINT, length INTEGER,
    copies_checked BOOLEAN
);
"""

STORIES_TABLES = """
CREATE TABLE IF NOT EXISTS stories (
    story_id VARCHAR PRIMARY KEY, title VARCHAR, title_doc_id VARCHAR,
    start_date DATE, end_date DATE, first_published DATE, last_published DATE,
    num_docs INTEGER, num_independent INTEGER, num_events INTEGER
);
CREATE TABLE IF NOT EXISTS story_features (
    doc_id VARCHAR PRIMARY KEY, published DATE, weak BOOLEAN, people VARCHAR,
    signatures VARCHAR, lead_people VARCHAR, lead_signatures VARCHAR, vector VARCHAR, lead VARCHAR,
    grouped BOOLEAN
);
"""

# Each entry upgrades a store from version N to N+1; applied in order inside one transaction.
QUAD_CLASS_FIX = """
UPDATE events SET quad_class = CASE
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 1 AND 5 THEN 1
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 6 AND 8 THEN 2
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 9 AND 13 THEN 3
    WHEN TRY_CAST(substr(cameo, 1, 2) AS INTEGER) BETWEEN 14 AND 20 THEN 4
    ELSE 0 END
"""

# One row per event (the report that represents it), with what its reports add up to and
# where it was first reported: what `dyadscope events` and the Python API's
# `dyadscope.open(path).events()` list, for anyone reading the DuckDB file directly.
UNIQUE_EVENTS_VIEW = """
CREATE OR REPLACE VIEW unique_events AS
WITH m AS (
    SELECT coalesce(e.event_group, e.event_id) AS gid,
           count(DISTINCT em.doc_id) AS num_sources,
           count(DISTINCT em.doc_id || ':' || em.start) AS num_mentions,
           count(DISTINCT coalesce(d.copy_of, d.doc_id)) AS num_independent,
           arg_min(d.doc_id, (coalesce(d.published, DATE '9999-12-31'), d.seq)) AS first_reported
    FROM events e JOIN event_mentions em ON em.event_id = e.event_id
    JOIN documents d ON d.doc_id = em.doc_id
    GROUP BY 1)
SELECT e.*, coalesce(m.num_sources, 1) AS num_sources, greatest(coalesce(m.num_mentions, 1), 1) AS num_mentions,
       coalesce(m.num_independent, 1) AS num_independent, coalesce(m.first_reported, e.doc_id) AS first_reported,
       f.url AS source_url, f.source AS outlet, f.published AS published
FROM events e LEFT JOIN m ON m.gid = e.event_id
LEFT JOIN documents f ON f.doc_id = coalesce(m.first_reported, e.doc_id)
WHERE e.event_group IS NULL OR e.event_group = e.event_id
"""

MIGRATIONS: dict[int, list[str]] = {
    # 2: copy detection keeps one MinHash sketch per document (documents ingested under
    # version 1 have none and are not found as copies until `dyadscope recode`).
    1: [SKETCHES_TABLE],
    # 3: stories. Event rows become reports of an event (`event_group` names the report
    # that represents it); the coder's own date is kept beside the date a story gives.
    # Documents ingested before have no grouping features until `dyadscope recode`.
    2: [
        STORIES_TABLES,
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS event_group VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS date_method VARCHAR",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS coded_date DATE",
        "ALTER TABLE events ADD COLUMN IF NOT EXISTS coded_precision VARCHAR",
        "UPDATE events SET event_group = event_id, coded_date = date, coded_precision = date_precision, "
        "date_method = CASE WHEN date_precision = 'document' THEN 'document' ELSE 'text' END",
    ],
    # 4: quad classes follow the field's mapping (GDELT, ICEWS, Phoenix): roots 01-05
    # verbal cooperation, 06-08 material cooperation, 09-13 verbal conflict, 14-20 material
    # conflict. Versions before 4 stored roots 09 and 14 one class off.
    3: [QUAD_CLASS_FIX],
    # 5: the `unique_events` view (one row per event, with num_sources, num_mentions,
    # first_reported and its source_url, outlet and published date).
    4: [UNIQUE_EVENTS_VIEW],
    # 6: documents.about_politics, the coder's probability that the document is about
    # politics (coder/relevance.py; under its threshold a document gives no events). NULL
    # where not checked: documents ingested before, until `dyadscope recode`, and documents
    # of fewer than three sentences.
    5: ["ALTER TABLE documents ADD COLUMN IF NOT EXISTS about_politics DOUBLE"],
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE SEQUENCE IF NOT EXISTS ingest_seq;
CREATE TABLE IF NOT EXISTS documents (
    doc_id VARCHAR PRIMARY KEY,
    seq BIGINT,
    path VARCHAR, url VARCHAR, source VARCHAR, title VARCHAR,
    format VARCHAR, language VARCHAR,
    published DATE, published_method VARCHAR, published_confidence DOUBLE,
    text VARCHAR, raw_text VARCHAR, published_given VARCHAR,
    story_id VARCHAR, copy_of VARCHAR, copy_similarity DOUBLE,
    spin_score DOUBLE, spin_evidence VARCHAR,
    coder_version VARCHAR,
    ingested_at TIMESTAMP,
    about_politics DOUBLE
);
CREATE TABLE IF NOT EXISTS removed (
    doc_id VARCHAR, n INTEGER, position INTEGER, text VARCHAR, reason VARCHAR
);
CREATE TABLE IF NOT EXISTS repairs (
    doc_id VARCHAR, n INTEGER, position INTEGER, frm VARCHAR, "to" VARCHAR, kind VARCHAR
);
CREATE TABLE IF NOT EXISTS sentences (
    doc_id VARCHAR, idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    is_caption BOOLEAN, parsed BOOLEAN
);
CREATE TABLE IF NOT EXISTS entities (
    doc_id VARCHAR, sent_idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR, label VARCHAR
);
CREATE TABLE IF NOT EXISTS actor_mentions (
    doc_id VARCHAR, sent_idx INTEGER, start INTEGER, "end" INTEGER, text VARCHAR,
    actor_id VARCHAR, name VARCHAR, country VARCHAR, sector VARCHAR, method VARCHAR
);
CREATE TABLE IF NOT EXISTS actors (
    actor_id VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR, sector VARCHAR
);
CREATE TABLE IF NOT EXISTS events (
    event_id VARCHAR PRIMARY KEY,
    doc_id VARCHAR, sent_idx INTEGER, sentence VARCHAR,
    source_text VARCHAR, source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
    source_actor_id VARCHAR,
    target_text VARCHAR, target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR,
    target_actor_id VARCHAR,
    cameo VARCHAR, plover VARCHAR, mode VARCHAR, quad_class INTEGER, goldstein DOUBLE,
    date DATE, date_precision VARCHAR, modality VARCHAR, attributed_to VARCHAR,
    background BOOLEAN,
    location_name VARCHAR, location_country VARCHAR, location_lat DOUBLE, location_lon DOUBLE,
    confidence DOUBLE, coder_version VARCHAR, trigger VARCHAR, story_id VARCHAR,
    event_group VARCHAR, date_method VARCHAR, coded_date DATE, coded_precision VARCHAR
);
CREATE TABLE IF NOT EXISTS sketches (
    doc_id VARCHAR PRIMARY KEY, sketch VARCHAR, published DATE, seq BIGINT, length INTEGER,
    copies_checked BOOLEAN
);
CREATE TABLE IF NOT EXISTS event_mentions (
    event_id VARCHAR, doc_id VARCHAR, sent_idx INTEGER, sentence VARCHAR,
    start INTEGER, "end" INTEGER
);
""" + STORIES_TABLES + UNIQUE_EVENTS_VIEW

# Tables whose rows derive from one document (deleted with it, rewritten on re-ingest).
DERIVED = ("removed", "repairs", "sentences", "entities", "actor_mentions", "event_mentions", "sketches",
           "story_features")


# One row per event: the report that represents it (rows of old stores have no group yet).
EVENTS_ONLY = "event_group IS NULL OR event_group = event_id"


class StoreError(Exception):
    """A store problem the user can fix; the message says how."""


class StoreLocked(StoreError):
    """Another process has the store open for writing."""
