"""One event, many sources: which activities report the same event, and joining them.

An activity is an event and documents are its sources (``activity_source``). The English
and the Japanese release of one meeting, or one release as HTML, PDF and DOCX, are one
activity with several sources, so every count counts events.

:func:`candidates` compares an activity with the others dated within a day of it, on what
does not depend on the language of the release: the UTC instant, the city and country
codes, the canonical organisation ids and the people's names folded to the same romanised
form; the evidence is listed with each match for the reviewer. :func:`merge` joins one
activity into another (every source and its extracted values kept, the empty values filled
from the joined one, each filled column recorded against its source); :func:`keep_apart`
remembers that two activities are different events. Format copies (the same text folded to
letters and digits, or nearly the same) are joined at ingest by :func:`join_format_copy`
without a reviewer. Every write is in the audit log. Nothing here commits.
"""

from __future__ import annotations

import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, and_, or_, select, update

from wpstrack import audit, copies, schema, visibility
from wpstrack.audit import UtcDateTime
from wpstrack.db import now
from wpstrack.errors import Conflict, InvalidInput, NotFound

WINDOW = 200  # at most this many activities dated within a day are compared with one
SAME_INSTANT = timedelta(minutes=60)
OTHER_INSTANT = timedelta(hours=3)  # starts further apart: two events on one day
# The score from which another activity is offered as the same event. A list for a reviewer
# to decide on: a missed match counts one event twice, a wrong one costs a click. At 2 (the
# same day and one more thing in common, nothing contradicting) bench/events.py measured
# precision 1.0 and recall 1.0; at 3 and 4 recall fell to 0.9 (a Japanese release whose
# time and venue the extractor did not read).
THRESHOLD = 2.0
STATUS_ORDER = {"draft": 0, "reviewed": 1, "published": 2}
# The activity columns a merge fills on the kept activity when it has no value of its own.
FILLED_COLUMNS = (
    "title",
    "date",
    "start_time_local",
    "timezone",
    "tz_stated",
    "start_time_jst",
    "start_utc",
    "duration_minutes",
    "place_id",
    "city",
    "country",
    "summary",
)


class Source(BaseModel):
    """A document an activity rests on, how it joined and the columns it filled."""

    document_id: int
    title: str | None
    filename: str | None
    media_type: str | None
    language: str | None
    how: str
    fields: list[str]
    added_by: str | None
    added_at: UtcDateTime


class Candidate(BaseModel):
    """Another activity that may report the same event, with the evidence for it."""

    activity_id: int
    title: str | None
    date: date | None
    status: str
    score: float
    evidence: list[str]
    same_text: bool


class _ShingleCache:
    """Shingles of stored documents by fingerprint (the folded text's hash: the same key,
    the same shingles), kept within :data:`SHINGLE_CACHE_BYTES`, the least recently used
    going first. Ingestion compares each new release with every activity of its day: with
    many releases a day, rebuilding their shingles from their texts for each new one was
    most of the single writer's work (bench/ingest.py --per-day)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.kept: OrderedDict[str, copies.Shingles] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, mark: str) -> copies.Shingles | None:
        with self.lock:
            found = self.kept.get(mark)
            if found is not None:
                self.kept.move_to_end(mark)
            return found

    def put(self, mark: str, shingles: copies.Shingles) -> None:
        with self.lock:
            if mark in self.kept or shingles.nbytes > self.budget:
                return
            self.kept[mark] = shingles
            self.used += shingles.nbytes
            while self.used > self.budget:
                _, gone = self.kept.popitem(last=False)
                self.used -= gone.nbytes


# A release of 2 kB has some 1,800 shingles (7 kB), one of 10 kB some 8,000 (32 kB): a whole
# window (WINDOW activities) of the latter takes 6.4 MB. The writer and the server keep this.
SHINGLE_CACHE_BYTES = 8 * 2**20
_CACHE = _ShingleCache(SHINGLE_CACHE_BYTES)


def remember(mark: str | None, shingles: copies.Shingles) -> None:
    """Keep the shingles of a release being stored, computed with its extraction
    (:func:`wpstrack.copies.marks`), so that comparing it does not read its text back."""
    if mark:
        shingles.flags.writeable = False  # shared through the cache (a worker's unpickled copy)
        _CACHE.put(mark, shingles)


def _shingles_of(conn: Connection, marks: Mapping[int, str | None]) -> dict[int, copies.Shingles]:
    """The shingles of stored documents, given with their fingerprints (read with their
    sources), reading only the texts the cache lacks (and those of documents stored before
    fingerprints, whose column is NULL)."""
    found: dict[int, copies.Shingles] = {}
    for document_id, mark in marks.items():
        cached = _CACHE.get(mark) if mark else None
        if cached is not None:
            found[document_id] = cached
    for document_id, text in _texts(conn, sorted(set(marks) - set(found))).items():
        found[document_id] = copies.shingles(text)
        if mark := marks.get(document_id):
            _CACHE.put(mark, found[document_id])
    return found


# --- what is compared -----------------------------------------------------------------------


def fold_name(name: str) -> frozenset[str]:
    """A person's name as a set of romanised tokens: order, case, macrons and the long-vowel
    spellings (Kōno, Kohno, Kouno, Kono) folded, so one person written in English and
    romanised from Japanese compare equal."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    tokens = "".join(ch if ch.isalnum() else " " for ch in plain).split()
    out = set()
    for token in tokens:
        for long, short in (("ou", "o"), ("oh", "o"), ("uu", "u")):
            token = token.replace(long, short)
        if len(token) > 1:
            out.add(token)
    return frozenset(out)


@dataclass
class Profile:
    """What an activity is compared on."""

    id: int
    title: str | None
    status: str
    day: date | None
    start_utc: datetime | None
    place_id: int | None
    city: str | None
    country: str | None
    organisations: set[int] = field(default_factory=set)
    people: list[frozenset[str]] = field(default_factory=list)
    documents: dict[int, str | None] = field(default_factory=dict)  # id -> fingerprint


def _profiles(conn: Connection, condition: Any) -> dict[int, Profile]:
    act, part = schema.activity, schema.activity_participant
    rows = conn.execute(
        select(
            act.c.id,
            act.c.title,
            act.c.status,
            act.c.date,
            act.c.start_utc,
            act.c.place_id,
            act.c.city,
            act.c.country,
        )
        .where(condition)
        .order_by(act.c.id.desc())
        .limit(WINDOW + 1)
    )
    found = {
        r.id: Profile(
            r.id,
            r.title,
            r.status,
            r.date,
            audit.as_utc(r.start_utc) if r.start_utc else None,
            r.place_id,
            (r.city or "").casefold() or None,
            r.country,
        )
        for r in rows
    }
    if not found:
        return found
    ids = list(found)
    people = select(part.c.activity_id, part.c.organisation_id, part.c.name, part.c.role)
    for r in conn.execute(people.where(part.c.activity_id.in_(ids))):
        if r.organisation_id is not None:
            found[r.activity_id].organisations.add(r.organisation_id)
        if r.role in schema.PEOPLE_ROLES and r.name and (name := fold_name(r.name)):
            found[r.activity_id].people.append(name)
    for activity_id, document_id, mark in conn.execute(_sources_of(ids)):
        found[activity_id].documents[document_id] = mark
    return found


def _sources_of(activity_ids: list[int]) -> Any:
    """(activity, document, fingerprint) of the activities' sources, in the order added."""
    src, doc = schema.activity_source, schema.document
    return (
        select(src.c.activity_id, src.c.document_id, doc.c.fingerprint)
        .join(doc, doc.c.id == src.c.document_id)
        .where(src.c.activity_id.in_(activity_ids))
        .order_by(src.c.id)
    )


def _same_person(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two folded names of one person: one holds the other (a family name alone matches the
    full name) and they share at least one token."""
    return bool(a & b) and (a <= b or b <= a)


def compare(one: Profile, other: Profile) -> tuple[float, list[str]]:
    """A score and the evidence that ``one`` and ``other`` report the same event."""
    score, evidence = 0.0, []
    if one.start_utc and other.start_utc:
        apart = abs(one.start_utc - other.start_utc)
        if apart <= SAME_INSTANT:
            score += 3
            evidence.append(f"same start: {other.start_utc:%Y-%m-%d %H:%M} UTC")
        elif apart > OTHER_INSTANT:
            score -= 3
            evidence.append(f"different start: {other.start_utc:%Y-%m-%d %H:%M} UTC")
    if one.day and other.day:
        if one.day == other.day:
            score += 1
            evidence.append(f"same date: {other.day.isoformat()}")
        else:
            score += 0.5
            evidence.append(f"date a day apart: {other.day.isoformat()}")
    if one.country and other.country and one.country != other.country:
        score -= 3
        evidence.append(f"different country: {other.country}")
    elif (one.place_id and one.place_id == other.place_id) or (one.city and one.city == other.city):
        score += 2
        evidence.append(f"same place: {other.city or other.country}")
    elif one.country and one.country == other.country:
        score += 1
        evidence.append(f"same country: {other.country}")
    shared = [p for p in one.people if any(_same_person(p, q) for q in other.people)]
    if shared:
        score += 2
        evidence.append("same people: " + ", ".join(" ".join(sorted(p)) for p in shared[:3]))
    orgs = one.organisations | other.organisations
    overlap = len(one.organisations & other.organisations) / len(orgs) if orgs else 0.0
    if overlap >= 0.5:
        score += 2
    elif overlap > 0:
        score += 1
    if overlap:
        evidence.append(f"organisations in common: {overlap:.0%}")
    return score, evidence


def _apart(conn: Connection, activity_id: int) -> set[int]:
    ap = schema.activity_apart
    rows = conn.execute(
        select(ap.c.activity_id, ap.c.other_id).where(
            or_(ap.c.activity_id == activity_id, ap.c.other_id == activity_id)
        )
    )
    return {r.other_id if r.activity_id == activity_id else r.activity_id for r in rows}


def _texts(conn: Connection, document_ids: list[int]) -> dict[int, str]:
    doc = schema.document
    rows = conn.execute(select(doc.c.id, doc.c.text).where(doc.c.id.in_(document_ids)))
    return {r.id: r.text or "" for r in rows}


def _within_a_day(activity_id: int, day: date) -> Any:
    """The other activities dated within a day of ``day``: what an activity is compared
    with (a release's local date and another's Japan date of one meeting differ by a day)."""
    act = schema.activity
    return and_(
        act.c.date.between(day - timedelta(days=1), day + timedelta(days=1)),
        act.c.id != activity_id,
    )


def _near_copies(conn: Connection, activity_id: int) -> list[int]:
    """The activities among :func:`candidates`' window whose source text is nearly the same
    as one of ``activity_id``'s: the ``same_text`` candidates, which always pass the
    threshold (a format copy scores 10, the evidence against it at most -6, a day apart
    +0.5), found without the people, organisations and scores the reviewer's list needs.
    Ingestion asks this for every new document, in the single writer."""
    act = schema.activity
    day = conn.execute(select(act.c.date).where(act.c.id == activity_id)).scalar()
    return _near_copies_of(conn, activity_id, day, _apart(conn, activity_id))


def _near_copies_of(
    conn: Connection, activity_id: int, day: date | None, apart: set[int]
) -> list[int]:
    """:func:`_near_copies` given the activity's date and the activities kept apart from it
    (the single writer has read them already: two statements fewer for every document)."""
    act = schema.activity
    if day is None:
        return []
    window = (
        select(act.c.id)
        .where(_within_a_day(activity_id, day))
        .order_by(act.c.id.desc())
        .limit(WINDOW + 1)
    )
    others = set(conn.execute(window).scalars()) - apart
    if not others:
        return []
    documents: dict[int, dict[int, str | None]] = {}
    for owner, document_id, mark in conn.execute(_sources_of([activity_id, *others])):
        documents.setdefault(owner, {})[document_id] = mark
    mine = documents.get(activity_id, {})
    shingles = _shingles_of(conn, {d: m for marks in documents.values() for d, m in marks.items()})
    return sorted(
        other
        for other in others
        if any(
            copies.near_duplicates(
                shingles.get(a, copies.NO_SHINGLES), shingles.get(d, copies.NO_SHINGLES)
            )
            for d in documents.get(other, {})
            for a in mine
        )
    )


def candidates(conn: Connection, activity_id: int, threshold: float = THRESHOLD) -> list[Candidate]:
    """Other activities that may be the same event as ``activity_id``, best first.

    Compared are the activities dated within a day of it (a release's local date and
    another's Japan date of one meeting differ by a day), at most :data:`WINDOW` of them,
    less the pairs a reviewer kept apart; offered are those scoring ``threshold`` or more
    (the bench lowers it to see the scores below). An activity without a date has none.
    """
    act = schema.activity
    own = _profiles(conn, act.c.id == activity_id).get(activity_id)
    if own is None:
        raise NotFound(f"no activity {activity_id}")
    if own.day is None:
        return []
    window = _within_a_day(activity_id, own.day)
    others = {
        k: v for k, v in _profiles(conn, window).items() if k not in _apart(conn, activity_id)
    }
    if not others:
        return []
    shingles = _shingles_of(
        conn, {d: m for p in [own, *others.values()] for d, m in p.documents.items()}
    )
    mine = [shingles.get(d, copies.NO_SHINGLES) for d in own.documents]
    found = []
    for other in others.values():
        score, evidence = compare(own, other)
        theirs = [shingles.get(d, copies.NO_SHINGLES) for d in other.documents]
        same_text = any(copies.near_duplicates(a, b) for a in mine for b in theirs)
        if same_text:
            score += 10
            evidence.insert(0, "same text (a format copy)")
        if score >= threshold:
            found.append(
                Candidate(
                    activity_id=other.id,
                    title=other.title,
                    date=other.day,
                    status=other.status,
                    score=score,
                    evidence=evidence,
                    same_text=same_text,
                )
            )
    return sorted(found, key=lambda c: (-c.score, c.activity_id))


# --- sources --------------------------------------------------------------------------------


def sources(conn: Connection, activity_id: int) -> list[Source]:
    """The documents an activity rests on, in the order they joined it."""
    src, doc = schema.activity_source, schema.document
    rows = conn.execute(
        select(
            src.c.document_id,
            doc.c.title,
            doc.c.filename,
            doc.c.media_type,
            doc.c.language,
            src.c.how,
            src.c.fields,
            src.c.added_by,
            src.c.added_at,
        )
        .join(doc, doc.c.id == src.c.document_id)
        .where(src.c.activity_id == activity_id)
        .order_by(src.c.id)
    ).mappings()
    return [Source.model_validate(dict(r) | {"fields": r["fields"] or []}) for r in rows]


def activity_of_document(conn: Connection, document_id: int) -> int | None:
    """The activity a document is a source of, if any."""
    src = schema.activity_source
    found = conn.execute(select(src.c.activity_id).where(src.c.document_id == document_id)).scalar()
    return None if found is None else int(found)


# --- merging and keeping apart --------------------------------------------------------------


def _activity(conn: Connection, activity_id: int) -> dict[str, Any]:
    act = schema.activity
    row = conn.execute(select(act).where(act.c.id == activity_id)).mappings().first()
    if row is None:
        raise NotFound(f"no activity {activity_id}")
    return dict(row)


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _merged_values(keep: dict[str, Any], gone: dict[str, Any]) -> dict[str, Any]:
    """The kept activity's empty columns filled from the joined one, and the further review
    status of the two (an event already in the register stays there)."""
    values = {c: gone[c] for c in FILLED_COLUMNS if _empty(keep[c]) and not _empty(gone[c])}
    if keep["type"] == "other" and gone["type"] != "other":
        values["type"] = gone["type"]
    if STATUS_ORDER[gone["status"]] > STATUS_ORDER[keep["status"]]:
        values |= {c: gone[c] for c in ("status", "reviewed_by", "reviewed_at")}
    # A published event stays public (visibility's rule for a row already read).
    if visibility.activity_shown(True, gone) and not visibility.activity_shown(True, keep):
        values |= {"is_published": True}
    return values


def _move_children(conn: Connection, keep_id: int, gone_id: int) -> dict[str, int]:
    """Participants and links of the joined activity that the kept one lacks move over."""
    part, link = schema.activity_participant, schema.activity_link
    moved = {"participants": 0, "links": 0}

    def person_key(r: Any) -> tuple[Any, ...]:
        return (r.role, r.organisation_id, fold_name(r.name or "") if r.name else None)

    def link_key(r: Any) -> tuple[Any, ...]:
        return (r.kind, r.plan_item_id, r.resolution_number, r.pillar_code, r.topic)

    for table, key, name in ((part, person_key, "participants"), (link, link_key, "links")):
        rows = list(conn.execute(select(table).where(table.c.activity_id.in_([keep_id, gone_id]))))
        have = {key(r) for r in rows if r.activity_id == keep_id}
        ids = []
        for r in rows:
            if r.activity_id == gone_id and key(r) not in have:
                have.add(key(r))
                ids.append(r.id)
        if ids:
            conn.execute(update(table).where(table.c.id.in_(ids)).values(activity_id=keep_id))
        moved[name] = len(ids)
    return moved


def merge(
    conn: Connection,
    actor: str | None,
    into_id: int,
    from_id: int,
    *,
    how: str = "merge",
    expected_version: int | None = None,
) -> dict[str, Any]:
    """Join activity ``from_id`` into ``into_id``: one event with the sources of both.

    The kept activity takes the joined one's sources (each keeps its extracted values and
    their spans), the values it had none of (recorded on the source that gave them), the
    participants and links it lacks, its funding rows and the further review status; the
    joined activity is then deleted. ``how`` is "merge" for a reviewer, "auto" for a format
    copy joined at ingest. Returns the kept activity as stored.
    """
    if into_id == from_id:
        raise InvalidInput("an activity cannot be merged with itself", "activity")
    if how not in ("merge", "auto"):
        raise InvalidInput("how must be 'merge' or 'auto'", "how")
    keep, gone = _activity(conn, into_id), _activity(conn, from_id)
    src = schema.activity_source
    values = _merged_values(keep, gone) | {"updated_at": now()}
    filled = sorted(set(values) & {*FILLED_COLUMNS, "type"})
    stored = audit.update(
        conn,
        actor,
        schema.activity,
        into_id,
        values,
        expected_version=expected_version,
        action="merge",
    )
    joined = [
        r.document_id
        for r in conn.execute(select(src.c.document_id).where(src.c.activity_id == from_id))
    ]
    conn.execute(
        update(src)
        .where(src.c.activity_id == from_id)
        .values(activity_id=into_id, how=how, added_by=actor, added_at=now())
    )
    if gone["document_id"] is not None and filled:
        conn.execute(
            update(src).where(src.c.document_id == gone["document_id"]).values(fields=filled)
        )
    moved = _move_children(conn, into_id, from_id)
    money = schema.contribution
    conn.execute(update(money).where(money.c.activity_id == from_id).values(activity_id=into_id))
    for other in _apart(conn, from_id) - {into_id} - _apart(conn, into_id):
        _insert_apart(conn, actor, into_id, other)
    audit.delete(conn, actor, schema.activity, from_id)
    after = {"merged": from_id, "how": how, "sources": joined, "filled": filled, **moved}
    audit.record(conn, actor, "merge", "activity_source", into_id, None, after)
    return stored


def _insert_apart(conn: Connection, actor: str | None, a: int, b: int) -> None:
    low, high = sorted((a, b))
    audit.insert(
        conn,
        actor,
        schema.activity_apart,
        {"activity_id": low, "other_id": high, "decided_by": actor, "decided_at": now()},
        action="keep_apart",
    )


def keep_apart(conn: Connection, actor: str | None, activity_id: int, other_id: int) -> None:
    """Remember that two activities are different events: neither is offered as the other's
    match again."""
    if activity_id == other_id:
        raise InvalidInput("an activity is always the same event as itself", "activity")
    _activity(conn, activity_id), _activity(conn, other_id)
    if other_id in _apart(conn, activity_id):
        raise Conflict(f"activities {activity_id} and {other_id} are already kept apart")
    _insert_apart(conn, actor, activity_id, other_id)


def join_format_copy(
    conn: Connection, actor: str | None, activity_id: int, document_id: int
) -> int | None:
    """At ingest: when the new document is a format copy of another activity's source (the
    same folded text, or nearly the same among the activities dated within a day), join its
    draft into that activity without a reviewer; returns the activity it joined, or None."""
    doc, src, act = schema.document, schema.activity_source, schema.activity
    mark, day = conn.execute(
        select(
            select(doc.c.fingerprint).where(doc.c.id == document_id).scalar_subquery(),
            select(act.c.date).where(act.c.id == activity_id).scalar_subquery(),
        )
    ).one()
    apart = _apart(conn, activity_id)
    target = None
    if mark is not None:
        target = conn.execute(
            select(src.c.activity_id)
            .join(doc, doc.c.id == src.c.document_id)
            .where(doc.c.fingerprint == mark, src.c.activity_id != activity_id)
            .order_by(src.c.activity_id)
            .limit(1)
        ).scalar()
    if target is None:
        copies = _near_copies_of(conn, activity_id, day, apart)
        target = min(copies) if copies else None
    if target is None or int(target) in apart:
        return None
    merge(conn, actor, int(target), activity_id, how="auto")
    return int(target)
