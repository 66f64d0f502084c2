"""The database schema: one SQLAlchemy ``MetaData`` with a naming convention.

Tables are SQLAlchemy Core ``Table`` objects; domain modules query them with Core
statements over a ``Connection`` they are given. Alembic migrations in
``wpstrack/migrations`` are generated from this module, and a test checks that
``upgrade head`` on an empty database matches it exactly.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

# The date an undated activity sorts as: written into the list's ORDER BY as this literal,
# so that the query's expression is the one ``ix_activity_sort_date`` is built on.
EARLIEST_DATE = "'0001-01-01'"

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


def _created_at() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False)


def _search_words(table: str) -> Column:
    """The row's Japanese text cut into words for the full-text index
    (:mod:`wpstrack.search_index`): a trigger cannot run the analyser, so Python writes it
    with the row. The default computes it on every insert, whatever code inserts;
    ``audit.update`` recomputes it when an update changes the text."""

    def default(context: Any) -> str | None:
        from wpstrack.search_index import row_words  # it imports this module

        return row_words(table, context.get_current_parameters())

    return Column("search_words", Text, default=default)


# --- reference data -----------------------------------------------------------------------

resolution = Table(
    "resolution",
    metadata,
    Column("number", Integer, primary_key=True, autoincrement=False),
    Column("year", Integer, nullable=False),
    Column("adopted_on", Date),
    Column("title", String(200), nullable=False),
    Column("gist", Text, nullable=False),
)

pillar = Table(
    "pillar",
    metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("name_ja", String(100)),
    Column("description", Text, nullable=False, server_default=""),
    Column("sort_order", Integer, nullable=False),
)

organisation = Table(
    "organisation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(64), nullable=False, unique=True),
    Column("name", String(300), nullable=False),
    Column("acronym", String(40)),
    Column("name_ja", String(200)),
    Column("type", String(32), nullable=False),
    Column("country", String(2)),
    Column("parent_id", ForeignKey("organisation.id", ondelete="SET NULL")),
)

organisation_alias = Table(
    "organisation_alias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "organisation_id",
        ForeignKey("organisation.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("alias", String(300), nullable=False),
    Column("lang", String(8), nullable=False, server_default="en"),
    UniqueConstraint("organisation_id", "alias"),
)

place = Table(
    "place",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # country | city
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("timezone", String(64)),
    Column("geonameid", Integer, unique=True),
    Column("population", Integer),
    Column("latitude", Float),
    Column("longitude", Float),
    CheckConstraint("kind IN ('country', 'city')", name="kind"),
    Index("ix_place_name", "name"),
    Index("ix_place_country_kind", "country", "kind"),
)

person = Table(
    "person",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("family_name", String(120), nullable=False),
    Column("given_name", String(120)),
    Column("honorific", String(40)),
    Column("gender", String(1)),  # f | m | None where the sources do not state it
    Column("name_ja", String(120)),
    Index("ix_person_family_given", "family_name", "given_name"),
)

position = Table(
    "position",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="SET NULL")),
    Column("country", String(2)),
    Column("title", String(300), nullable=False),
    Column("start_on", Date),
    Column("end_on", Date),
)

# --- plans and indicators -----------------------------------------------------------------

plan = Table(
    "plan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(40), nullable=False, unique=True),
    Column("country", String(2), nullable=False),
    Column("title", String(300), nullable=False),
    Column("edition", Integer),
    Column("adopted_on", Date),
    Column("period_start", Integer),  # first year covered
    Column("period_end", Integer),  # last year covered
    Column("period_note", String(200)),  # e.g. "Japanese fiscal years (April-March)"
    Column("source", Text),
    Column("version", Integer, nullable=False, server_default="1"),
    # What the plan reports in (wpstrack.indicators.periods): calendar_year, fiscal_year or
    # quarter; a fiscal year starts in month ``fiscal_year_start`` (4 for Japan).
    Column("period_type", String(16), nullable=False, server_default="calendar_year"),
    Column("fiscal_year_start", Integer),
    # An invented plan (the demo's example of an imaginary government): every page that
    # shows it says so, and nothing real may be read from its figures.
    Column("fictional", Boolean, nullable=False, server_default="0"),
)

plan_item = Table(
    "plan_item",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", ForeignKey("plan.id", ondelete="CASCADE"), nullable=False),
    Column("parent_id", ForeignKey("plan_item.id", ondelete="CASCADE")),
    Column("code", String(40), nullable=False),
    Column("kind", String(16), nullable=False),  # area | objective | measure
    Column("title", Text, nullable=False),
    Column("description", Text),
    Column("pillar_code", ForeignKey("pillar.code")),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    CheckConstraint("kind IN ('area', 'objective', 'measure')", name="kind"),
    UniqueConstraint("plan_id", "code"),
    Index("ix_plan_item_parent", "parent_id"),
)

plan_item_organisation = Table(
    "plan_item_organisation",
    metadata,
    Column("plan_item_id", ForeignKey("plan_item.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), primary_key=True),
    Column("role", String(16), nullable=False, server_default="responsible"),
)

indicator = Table(
    "indicator",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", ForeignKey("plan.id", ondelete="CASCADE"), nullable=False),
    Column("plan_item_id", ForeignKey("plan_item.id", ondelete="SET NULL")),
    Column("code", String(40), nullable=False),
    Column("name", Text, nullable=False),
    Column("unit", String(40), nullable=False, server_default="count"),
    Column("direction", String(16), nullable=False, server_default="increase"),
    Column("method", String(16), nullable=False, server_default="manual"),
    Column("formula", JSON),  # declarative definition for computed indicators
    Column("disaggregation", String(40)),  # e.g. "sex"
    Column("baseline_value", Float),
    Column("baseline_period", String(20)),
    Column("description", Text),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    # Validation rules for entered values: the declared range, and whether the parts of a
    # disaggregated value (f, m) must add up to its total (not only stay within it).
    Column("min_value", Float),
    Column("max_value", Float),
    Column("parts_sum_to_total", Boolean, nullable=False, server_default="0"),
    CheckConstraint("direction IN ('increase', 'decrease', 'maintain')", name="direction"),
    CheckConstraint("method IN ('manual', 'computed')", name="method"),
    UniqueConstraint("plan_id", "code"),
)

indicator_target = Table(
    "indicator_target",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(20), nullable=False),
    Column("value", Float, nullable=False),
    Column("note", Text),
    UniqueConstraint("indicator_id", "period"),
)

indicator_value = Table(
    "indicator_value",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator_id", ForeignKey("indicator.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(20), nullable=False),
    Column("value", Float, nullable=False),
    # "total" for an undisaggregated value, else "f" / "m"; never NULL so that the unique
    # constraint holds on every backend.
    Column("sex", String(8), nullable=False, server_default="total"),
    Column("source", Text),
    Column("note", Text),
    Column("recorded_by", String(120)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    # entered -> approved; a correction returns it to entered. Reports count approved only.
    Column("status", String(10), nullable=False, server_default="entered"),
    Column("approved_by", String(120)),
    Column("approved_at", DateTime(timezone=True)),
    UniqueConstraint("indicator_id", "period", "sex"),
)

# Earlier versions of a value: a correction copies the row it replaces here first, so a
# value's history (who entered what, from which source, when) is never lost.
indicator_value_revision = Table(
    "indicator_value_revision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("value_id", ForeignKey("indicator_value.id", ondelete="CASCADE"), nullable=False),
    Column("value", Float, nullable=False),
    Column("status", String(10), nullable=False),
    Column("source", Text),
    Column("note", Text),
    Column("recorded_by", String(120)),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("replaced_by", String(120)),
    Column("replaced_at", DateTime(timezone=True), nullable=False),
    Index("ix_indicator_value_revision_value", "value_id"),
)

# What editors write in the annual report, per plan, period and section ("summary" or a
# pillar code). Each save is a new row (the history); the latest row is the current text.
report_narrative = Table(
    "report_narrative",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan_id", ForeignKey("plan.id", ondelete="CASCADE"), nullable=False),
    Column("period", String(20), nullable=False),
    Column("section", String(40), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(120)),
    _created_at(),
    Index("ix_report_narrative_plan_period", "plan_id", "period", "section"),
)

# --- documents, extraction and the activity register --------------------------------------

document = Table(
    "document",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", Text, nullable=False),  # path or URL it came from
    Column("filename", String(300)),
    Column("media_type", String(80)),
    Column("encoding", String(40)),
    Column("language", String(8)),
    Column("publisher", String(200)),
    Column("title", Text),
    Column("published_on", Date),
    Column("content_hash", String(64), nullable=False),
    Column("size_bytes", Integer, nullable=False),
    Column("raw", LargeBinary),
    Column("text", Text),
    Column("status", String(16), nullable=False),  # ingested | rejected
    Column("reject_reason", Text),
    # sha256 of the text folded to letters and digits (wpstrack.copies.marks): the same
    # release as HTML, PDF and DOCX has one fingerprint. NULL for documents stored before it.
    Column("fingerprint", String(64)),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    _search_words("document"),
    CheckConstraint("status IN ('ingested', 'rejected')", name="status"),
    Index("ix_document_content_hash", "content_hash"),
    # What the public may see (visibility.documents) tests the status of every candidate
    # document; in the row it sits behind the raw bytes and the text, so without this index
    # each test reads the document's overflow pages (search and the public archive).
    Index("ix_document_status", "status"),
    Index("ix_document_fingerprint", "fingerprint"),
    # The same bytes are ingested once; rejected attempts may repeat and are all kept.
    Index(
        "uq_document_ingested_hash",
        "content_hash",
        unique=True,
        sqlite_where=text("status = 'ingested'"),
        postgresql_where=text("status = 'ingested'"),
    ),
)

extraction = Table(
    "extraction",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("document.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(40), nullable=False),
    Column("value", JSON),
    Column("start", Integer),
    Column("end", Integer),
    Column("method", String(60), nullable=False),
    Column("confidence", Float),
    Column("source", String(8), nullable=False),  # machine | human
    Column("decision", String(16)),  # None (proposed) | accepted | corrected | rejected
    Column("author", String(120)),
    _created_at(),
    # A human row names the machine row it decides on (accepts, corrects or rejects): the
    # machine row itself is never changed. NULL on machine rows and on values a reviewer adds.
    Column("decides_id", ForeignKey("extraction.id", ondelete="CASCADE"), index=True),
    CheckConstraint("source IN ('machine', 'human')", name="source"),
    Index("ix_extraction_document_field", "document_id", "field"),
)

activity = Table(
    "activity",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", ForeignKey("document.id", ondelete="SET NULL")),
    Column("type", String(32), nullable=False, server_default="other"),
    Column("title", Text),
    Column("status", String(16), nullable=False, server_default="draft"),
    Column("date", Date),  # local calendar date on which it began
    Column("start_time_local", String(5)),  # HH:MM
    Column("timezone", String(64)),  # IANA zone of the place
    Column("tz_stated", String(16)),
    Column("start_time_jst", String(16)),  # as stated, YYYY-MM-DDTHH:MM
    Column("start_utc", DateTime(timezone=True)),
    Column("duration_minutes", Integer),
    Column("place_id", ForeignKey("place.id")),
    Column("city", String(200)),
    Column("country", String(2)),
    Column("summary", Text),
    _search_words("activity"),
    # Whose activity it is: the government that carries it out (ISO code; a release of a
    # ministry is its government's unless the text says otherwise) or, for an activity of
    # an organisation, that organisation. A plan counts its own government's activities.
    Column("acting_country", String(2)),
    Column("acting_organisation_id", ForeignKey("organisation.id", ondelete="SET NULL")),
    Column("is_published", Boolean, nullable=False, server_default="0"),
    Column("reviewed_by", String(80)),  # who accepted the draft into the register
    Column("reviewed_at", DateTime(timezone=True)),
    Column("version", Integer, nullable=False, server_default="1"),
    _created_at(),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("status IN ('draft', 'reviewed', 'published')", name="status"),
    Index("ix_activity_date", "date"),
    # Counts by type (dashboard, indicators) read this index alone: 24 -> 3 ms at 100,000
    # entries on SQLite (bench/RESULTS.md). Indexes led by is_published or status were
    # measured and left out: SQLite then drives the joins from them and the other queries
    # slow down.
    Index("ix_activity_type", "type"),
    # The indicators ask when the register last changed (are computed values stale?):
    # MAX(updated_at) read from the index end instead of a scan (8.6 ms at 100,000 entries).
    Index("ix_activity_updated_at", "updated_at"),
    # The dashboard counts by month and by type and status (for the public, published entries
    # only) from these indexes alone, and its participant and link counts read an entry's
    # flag from the small (id, is_published) index instead of the table row: 266 -> 116 ms
    # for the public at 100,000 entries (bench/dashboard.py). is_published leads none of
    # them, for the reason above.
    Index("ix_activity_date_published", "date", "is_published"),
    Index("ix_activity_type_status_published", "type", "status", "is_published"),
    Index("ix_activity_id_published", "id", "is_published"),
    # The documents behind published entries (visibility.documents), read from the index
    # instead of every entry's row: public search at 10,000 documents (bench/search.py).
    Index("ix_activity_document_published", "document_id", "is_published"),
    # The activity list's default order (newest first, undated last: activities._sort_key)
    # read from the index end, a page after a cursor sought in it, instead of sorting every
    # entry for each page (bench/scale.py's list cases; bench/RESULTS.md, "Scale").
    Index("ix_activity_sort_date", text(f"coalesce(date, {EARLIEST_DATE})"), "id"),
    # A plan's scope (its government's activities) starts from this index.
    Index("ix_activity_acting_country", "acting_country"),
)

# An activity is an event and documents are its sources: the release it was drafted from
# ("ingest"), a release a reviewer said reports the same event ("merge") and a format copy of
# a source (the same text as HTML, PDF, DOCX) joined at ingest ("auto"). A document is the
# source of at most one activity. ``fields`` names the activity columns this source filled
# when it joined (the values the activity had none of), so each value's source stays known.
activity_source = Table(
    "activity_source",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), nullable=False),
    Column(
        "document_id",
        ForeignKey("document.id", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("how", String(8), nullable=False),
    Column("fields", JSON),
    Column("added_by", String(80)),
    Column("added_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("how IN ('ingest', 'merge', 'auto')", name="how"),
    Index("ix_activity_source_activity", "activity_id"),
)

# Two activities a reviewer decided are different events: never offered as a match again.
# Stored once per pair, the smaller id first.
activity_apart = Table(
    "activity_apart",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), nullable=False),
    Column("other_id", ForeignKey("activity.id", ondelete="CASCADE"), nullable=False),
    Column("decided_by", String(80)),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    CheckConstraint("activity_id < other_id", name="ordered"),
    UniqueConstraint("activity_id", "other_id"),
    Index("ix_activity_apart_other", "other_id"),
)

# Participant roles of people who took part; "mentioned" people did not, so the dashboard,
# the computed indicators, the people pages and the report all count only these.
PEOPLE_ROLES = ("principal", "participant")
# Review statuses of the entries the register counts (indicators, the 3W matrix): a draft
# never counts, nothing reaches the register without a review decision.
COUNTED_STATUSES: tuple[Literal["reviewed", "published"], ...] = ("reviewed", "published")

activity_participant = Table(
    "activity_participant",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("person.id")),
    Column("organisation_id", ForeignKey("organisation.id")),
    Column("name", String(300)),  # as written, when not (yet) resolved
    Column("title", String(300)),
    Column("affiliation", String(300)),
    Column("gender", String(1)),
    # A code of wpstrack.roles.ROLES: principal (lead / host), implementer, funder,
    # recipient, participant, mentioned.
    Column("role", String(16), nullable=False),
    # person | organisation | government: what the row names (a person's row may carry
    # the organisation they belong to, which is not that organisation's own role).
    Column("kind", String(16)),
    # The government a row stands for ("funded by the Government of Japan"); governments
    # are not organisations, so such a row has a country and no organisation.
    Column("country", String(2)),
    # Who set the role by hand (None: as the extractor proposed it). Rebuilding an entry's
    # participants from its decided values keeps a reviewer's role.
    Column("role_by", String(80)),
    Index("ix_activity_participant_activity", "activity_id"),
    # The dashboard's UN entities (entries per organisation) and named people (gender per
    # entry) read these indexes without the table. Both are partial, and only the dashboard's
    # queries state their conditions in these words: SQLite without statistics would
    # otherwise start the matrix, the indicators and the people pages from them and read
    # the entries out of order (two to three times slower at 100,000 entries).
    Index(
        "ix_activity_participant_organisation",
        "organisation_id",
        "activity_id",
        sqlite_where=text("organisation_id > 0"),
        postgresql_where=text("organisation_id > 0"),
    ),
    Index(
        "ix_activity_participant_named",
        "activity_id",
        "gender",
        sqlite_where=text(f"name IS NOT NULL AND role IN {PEOPLE_ROLES!r}"),
        postgresql_where=text(f"name IS NOT NULL AND role IN {PEOPLE_ROLES!r}"),
    ),
)

activity_link = Table(
    "activity_link",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("activity_id", ForeignKey("activity.id", ondelete="CASCADE"), nullable=False),
    # plan_item | resolution | pillar | topic | location (a country where the work happens,
    # as against the venue in activity.country)
    Column("kind", String(16), nullable=False),
    Column("plan_item_id", ForeignKey("plan_item.id", ondelete="CASCADE")),
    Column("resolution_number", ForeignKey("resolution.number")),
    Column("pillar_code", ForeignKey("pillar.code")),
    Column("topic", String(40)),
    Column("country", String(2)),
    Index("ix_activity_link_activity", "activity_id"),
    # Entries per pillar (dashboard, report) from the index alone.
    Index(
        "ix_activity_link_pillar",
        "kind",
        "pillar_code",
        "activity_id",
        sqlite_where=text("pillar_code IS NOT NULL"),
        postgresql_where=text("pillar_code IS NOT NULL"),
    ),
)

# The same person written in two ways (two spellings, English and Japanese): a reviewer's
# merge maps the folded name of one to the folded name of the person it is. People are
# known by the name the releases write (wpstrack.people), so the map is by name.
person_merge = Table(
    "person_merge",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name_key", String(300), nullable=False, unique=True),
    Column("into_key", String(300), nullable=False, index=True),
    Column("merged_by", String(80)),
    Column("merged_at", DateTime(timezone=True), nullable=False),
)

# --- users, API tokens, audit -------------------------------------------------------------

app_user = Table(
    "app_user",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(80), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("is_active", Boolean, nullable=False, server_default="1"),
    _created_at(),
    Column("version", Integer, nullable=False, server_default="1"),
    # Every web session carries the value it started with; logging out, a password change,
    # disabling or a role change raises it, which ends the user's older sessions at once
    # (a signed cookie cannot be recalled, but it can stop matching).
    Column("session_version", Integer, nullable=False, server_default="1"),
    CheckConstraint("role IN ('admin', 'editor', 'reviewer', 'viewer')", name="role"),
)

api_token = Table(
    "api_token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    # sha256 of the token: a stolen database does not yield usable tokens.
    Column("token_hash", String(64), nullable=False, unique=True),
    _created_at(),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(80)),  # username; None for the system itself
    Column("action", String(32), nullable=False),
    Column("table_name", String(64), nullable=False),
    Column("row_id", String(80)),
    Column("before", JSON),
    Column("after", JSON),
    Index("ix_audit_event_table_row", "table_name", "row_id"),
    Index("ix_audit_event_actor", "actor"),
)

login_attempt = Table(
    "login_attempt",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(80), nullable=False),
    Column("address", String(64), nullable=False),
    Column("succeeded", Boolean, nullable=False),
    Index("ix_login_attempt_username_at", "username", "at"),
    Index("ix_login_attempt_address_at", "address", "at"),
)


# --- what the public can see ---------------------------------------------------------------

public_version = Table(
    "public_version",
    metadata,
    # One row, moved by database triggers (migration 0019) on every write that can change what
    # an anonymous visitor sees: a published activity, its links, participants and sources, a
    # document behind one, and any write to reference, plan, indicator or funding tables.
    # Drafts arriving from an ingestion leave it alone, so the public's kept figures, facets
    # and searches survive them (wpstrack.db.kept_until_write).
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)


# --- the register's figures, kept up to date (wpstrack.tallies) -----------------------------

tally_dirty = Table(
    "tally_dirty",
    metadata,
    # Activities whose contributions to the figures may have changed since the tallies were
    # last brought up to date: filled by triggers (migration 0022), emptied by
    # wpstrack.tallies.refresh before the transaction commits.
    Column("activity_id", Integer, primary_key=True, autoincrement=False),
)

activity_tally = Table(
    "activity_tally",
    metadata,
    # What each activity adds to each figure (``figure``), under which value (``key``).
    Column("activity_id", Integer, primary_key=True, autoincrement=False),
    Column("figure", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("n", Integer, nullable=False),
    Column("published", Boolean, nullable=False),
)

tally = Table(
    "tally",
    metadata,
    # The sums of activity_tally per figure and key, over every entry ("all") and over the
    # published ones ("public"): what the unfiltered dashboard, 3W and facets read.
    Column("scope", String(8), primary_key=True),
    Column("figure", String(16), primary_key=True),
    Column("key", Text, primary_key=True),
    Column("n", Integer, nullable=False),
)

DERIVED = frozenset({"tally_dirty", "activity_tally", "tally"})
"""Tables computed from the others (wpstrack.tallies): a backup leaves them out, a restore
computes them afresh."""

SEEDED = frozenset({"public_version"})
"""Tables whose rows the migrations write: an empty database holds them, and a restore
replaces them with the backup's (wpstrack.backup)."""


# --- funding --------------------------------------------------------------------------------

contribution = Table(
    "contribution",
    metadata,
    Column("id", Integer, primary_key=True),
    # Organisations as resolved against ``organisation`` and as the source wrote them; the id
    # is NULL only when the importer was told to keep unresolved names.
    Column("donor_id", ForeignKey("organisation.id", ondelete="SET NULL")),
    Column("donor_name", String(300), nullable=False),
    Column("recipient_id", ForeignKey("organisation.id", ondelete="SET NULL")),
    Column("recipient_name", String(300), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("currency", String(3), nullable=False),  # ISO 4217
    Column("date", Date, nullable=False),
    Column("year", Integer, nullable=False),  # the reporting year it counts in
    Column("pillar_code", ForeignKey("pillar.code")),
    # OECD DAC gender equality policy marker: 0 not targeted, 1 significant, 2 principal;
    # NULL when the contribution was not screened.
    Column("gender_marker", Integer),
    Column("transaction_type", String(16), nullable=False),
    # OECD DAC CRS purpose code (15170 women's rights organisations, 15180 ending violence
    # against women and girls, 15220 peace-building ...) and the country that benefits
    # (ISO 3166), where the source gives them.
    Column("purpose_code", String(5)),
    Column("recipient_country", String(2)),
    # The importer's own identifier (agreement, project or line number); part of the natural
    # key, empty when the file gives none.
    Column("reference", String(120), nullable=False, server_default=""),
    Column("plan_item_id", ForeignKey("plan_item.id", ondelete="SET NULL")),
    Column("activity_id", ForeignKey("activity.id", ondelete="SET NULL")),
    Column("source", Text),
    Column("note", Text),
    _created_at(),
    Column("version", Integer, nullable=False, server_default="1"),
    CheckConstraint("gender_marker IN (0, 1, 2)", name="gender_marker"),
    CheckConstraint("transaction_type IN ('commitment', 'disbursement')", name="transaction_type"),
    CheckConstraint("amount > 0", name="amount"),
    Index("ix_contribution_date", "date"),
    Index("ix_contribution_recipient_year", "recipient_id", "year"),
)

exchange_rate = Table(
    "exchange_rate",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("currency", String(3), nullable=False),
    Column("year", Integer, nullable=False),
    # One unit of ``currency`` is worth ``rate`` units of ``reporting_currency``.
    Column("rate", Numeric(24, 12), nullable=False),
    Column("reporting_currency", String(3), nullable=False),
    Column("source", Text),
    _created_at(),
    CheckConstraint("rate > 0", name="rate"),
    UniqueConstraint("currency", "year", "reporting_currency"),
)
